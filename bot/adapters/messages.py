"""What the bot says, the same on every platform: status lines, progress bars, listings, help.

Every text is a catalogue msgid (bot/i18n.py): constants are marked with N_ and shown through `t.gettext`, the
functions take the user's catalogue `t`.
"""
from __future__ import annotations

from bot.i18n import N_, Texts
from bot.queue import Cancelled, Failed, Finished, JobEvent, Progress, Queued, Started
from bot.service import AddedTemplate, TemplateInfo, Usage, UserRef

PROGRESS_BAR_CELLS = 12
MB = 1_000_000
DONE = N_("✅ {title}: done!")


def progress_bar(done: int, total: int, cells: int = PROGRESS_BAR_CELLS) -> str:
    """A text bar like `▓▓▓▓░░░░ 50%`."""
    fraction = 0.0 if total <= 0 else min(1.0, done / total)
    filled = round(fraction * cells)
    return f"{'▓' * filled}{'░' * (cells - filled)} {fraction:.0%}"


def _eta(t: Texts, seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return t.gettext(" · about {seconds} s left").format(seconds=max(1, round(seconds)))
    return t.gettext(" · about {minutes} min left").format(minutes=round(seconds / 60))


def status_text(t: Texts, event: JobEvent, template_title: str) -> str:
    """One status line for a job event, e.g. while a message is edited as the job moves."""
    match event:
        case Queued(position=position):
            if position <= 1:
                return t.gettext("🎤 {title}: you are next in line.").format(title=template_title)
            return t.gettext("🎤 {title}: you are number {position} in the queue.").format(
                title=template_title, position=position)
        case Started(attempt=attempt):
            if attempt > 1:
                return t.gettext("🎤 {title}: rendering (starting again after a restart)…").format(title=template_title)
            return t.gettext("🎤 {title}: rendering…").format(title=template_title)
        case Progress(done=done, total=total, eta_seconds=eta):
            return t.gettext("🎤 {title}: {progress}").format(title=template_title,
                                                             progress=f"{progress_bar(done, total)}{_eta(t, eta)}")
        case Finished():
            return t.gettext(DONE).format(title=template_title)
        case Failed(reason=reason):
            # Reasons are msgids (the queue's and inference's), stored untranslated; every failure is refunded.
            return t.gettext("❌ {title}: {reason} Your quota was refunded.").format(
                title=template_title, reason=t.gettext(reason))
        case Cancelled():
            return t.gettext("🚫 {title}: cancelled.").format(title=template_title)
    raise TypeError(f"not a job event: {event!r}")


def label_note(t: Texts, label: str) -> str:
    """The note under every video, naming the label it carries (MEMEBOT_LABEL)."""
    return t.gettext('Made by AI (the video is labelled "{label}"). Please share it kindly.').format(label=label)


def done_text(t: Texts, template_title: str, label: str) -> str:
    """The status once the video is there (also for a video reused from the cache)."""
    return f"{t.gettext(DONE).format(title=template_title)} {label_note(t, label)}"


def templates_text(t: Texts, templates: list[TemplateInfo], command: str) -> str:
    """The list of songs with how to pick one."""
    if not templates:
        return t.gettext("No songs yet: an admin has to add one first.")
    lines = [f"• {song.slug} — {song.title} ({song.duration_seconds:.0f} s)" for song in templates]
    return (t.gettext("Songs you can pick:") + "\n" + "\n".join(lines) + "\n\n"
            + t.gettext("Use {command} NAME with a photo.").format(command=command))


def preview_caption(template: TemplateInfo) -> str:
    """A song under its moving preview: title, length, credits (the template's own words, in any language)."""
    credits = f"\n{template.credits}" if template.credits else ""
    return f"{template.title} ({template.slug}) · {template.duration_seconds:.0f} s{credits}"


MORE_SONGS_BUTTON = N_("More songs ▸")


def _limit(t: Texts, used: int, limit: int) -> str:
    if limit == 0:
        return t.gettext("{used} of unlimited").format(used=used)
    return t.gettext("{used} of {limit}").format(used=used, limit=limit)


def quota_text(t: Texts, usage: Usage) -> str:
    """Today's usage for a user in a chat."""
    return t.gettext(
        "Today you made {mine} videos; this chat made {chat}.\n"
        "In progress: {in_flight} (at most {max_in_flight} at a time). Limits reset at midnight UTC."
    ).format(mine=_limit(t, usage.used, usage.limit), chat=_limit(t, usage.chat_used, usage.chat_limit),
             in_flight=usage.in_flight, max_in_flight=usage.max_in_flight)


def help_text(t: Texts, sing_command: str, label: str) -> str:
    """How to use the bot."""
    return t.gettext(
        "Send me a face photo and pick a song: I'll make that face sing it.\n"
        "• {sing} NAME with a photo — sing a song\n"
        "• /templates — the songs you can pick\n"
        "• /quota — how many videos you have left today\n"
        "• /cancel — drop a video still waiting in line\n"
        "• /privacy — what I keep and for how long\n"
        "• /forgetme — delete everything I have about you\n"
        'Only use photos of yourself, or of people who agreed. Every video is labelled "{label}".'
    ).format(sing=sing_command, label=label)


# The request flow, in the order a user meets it.
PICK_A_SONG = N_("🎶 Which song should this face sing?")
CHECKING_PHOTO = N_("🔎 Looking at your photo…")
NO_IMAGE_IN_MESSAGE = N_("That message has no image: use \"Make it sing\" on a message with a face photo attached.")
PHOTO_MISSING = N_("I can't find that photo any more; please send it again.")
CONSENT_DECLINED = N_("No problem: I won't animate this photo, and I haven't kept it.")
NOT_YOUR_BUTTONS = N_("Only the person who asked can use these buttons.")
SOMETHING_WENT_WRONG = N_("Sorry, something went wrong on my side. Please try again in a moment.")

# The buttons under a video, and what they lead to.
DELETE_BUTTON = N_("🗑 Delete")
ANOTHER_SONG_BUTTON = N_("🎶 Another song")
REPORT_BUTTON = N_("⚠ Report")
TRY_AGAIN_BUTTON = N_("↻ Try again")
VIDEO_DELETED = N_("Deleted.")
PICK_ANOTHER_SONG = N_("🎶 Which song should this face sing next?")
REPORT_QUESTION = N_("⚠ What is wrong with this video? Only the bot's admins see your report.")
REPORTED = N_("Thank you: the bot's admins have been told, and will decide what happens to this video.")
REPORT_USAGE = N_("Reply to one of my videos with /report to tell the bot's admins about it.")
BUTTON_EXPIRED = N_("That button no longer works. Please send the photo again.")


def report_notice_text(t: Texts, reporter: UserRef, job_id: int, reason: str, where: str) -> str:
    """The DM a bot admin gets about a report; `reason` is the catalogue msgid of the reason picked."""
    return t.gettext("⚠ {reporter} reported video job:{job_id} ({reason}) in {where}. "
                     "Nothing was hidden automatically.").format(reporter=reporter, job_id=job_id,
                                                                  reason=t.gettext(reason), where=where)


FORGET_ME_QUESTION = N_(
    "Delete everything I have about you: your consent, today's count, and your videos, waiting or made? "
    "This cannot be undone."
)
FORGOTTEN = N_("Done: I have forgotten you, consent included, so I will ask again if you come back.")
NOTHING_FORGOTTEN = N_("Alright, nothing was deleted.")


def sing_usage_text(t: Texts, sing_command: str) -> str:
    """How to ask for a song when the photo is missing."""
    return t.gettext("Send a face photo with the caption {sing} NAME, or reply to a photo with {sing} NAME.").format(
        sing=sing_command)


def photo_hint_text(t: Texts, help_command: str) -> str:
    """The answer to a message that is not a photo, in a direct chat."""
    return t.gettext("Send me a face photo and I'll offer you songs for it to sing. {help} tells you more.").format(
        help=help_command)


def cancel_text(t: Texts, cancelled: bool | None) -> str:
    """The answer to a cancel request: None when nothing was waiting, False when it already started."""
    if cancelled is None:
        return t.gettext("You have no video on the way here.")
    if cancelled:
        return t.gettext("Cancelled: that video won't be made, and it doesn't count against your quota.")
    return t.gettext("Your video is already being made and can no longer be cancelled.")


def ingest_status_text(slug: str, stage: str, fraction: float) -> str:
    """An admin's template being added, e.g. `⚙️ baka-mitai: tracking the face ▓▓░░ 20%` (the ingest's stage
    names are inference's, in English)."""
    return f"⚙️ {slug}: {stage} {progress_bar(round(fraction * 100), 100)}"


def template_added_text(t: Texts, added: AddedTemplate, sing_command: str) -> str:
    """The result of adding a template, with anything the admin should know about it."""
    template = added.template
    lines = [t.gettext("✅ Added {slug} — {title} ({seconds} s). Anyone can pick it now, or use {sing} {slug}.").format(
        slug=template.slug, title=template.title, seconds=f"{template.duration_seconds:.1f}", sing=sing_command)]
    lines += [f"⚠️ {warning}" for warning in added.warnings]  # inference's notes on the clip, in English
    return "\n".join(lines)


def template_removed_text(t: Texts, slug: str) -> str:
    """The answer to an admin removing a template."""
    return t.gettext("Removed {slug}; it can no longer be picked.").format(slug=slug)


def chat_switched_text(t: Texts, enabled: bool) -> str:
    """The answer to a chat admin switching the bot on or off in their chat."""
    if enabled:
        return t.gettext("I'm back on in this chat.")
    return t.gettext("I'm off in this chat until its admins switch me on again.")


def ban_text(t: Texts, target: UserRef, banned: bool) -> str:
    """The answer to an admin banning or unbanning someone."""
    if banned:
        return t.gettext("{user} is banned from the bot.").format(user=target)
    return t.gettext("{user} may use the bot again.").format(user=target)


def limit_text(t: Texts, whom: str, daily_limit: int | None) -> str:
    """An admin's new daily limit for a person or a chat."""
    if daily_limit is None:
        return t.gettext("{whom} is back to the default daily limit.").format(whom=whom)
    if daily_limit == 0:
        return t.gettext("{whom} may now make unlimited videos a day.").format(whom=whom)
    return t.ngettext("{whom} may now make {count} video a day.", "{whom} may now make {count} videos a day.",
                      daily_limit).format(whom=whom, count=daily_limit)


def size_text(size_bytes: int) -> str:
    """A size or limit in words, e.g. `10 MB` or `12.35 MB`."""
    return f"{size_bytes / MB:.4g} MB"


def video_too_large_text(t: Texts, size_bytes: int, limit_bytes: int) -> str:
    """Why a finished video cannot be sent here, even re-encoded smaller."""
    return t.gettext("❌ Your video came out at {size}, and even shrunk it does not fit the {limit} upload limit "
                     "here. A shorter song would fit.").format(size=size_text(size_bytes), limit=size_text(limit_bytes))
