"""Admin commands: bot admins add and remove songs, ban people and set limits; chat admins switch the bot
off and on in their group."""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from telegram import Message, Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.adapters.messages import (
    ban_text,
    chat_switched_text,
    ingest_status_text,
    limit_text,
    template_added_text,
    template_removed_text,
)
from bot.adapters.progress import IngestProgress
from bot.adapters.telegram.captions import caption_command
from bot.adapters.telegram.context import MemeContext
from bot.adapters.telegram.files import clip_in, downloaded
from bot.adapters.telegram.identity import PLATFORM, chat_ref, user_ref
from bot.adapters.telegram.language import texts_of
from bot.adapters.telegram.parts import chat_of, message_of, sender_of
from bot.adapters.telegram.sing import SING
from bot.i18n import N_, Texts
from bot.service import NotAllowed, UserFacingError, UserRef

ADD_TEMPLATE_SYNTAX = '/addtemplate NAME ["TITLE"] [START] [END]'
ADD_TEMPLATE_USAGE = N_(
    "Send a video with the caption {syntax}, or reply to a video with it, e.g.\n"
    '/addtemplate baka-mitai "Baka Mitai" 12.5 27\n'
    "NAME: lowercase letters, digits and dashes. START and END cut the clip, in seconds or m:ss. "
    "Put a title that has numbers in it in quotes."
)
TARGET_USAGE = N_("Reply to a message of the person, or give their user id: /{command} USER_ID.")
SET_LIMIT_USAGE = N_(
    "/setlimit N in a reply to someone, /setlimit USER_ID N, or /setlimit chat N for this chat. "
    "N is videos a day: 0 for unlimited, or default."
)
GROUPS_ONLY = N_("That works in group chats: it switches me off or on for everyone there.")
ADMIN_HELP = N_(
    "Admin commands:\n"
    "• a video with the caption {syntax} — add a song, e.g. "
    '/addtemplate baka-mitai "Baka Mitai" 12.5 27 (times in seconds or m:ss; quote a title that has numbers)\n'
    "• /removetemplate NAME — remove a song an admin added\n"
    "• /ban, /unban — in a reply to the person, or with their user id\n"
    "• {set_limit}"
)
CHAT_ADMIN_STATUSES = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
TIME = re.compile(r"(?:(\d+):)?(\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class TemplateSpec:
    """What /addtemplate asks for."""

    slug: str
    title: str | None
    start: float | None
    end: float | None


def parse_template_spec(text: str) -> TemplateSpec:
    """NAME first; then words that are times are START and END, the others the title."""
    try:
        slug, *rest = shlex.split(text)
    except ValueError:  # nothing given, or an unclosed quote
        raise _add_template_usage() from None
    times = [seconds for word in rest if (seconds := _seconds(word)) is not None]
    if len(times) > 2:
        raise _add_template_usage()
    title = " ".join(word for word in rest if _seconds(word) is None)
    start, end = [*times, None, None][:2]
    return TemplateSpec(slug.lower(), title or None, start, end)


def _seconds(word: str) -> float | None:
    """12.5 or 1:05.5 in seconds; None if the word is no time."""
    match = TIME.fullmatch(word)
    if match is None:
        return None
    minutes, seconds = match.groups()
    return int(minutes or 0) * 60 + float(seconds)


async def clip_received(update: Update, context: MemeContext) -> None:
    """A video with the caption /addtemplate …"""
    message = message_of(update)
    command = caption_command(message, context.bot.username)
    if command is not None:
        await add_template(context, message, sender_of(update), command.rest)


async def add_template_command(update: Update, context: MemeContext) -> None:
    """/addtemplate … in a reply to a video."""
    message = message_of(update)
    clip_message = message.reply_to_message
    if clip_message is None:
        _admin(sender_of(update), context)  # only admins learn how it works
        raise _add_template_usage()
    assert message.text is not None, "CommandHandler takes only text messages"
    _, *spec_text = message.text.split(maxsplit=1)
    await add_template(context, clip_message, sender_of(update), spec_text[0] if spec_text else "")


async def add_template(context: MemeContext, clip_message: Message, admin: User, spec_text: str) -> None:
    """Download the clip and have the service ingest it, showing the ingest's progress in a status message."""
    actor = _admin(admin, context)  # before downloading anything
    spec = parse_template_spec(spec_text)
    clip = clip_in(clip_message)
    if clip is None:
        raise _add_template_usage()
    t = texts_of(admin)
    status = await clip_message.reply_text(ingest_status_text(spec.slug, "downloading", 0.0), do_quote=True)
    try:
        async with (
            downloaded(context.bot, clip, context.downloads, context.limits.download_bytes, "clip") as path,
            IngestProgress(spec.slug, status.edit_text) as progress,
        ):
            added = await context.service.admin.add_template(
                actor, spec.slug, path, title=spec.title, start=spec.start, end=spec.end, progress=progress.report
            )
    except UserFacingError as refusal:
        await status.edit_text(refusal.text(t))
        return
    await status.edit_text(template_added_text(t, added, SING))


async def remove_template_command(update: Update, context: MemeContext) -> None:
    """/removetemplate NAME"""
    actor = _admin(sender_of(update), context)
    args = context.args or []
    if len(args) != 1:
        raise UserFacingError(N_("Say which song: /removetemplate NAME."))
    slug = args[0].lower()
    await context.service.admin.remove_template(actor, slug)
    await message_of(update).reply_text(template_removed_text(texts_of(sender_of(update)), slug))


async def switch_on(update: Update, context: MemeContext) -> None:
    """/on: a chat admin switches the bot back on in their group."""
    await _switch(update, context, enabled=True)


async def switch_off(update: Update, context: MemeContext) -> None:
    """/off: a chat admin switches the bot off in their group."""
    await _switch(update, context, enabled=False)


async def ban_command(update: Update, context: MemeContext) -> None:
    """/ban in a reply to someone, or /ban USER_ID."""
    await _set_banned(update, context, banned=True)


async def unban_command(update: Update, context: MemeContext) -> None:
    """/unban in a reply to someone, or /unban USER_ID."""
    await _set_banned(update, context, banned=False)


async def set_limit_command(update: Update, context: MemeContext) -> None:
    """/setlimit [USER_ID | chat] N: a daily limit for a person or this chat."""
    actor = _admin(sender_of(update), context)
    t = texts_of(sender_of(update))
    args = context.args or []
    if args and args[0].lower() == "chat":
        limit = _daily_limit(args[1:])
        await context.service.admin.set_chat_limit(actor, chat_ref(chat_of(update)), limit)
        await message_of(update).reply_text(limit_text(t, t.gettext("This chat"), limit))
        return
    target, rest = _target(message_of(update), args, "setlimit")
    limit = _daily_limit(rest)
    await context.service.admin.set_user_limit(actor, target, limit)
    await message_of(update).reply_text(limit_text(t, str(target), limit))


async def _switch(update: Update, context: MemeContext, *, enabled: bool) -> None:
    chat, user = chat_of(update), sender_of(update)
    if chat.type == ChatType.PRIVATE:
        raise UserFacingError(GROUPS_ONLY)
    member = await context.bot.get_chat_member(chat.id, user.id)
    await context.service.admin.set_chat_enabled(
        user_ref(user), chat_ref(chat), enabled, actor_is_chat_admin=member.status in CHAT_ADMIN_STATUSES
    )
    await message_of(update).reply_text(chat_switched_text(texts_of(user), enabled))


async def _set_banned(update: Update, context: MemeContext, *, banned: bool) -> None:
    actor = _admin(sender_of(update), context)
    target, _ = _target(message_of(update), context.args or [], "ban" if banned else "unban")
    await (context.service.admin.ban if banned else context.service.admin.unban)(actor, target)
    await message_of(update).reply_text(ban_text(texts_of(sender_of(update)), target, banned))


def _admin(user: User, context: MemeContext) -> UserRef:
    """The user as the service knows them, if a bot admin; checked before anything is parsed or downloaded."""
    actor = user_ref(user)
    if not context.service.admin.is_admin(actor):
        raise NotAllowed()
    return actor


def _target(message: Message, args: list[str], command: str) -> tuple[UserRef, list[str]]:
    """Whom the command is about: the author of the message it replies to, or the user id given first."""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None:
        return user_ref(replied.from_user), args
    if args and args[0].isdigit():
        return UserRef(PLATFORM, args[0]), args[1:]
    raise UserFacingError(TARGET_USAGE, command=command)


def _daily_limit(args: list[str]) -> int | None:
    if len(args) == 1 and args[0].lower() == "default":
        return None
    if len(args) == 1 and args[0].isdigit():
        return int(args[0])
    raise UserFacingError(SET_LIMIT_USAGE)


def _add_template_usage() -> UserFacingError:
    return UserFacingError(ADD_TEMPLATE_USAGE, syntax=ADD_TEMPLATE_SYNTAX)


def admin_help(t: Texts) -> str:
    """The admin commands, in the help of bot admins."""
    return t.gettext(ADMIN_HELP).format(syntax=ADD_TEMPLATE_SYNTAX, set_limit=t.gettext(SET_LIMIT_USAGE))


_ADD_TEMPLATE_CAPTION = filters.CaptionRegex(r"^/addtemplate(@\w+)?(\s|$)")
HANDLERS: list[BaseHandler] = [
    MessageHandler((filters.VIDEO | filters.Document.VIDEO) & _ADD_TEMPLATE_CAPTION, clip_received),
    CommandHandler("addtemplate", add_template_command),
    CommandHandler("removetemplate", remove_template_command),
    CommandHandler("on", switch_on),
    CommandHandler("off", switch_off),
    CommandHandler("ban", ban_command),
    CommandHandler("unban", unban_command),
    CommandHandler("setlimit", set_limit_command),
]
