"""The buttons under a video and under a failed render: Delete, Another song, Try again."""
from __future__ import annotations

from telegram import Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.adapters.messages import BUTTON_EXPIRED, CHECKING_PHOTO, PICK_ANOTHER_SONG, VIDEO_DELETED
from bot.adapters.telegram.admin import CHAT_ADMIN_STATUSES
from bot.adapters.telegram.buttons import (
    ANOTHER_SONG,
    ANOTHER_SONG_PAGE,
    DELETE_VIDEO,
    SING_AGAIN,
    TRY_AGAIN,
    another_song_keyboard,
)
from bot.adapters.telegram.context import MemeContext
from bot.adapters.telegram.delivery import StatusMessage
from bot.adapters.telegram.identity import PLATFORM, chat_ref, user_ref
from bot.adapters.telegram.language import texts_of
from bot.adapters.telegram.parts import match_of, query_of
from bot.i18n import language_of
from bot.service import UserFacingError, UserRef


async def delete_pressed(update: Update, context: MemeContext) -> None:
    """🗑 Delete: the service says who may; the video message goes, and the photo with it."""
    query = query_of(update)
    job_id, requester = match_of(context).groups()
    video = _message_of(query.message)
    presser = query.from_user
    is_chat_admin = False
    if str(presser.id) != requester:  # asked only when it matters: one call to Telegram fewer for the requester
        member = await context.bot.get_chat_member(video.chat_id, presser.id)
        is_chat_admin = member.status in CHAT_ADMIN_STATUSES
    try:
        await context.service.followups.delete(
            user_ref(presser), UserRef(PLATFORM, requester), int(job_id), presser_is_chat_admin=is_chat_admin
        )
    except UserFacingError as refusal:
        await query.answer(refusal.text(texts_of(presser)), show_alert=True)
        return
    await video.delete()
    await query.answer(texts_of(presser).gettext(VIDEO_DELETED))


async def another_song_pressed(update: Update, context: MemeContext) -> None:
    """🎶 Another song: the songs again, under the video, for the photo the service kept."""
    query = query_of(update)
    t = texts_of(query.from_user)
    job_id = int(match_of(context).group(1))
    try:
        await context.service.followups.kept_photo(user_ref(query.from_user), job_id)
    except UserFacingError as refusal:
        await query.answer(refusal.text(t), show_alert=True)
        return
    await query.answer()
    keyboard = another_song_keyboard(t, job_id, await context.service.templates.list())
    await _message_of(query.message).reply_text(t.gettext(PICK_ANOTHER_SONG), reply_markup=keyboard, do_quote=True)


async def another_songs_page(update: Update, context: MemeContext) -> None:
    """◂ Back or More ▸ under the songs for another song."""
    query = query_of(update)
    job_id, page = (int(group) for group in match_of(context).groups())
    await query.answer()
    templates = await context.service.templates.list()
    await query.edit_message_reply_markup(another_song_keyboard(texts_of(query.from_user), job_id, templates, page))


async def song_picked_again(update: Update, context: MemeContext) -> None:
    """A song under "Another song": that message becomes the new video's status."""
    job_id, slug = match_of(context).groups()
    await _sing_again(update, context, int(job_id), slug)


async def try_again_pressed(update: Update, context: MemeContext) -> None:
    """↻ Try again: the same photo and song, in the failed render's message."""
    await _sing_again(update, context, int(match_of(context).group(1)), None)


async def button_expired(update: Update, context: MemeContext) -> None:
    """A button this version of the bot no longer knows."""
    query = query_of(update)
    await query.answer(texts_of(query.from_user).gettext(BUTTON_EXPIRED), show_alert=True)


async def _sing_again(update: Update, context: MemeContext, job_id: int, slug: str | None) -> None:
    query = query_of(update)
    t = texts_of(query.from_user)
    status = _message_of(query.message)
    service = context.service
    try:
        await service.followups.kept_photo(user_ref(query.from_user), job_id)  # before the message changes
    except UserFacingError as refusal:
        await query.answer(refusal.text(t), show_alert=True)
        return
    await query.answer()
    song = slug or await service.followups.template_of(job_id) or ""
    titles = {template.slug: template.title for template in await service.templates.list()}
    replied = status.reply_to_message  # the photo, or the video it sang: the new video replies to it too
    where = StatusMessage(status.chat_id, status.message_id, (replied or status).message_id, query.from_user.id,
                          titles.get(song, song), language_of(query.from_user.language_code))
    await status.edit_text(t.gettext(CHECKING_PHOTO))
    try:
        outcome = await service.followups.sing_again(
            user_ref(query.from_user), chat_ref(status.chat), job_id, song, where.as_reply_to()
        )
    except UserFacingError as refusal:
        await status.edit_text(refusal.text(t))
        return
    await context.deliveries.take(outcome, where)


def _message_of(message: object) -> Message:
    assert isinstance(message, Message), "the bot's own buttons are on messages it can still see"
    return message


HANDLERS: list[BaseHandler] = [
    CallbackQueryHandler(delete_pressed, pattern=DELETE_VIDEO),
    CallbackQueryHandler(another_song_pressed, pattern=ANOTHER_SONG),
    CallbackQueryHandler(song_picked_again, pattern=SING_AGAIN),
    CallbackQueryHandler(another_songs_page, pattern=ANOTHER_SONG_PAGE),
    CallbackQueryHandler(try_again_pressed, pattern=TRY_AGAIN),
]
# Registered last: it answers a press no other handler took.
EXPIRED = CallbackQueryHandler(button_expired)
