"""What the bot says, the same on every platform: status lines, progress bars, listings, help."""
from __future__ import annotations

from bot.queue import Cancelled, Failed, Finished, JobEvent, Progress, Queued, Started
from bot.service import AddedTemplate, TemplateInfo, Usage, UserRef

PROGRESS_BAR_CELLS = 12
MB = 1_000_000
DONE = "✅ {title}: done!"


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
            return DONE.format(title=template_title)
        case Failed(reason=reason):
            return f"❌ {template_title}: {reason}"
        case Cancelled():
            return f"🚫 {template_title}: cancelled."
    raise TypeError(f"not a job event: {event!r}")


def label_note(label: str) -> str:
    """The note under every video, naming the label it carries (MEMEBOT_LABEL)."""
    return f'Made by AI (the video is labelled "{label}"). Please share it kindly.'


def done_text(template_title: str, label: str) -> str:
    """The status once the video is there (also for a video reused from the cache)."""
    return f"{DONE.format(title=template_title)} {label_note(label)}"


def templates_text(templates: list[TemplateInfo], command: str) -> str:
    """The list of songs with how to pick one."""
    if not templates:
        return "No songs yet: an admin has to add one first."
    lines = [f"• {t.slug} — {t.title} ({t.duration_seconds:.0f} s)" for t in templates]
    return "Songs you can pick:\n" + "\n".join(lines) + f"\n\nUse {command} NAME with a photo."


def preview_caption(template: TemplateInfo) -> str:
    """A song under its moving preview: title, length, credits."""
    credits = f"\n{template.credits}" if template.credits else ""
    return f"{template.title} ({template.slug}) · {template.duration_seconds:.0f} s{credits}"


MORE_SONGS_BUTTON = "More songs ▸"


def _limit(used: int, limit: int) -> str:
    return f"{used} of unlimited" if limit == 0 else f"{used} of {limit}"


def quota_text(usage: Usage) -> str:
    """Today's usage for a user in a chat."""
    return (
        f"Today you made {_limit(usage.used, usage.limit)} videos; "
        f"this chat made {_limit(usage.chat_used, usage.chat_limit)}.\n"
        f"In progress: {usage.in_flight} (at most {usage.max_in_flight} at a time). Limits reset at midnight UTC."
    )


def help_text(sing_command: str, label: str) -> str:
    """How to use the bot."""
    return (
        "Send me a face photo and pick a song: I'll make that face sing it.\n"
        f"• {sing_command} NAME with a photo — sing a song\n"
        "• /templates — the songs you can pick\n"
        "• /quota — how many videos you have left today\n"
        "• /cancel — drop a video still waiting in line\n"
        "• /privacy — what I keep and for how long\n"
        "• /forgetme — delete everything I have about you\n"
        f'Only use photos of yourself, or of people who agreed. Every video is labelled "{label}".'
    )


# The request flow, in the order a user meets it.
PICK_A_SONG = "🎶 Which song should this face sing?"
CHECKING_PHOTO = "🔎 Looking at your photo…"
NO_IMAGE_IN_MESSAGE = "That message has no image: use \"Make it sing\" on a message with a face photo attached."
PHOTO_MISSING = "I can't find that photo any more; please send it again."
CONSENT_DECLINED = "No problem: I won't animate this photo, and I haven't kept it."
NOT_YOUR_BUTTONS = "Only the person who asked can use these buttons."
SOMETHING_WENT_WRONG = "Sorry, something went wrong on my side. Please try again in a moment."

# The buttons under a video, and what they lead to.
DELETE_BUTTON = "🗑 Delete"
ANOTHER_SONG_BUTTON = "🎶 Another song"
REPORT_BUTTON = "⚠ Report"
TRY_AGAIN_BUTTON = "↻ Try again"
VIDEO_DELETED = "Deleted."
PICK_ANOTHER_SONG = "🎶 Which song should this face sing next?"
REPORT_QUESTION = "⚠ What is wrong with this video? Only the bot's admins see your report."
REPORTED = "Thank you: the bot's admins have been told, and will decide what happens to this video."
REPORT_USAGE = "Reply to one of my videos with /report to tell the bot's admins about it."
BUTTON_EXPIRED = "That button no longer works. Please send the photo again."


