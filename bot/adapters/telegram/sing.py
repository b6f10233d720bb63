"""From a photo to a render, one flow for every way in: a photo or image file, /sing NAME in its caption or
in a reply to it, a song button, the consent buttons."""
from __future__ import annotations

from telegram import Message, Update, User
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.adapters.messages import (
    CHECKING_PHOTO,
    CONSENT_DECLINED,
    PHOTO_MISSING,
    PICK_A_SONG,
    sing_usage_text,
    templates_text,
)
from bot.adapters.telegram.buttons import (
    ANSWER_CONSENT,
    PICK_SONG,
    SONGS_PAGE,
    consent_keyboard,
    pressed_by_owner,
    songs_keyboard,
)
from bot.adapters.telegram.captions import caption_command
from bot.adapters.telegram.context import MemeContext
from bot.adapters.telegram.delivery import StatusMessage
from bot.adapters.telegram.files import downloaded, photo_in
from bot.adapters.telegram.identity import chat_ref, user_ref
from bot.adapters.telegram.language import texts_of
from bot.adapters.telegram.parts import match_of, message_of, query_of, sender_of
from bot.i18n import language_of
from bot.service import ConsentRequired, PhotoTooLarge, UserFacingError

SING = "/sing"


async def photo_received(update: Update, context: MemeContext) -> None:
    """A photo or image file: /sing NAME in its caption, or else the song buttons (in groups: in reply to me)."""
    message = message_of(update)
    command = caption_command(message, context.bot.username)
    if command is not None and command.name == "sing":
        await _sing_or_offer(context, message, sender_of(update), command.args)
    elif message.chat.type == ChatType.PRIVATE or _replies_to_me(message, context):
        await offer_songs(context, message, sender_of(update))


async def sing_command(update: Update, context: MemeContext) -> None:
    """/sing NAME (or just /sing, to pick) in a reply to a photo."""
    message = message_of(update)
    photo_message = message.reply_to_message
    if photo_message is None or photo_in(photo_message) is None:
        await message.reply_text(sing_usage_text(texts_of(sender_of(update)), SING))
        return
    await _sing_or_offer(context, photo_message, sender_of(update), context.args or [])


async def song_picked(update: Update, context: MemeContext) -> None:
    """A song button under a photo."""
    query = query_of(update)
    owner, slug = match_of(context).groups()
    if await pressed_by_owner(query, owner):
        await _continue_from_buttons(update, context, slug)


async def songs_page(update: Update, context: MemeContext) -> None:
    """◂ Back or More ▸ under the song buttons: another page of them."""
    query = query_of(update)
    owner, page = match_of(context).groups()
    if await pressed_by_owner(query, owner):
        templates = await context.service.templates.list()
        keyboard = songs_keyboard(texts_of(query.from_user), int(owner), templates, int(page))
        await query.edit_message_reply_markup(keyboard)


async def consent_answered(update: Update, context: MemeContext) -> None:
    """Accept: record it and carry on with the same photo; Decline: say so (the photo was not kept)."""
    query = query_of(update)
    owner, slug, answer = match_of(context).groups()
    if not await pressed_by_owner(query, owner):
        return
    if answer == "n":
        await query.edit_message_text(texts_of(query.from_user).gettext(CONSENT_DECLINED))
        return
    await context.service.consent.accept(user_ref(query.from_user))
    await _continue_from_buttons(update, context, slug)


async def offer_songs(context: MemeContext, photo_message: Message, requester: User) -> None:
    """Reply to the photo with a button per song."""
    t = texts_of(requester)
    templates = await context.service.templates.list()
    if not templates:
        await photo_message.reply_text(templates_text(t, templates, SING), do_quote=True)
        return
    await photo_message.reply_text(t.gettext(PICK_A_SONG), reply_markup=songs_keyboard(t, requester.id, templates),
                                   do_quote=True)


async def sing(
    context: MemeContext, photo_message: Message, requester: User, slug: str, status: Message | None = None
) -> None:
    """Fetch the photo, ask the service for the render, and let the status message follow it."""
    # The status message is the bot's reply to the photo (the buttons' message, if there was one): the consent
    # buttons find the photo again through it, and after a restart the ids stored with the job lead back to both.
    t = texts_of(requester)
    image = photo_in(photo_message)
    status = await _show(photo_message, status, t.gettext(CHECKING_PHOTO if image else PHOTO_MISSING))
    if image is None:
        return
    titles = {template.slug: template.title for template in await context.service.templates.list()}
    title = titles.get(slug, slug)
    where = StatusMessage(status.chat_id, status.message_id, photo_message.message_id, requester.id, title,
                          language_of(requester.language_code))
    max_photo_bytes, download_limit = context.service.settings.max_photo_bytes, context.limits.download_bytes
    try:
        # Refused before it is fetched; beyond Telegram's own download limit `downloaded` says so in its words.
        if image.size is not None and max_photo_bytes < image.size <= (download_limit or image.size):
            raise PhotoTooLarge(max_photo_bytes)
        async with downloaded(context.bot, image, context.downloads, context.limits.download_bytes, "photo") as path:
            outcome = await context.service.renders.request(
                user_ref(requester), chat_ref(photo_message.chat), slug, path, reply_to=where.as_reply_to()
            )
    except ConsentRequired as required:
        await status.edit_text(required.text(t), reply_markup=consent_keyboard(t, requester.id, slug))
        return
    except UserFacingError as refusal:
        await status.edit_text(refusal.text(t))
        return
    await context.deliveries.take(outcome, where)


async def _show(photo_message: Message, status: Message | None, text: str) -> Message:
    """Put the text in the status message (dropping its buttons), sending it as a reply to the photo if new."""
    if status is None:
        return await photo_message.reply_text(text, do_quote=True)
    await status.edit_text(text)
    return status


async def _sing_or_offer(context: MemeContext, photo_message: Message, requester: User, args: list[str]) -> None:
    if args:
        await sing(context, photo_message, requester, args[0].lower())
    else:
        await offer_songs(context, photo_message, requester)


async def _continue_from_buttons(update: Update, context: MemeContext, slug: str) -> None:
    """Sing the photo the buttons' message replies to, in that message."""
    query = query_of(update)
    buttons = query.message
    if isinstance(buttons, Message) and buttons.reply_to_message is not None:
        await sing(context, buttons.reply_to_message, query.from_user, slug, status=buttons)
    else:
        await query.edit_message_text(texts_of(query.from_user).gettext(PHOTO_MISSING))


def _replies_to_me(message: Message, context: MemeContext) -> bool:
    replied = message.reply_to_message
    return replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id


HANDLERS: list[BaseHandler] = [
    MessageHandler(filters.PHOTO | filters.Document.IMAGE, photo_received),
    CommandHandler("sing", sing_command),
    CallbackQueryHandler(song_picked, pattern=PICK_SONG),
    CallbackQueryHandler(songs_page, pattern=SONGS_PAGE),
    CallbackQueryHandler(consent_answered, pattern=ANSWER_CONSENT),
]
