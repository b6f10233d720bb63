"""What the bot says, the same on every platform: status lines, progress bars, listings, help."""
from __future__ import annotations

from bot.queue import Cancelled, Failed, Finished, JobEvent, Progress, Queued, Started
from bot.service import TemplateInfo, Usage

PROGRESS_BAR_CELLS = 12
LABEL_NOTE = "Made by AI (the video is labelled AI-generated). Please share it kindly."


def progress_bar(done: int, total: int, cells: int = PROGRESS_BAR_CELLS) -> str:
    """A text bar like `▓▓▓▓░░░░ 50%`."""
    fraction = 0.0 if total <= 0 else min(1.0, done / total)
    filled = round(fraction * cells)
    return f"{'▓' * filled}{'░' * (cells - filled)} {fraction:.0%}"


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return f" · about {max(1, round(seconds))} s left"
    return f" · about {round(seconds / 60)} min left"


def status_text(event: JobEvent, template_title: str) -> str:
    """One status line for a job event, e.g. while a message is edited as the job moves."""
    match event:
        case Queued(position=position):
            ahead = "next in line" if position <= 1 else f"number {position} in the queue"
            return f"🎤 {template_title}: you are {ahead}."
        case Started(attempt=attempt):
            again = " (starting again after a restart)" if attempt > 1 else ""
            return f"🎤 {template_title}: rendering{again}…"
        case Progress(done=done, total=total, eta_seconds=eta):
            return f"🎤 {template_title}: {progress_bar(done, total)}{_eta(eta)}"
        case Finished():
            return f"✅ {template_title}: done! {LABEL_NOTE}"
        case Failed(reason=reason):
            return f"❌ {template_title}: {reason}"
        case Cancelled():
            return f"🚫 {template_title}: cancelled."
    raise TypeError(f"not a job event: {event!r}")


def templates_text(templates: list[TemplateInfo], command: str) -> str:
    """The list of songs with how to pick one."""
    if not templates:
        return "No songs yet: an admin has to add one first."
    lines = [f"• {t.slug} — {t.title} ({t.duration_seconds:.0f} s)" for t in templates]
    return "Songs you can pick:\n" + "\n".join(lines) + f"\n\nUse {command} NAME with a photo."


def _limit(used: int, limit: int) -> str:
    return f"{used} of unlimited" if limit == 0 else f"{used} of {limit}"


def quota_text(usage: Usage) -> str:
    """Today's usage for a user in a chat."""
    return (
        f"Today you made {_limit(usage.used, usage.limit)} videos; this chat made {_limit(usage.chat_used, usage.chat_limit)}.\n"
        f"In progress: {usage.in_flight} (at most {usage.max_in_flight} at a time). Limits reset at midnight UTC."
    )


def help_text(sing_command: str) -> str:
    """How to use the bot."""
    return (
        "Send me a face photo and pick a song: I'll make that face sing it.\n"
        f"• {sing_command} NAME with a photo — sing a song\n"
        "• /templates — the songs you can pick\n"
        "• /quota — how many videos you have left today\n"
        "• /privacy — what I keep and for how long\n"
        "• /forgetme — delete everything I have about you\n"
        "Only use photos of yourself, or of people who agreed. Every video is labelled AI-generated."
    )