def report_notice_text(reporter: UserRef, job_id: int, reason: str, where: str) -> str:
    """The DM a bot admin gets about a report."""
    return f"⚠ {reporter} reported video job:{job_id} ({reason}) in {where}. Nothing was hidden automatically."


FORGET_ME_QUESTION = (
    "Delete everything I have about you: your consent, today's count, and your videos, waiting or made? "
    "This cannot be undone."
)
FORGOTTEN = "Done: I have forgotten you, consent included, so I will ask again if you come back."
NOTHING_FORGOTTEN = "Alright, nothing was deleted."


def sing_usage_text(sing_command: str) -> str:
    """How to ask for a song when the photo is missing."""
    return f"Send a face photo with the caption {sing_command} NAME, or reply to a photo with {sing_command} NAME."


def photo_hint_text(help_command: str) -> str:
    """The answer to a message that is not a photo, in a direct chat."""
    return f"Send me a face photo and I'll offer you songs for it to sing. {help_command} tells you more."


def cancel_text(cancelled: bool | None) -> str:
    """The answer to a cancel request: None when nothing was waiting, False when it already started."""
    if cancelled is None:
        return "You have no video on the way here."
    if cancelled:
        return "Cancelled: that video won't be made, and it doesn't count against your quota."
    return "Your video is already being made and can no longer be cancelled."


def ingest_status_text(slug: str, stage: str, fraction: float) -> str:
    """An admin's template being added, e.g. `⚙️ baka-mitai: tracking the face ▓▓░░ 20%`."""
    return f"⚙️ {slug}: {stage} {progress_bar(round(fraction * 100), 100)}"


def template_added_text(added: AddedTemplate, sing_command: str) -> str:
    """The result of adding a template, with anything the admin should know about it."""
    template = added.template
    lines = [f"✅ Added {template.slug} — {template.title} ({template.duration_seconds:.1f} s). "
             f"Anyone can pick it now, or use {sing_command} {template.slug}."]
    lines += [f"⚠️ {warning}" for warning in added.warnings]
    return "\n".join(lines)


def template_removed_text(slug: str) -> str:
    """The answer to an admin removing a template."""
    return f"Removed {slug}; it can no longer be picked."


def chat_switched_text(enabled: bool) -> str:
    """The answer to a chat admin switching the bot on or off in their chat."""
    return "I'm back on in this chat." if enabled else "I'm off in this chat until its admins switch me on again."


def ban_text(target: UserRef, banned: bool) -> str:
    """The answer to an admin banning or unbanning someone."""
    return f"{target} is banned from the bot." if banned else f"{target} may use the bot again."


def limit_text(whom: str, daily_limit: int | None) -> str:
    """An admin's new daily limit for a person or a chat."""
    if daily_limit is None:
        return f"{whom} is back to the default daily limit."
    if daily_limit == 0:
        return f"{whom} may now make unlimited videos a day."
    return f"{whom} may now make {daily_limit} video{'' if daily_limit == 1 else 's'} a day."


def size_text(size_bytes: int) -> str:
    """A size or limit in words, e.g. `10 MB` or `12.35 MB`."""
    return f"{size_bytes / MB:.4g} MB"


def video_too_large_text(size_bytes: int, limit_bytes: int) -> str:
    """Why a finished video cannot be sent here, even re-encoded smaller."""
    return (f"❌ Your video came out at {size_text(size_bytes)}, and even shrunk it does not fit the "
            f"{size_text(limit_bytes)} upload limit here. A shorter song would fit.")
