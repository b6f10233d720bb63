"""Inline keyboards, and the callback data of their buttons: each names the one user who may press it."""
from __future__ import annotations

import re

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup

from bot.adapters.messages import (
    ANOTHER_SONG_BUTTON,
    DELETE_BUTTON,
    MORE_SONGS_BUTTON,
    NOT_YOUR_BUTTONS,
    REPORT_BUTTON,
    TRY_AGAIN_BUTTON,
)
from bot.adapters.telegram.language import texts_of
from bot.i18n import N_, Texts
from bot.service import REPORT_REASONS, TemplateInfo

# Telegram allows 64 bytes of callback data: short prefixes leave room for a user id and a 40-letter slug.
PICK_SONG = re.compile(r"^p:(\d+):([a-z0-9-]+)$")
SONGS_PAGE = re.compile(r"^pp:(\d+):(\d+)$")  # owner, page
# A keyboard this tall still fits a phone's screen; more songs are paged, one readable title per row.
SONGS_PER_PAGE = 8
PREVIOUS_PAGE, NEXT_PAGE = N_("◂ Back"), N_("More ▸")
ANSWER_CONSENT = re.compile(r"^c:(\d+):([a-z0-9-]+):([yn])$")
CONFIRM_FORGET = re.compile(r"^f:(\d+):([yn])$")
MORE_TEMPLATES = re.compile(r"^tl:(\d+)$")  # the page of /templates to show
# Under a video (or its failure): everything after the job id is resolved by the service, so they survive restarts.
DELETE_VIDEO = re.compile(r"^vd:(\d+):(\d+)$")  # job, requester
ANOTHER_SONG = re.compile(r"^va:(\d+)$")
ANOTHER_SONG_PAGE = re.compile(r"^vp:(\d+):(\d+)$")  # job, page
SING_AGAIN = re.compile(r"^vs:(\d+):([a-z0-9-]+)$")  # job, song
TRY_AGAIN = re.compile(r"^vt:(\d+)$")
REPORT_VIDEO = re.compile(r"^vr:(\d+)$")
REPORT_REASON = re.compile(r"^rr:(\d+):([a-z-]+)$")


def songs_keyboard(t: Texts, owner: int, templates: list[TemplateInfo], page: int = 0) -> InlineKeyboardMarkup:
    """One button per song, a page at a time."""
    return _paged(t, [InlineKeyboardButton(song.title, callback_data=f"p:{owner}:{song.slug}") for song in templates],
                  page, f"pp:{owner}")


def more_templates_keyboard(t: Texts, page: int) -> InlineKeyboardMarkup:
    """The button to the next page of /templates."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(t.gettext(MORE_SONGS_BUTTON), callback_data=f"tl:{page}")]])


def video_keyboard(t: Texts, job_id: int, requester: int, *, another_song: bool) -> InlineKeyboardMarkup:
    """Delete, Another song (while the photo is kept) and Report, under a delivered video."""
    buttons = [InlineKeyboardButton(t.gettext(DELETE_BUTTON), callback_data=f"vd:{job_id}:{requester}")]
    if another_song:
        buttons.append(InlineKeyboardButton(t.gettext(ANOTHER_SONG_BUTTON), callback_data=f"va:{job_id}"))
    buttons.append(InlineKeyboardButton(t.gettext(REPORT_BUTTON), callback_data=f"vr:{job_id}"))
    return InlineKeyboardMarkup([buttons])


def another_song_keyboard(
    t: Texts, job_id: int, templates: list[TemplateInfo], page: int = 0
) -> InlineKeyboardMarkup:
    """One button per song, for the photo of an earlier job, a page at a time."""
    return _paged(t, [InlineKeyboardButton(song.title, callback_data=f"vs:{job_id}:{song.slug}")
                      for song in templates], page, f"vp:{job_id}")


def _paged(t: Texts, songs: list[InlineKeyboardButton], page: int, turn: str) -> InlineKeyboardMarkup:
    """A page of song buttons, one a row, with Back and More (callback data `<turn>:<page>`) where there are."""
    rows = [[song] for song in songs[page * SONGS_PER_PAGE:(page + 1) * SONGS_PER_PAGE]]
    pages = [InlineKeyboardButton(t.gettext(PREVIOUS_PAGE), callback_data=f"{turn}:{page - 1}")] if page > 0 else []
    if len(songs) > (page + 1) * SONGS_PER_PAGE:
        pages.append(InlineKeyboardButton(t.gettext(NEXT_PAGE), callback_data=f"{turn}:{page + 1}"))
    return InlineKeyboardMarkup(rows + [pages] if pages else rows)


def try_again_keyboard(t: Texts, job_id: int) -> InlineKeyboardMarkup:
    """Try again, under a failed render's message."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(t.gettext(TRY_AGAIN_BUTTON), callback_data=f"vt:{job_id}")]])


def report_keyboard(t: Texts, job_id: int) -> InlineKeyboardMarkup:
    """One button per reason a video can be reported for."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(t.gettext(text), callback_data=f"rr:{job_id}:{code}")]
                                 for code, text in REPORT_REASONS.items()])


def reported_job(markup: InlineKeyboardMarkup | None) -> int | None:
    """The job of a video message, read from its Report button; None for any other message."""
    for row in markup.inline_keyboard if markup is not None else ():
        for button in row:
            if isinstance(button.callback_data, str) and (match := REPORT_VIDEO.match(button.callback_data)):
                return int(match.group(1))
    return None


def consent_keyboard(t: Texts, owner: int, slug: str) -> InlineKeyboardMarkup:
    """Accept or Decline the consent statement, remembering the song picked."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t.gettext("✅ I accept"), callback_data=f"c:{owner}:{slug}:y"),
        InlineKeyboardButton(t.gettext("✖️ Decline"), callback_data=f"c:{owner}:{slug}:n"),
    ]])


def forget_keyboard(t: Texts, owner: int) -> InlineKeyboardMarkup:
    """Confirm or call off forgetting the user."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t.gettext("🗑 Yes, forget me"), callback_data=f"f:{owner}:y"),
        InlineKeyboardButton(t.gettext("Keep it"), callback_data=f"f:{owner}:n"),
    ]])


async def pressed_by_owner(query: CallbackQuery, owner: str) -> bool:
    """Answer the button press; False (with a notice to the presser) if someone else's buttons were pressed."""
    if str(query.from_user.id) != owner:
        await query.answer(texts_of(query.from_user).gettext(NOT_YOUR_BUTTONS), show_alert=True)
        return False
    await query.answer()
    return True
