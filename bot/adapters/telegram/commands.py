"""Everyone's commands (/help, /templates, /quota, /privacy, /forgetme, /cancel), the menus, the description."""
from __future__ import annotations

from telegram import BotCommand, BotCommandScopeAllChatAdministrators, BotCommandScopeChat, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ExtBot, MessageHandler, filters

from bot.adapters.messages import (
    FORGET_ME_QUESTION,
    FORGOTTEN,
    NOTHING_FORGOTTEN,
    cancel_text,
    help_text,
    photo_hint_text,
    preview_caption,
    quota_text,
    templates_text,
)
from bot.adapters.telegram.admin import ADMIN_HELP
from bot.adapters.telegram.buttons import (
    CONFIRM_FORGET,
    MORE_TEMPLATES,
    forget_keyboard,
    more_templates_keyboard,
    pressed_by_owner,
)
from bot.adapters.telegram.context import MemeContext
from bot.adapters.telegram.identity import chat_ref, user_ref
from bot.adapters.telegram.parts import chat_of, match_of, message_of, query_of, sender_of
from bot.adapters.telegram.sing import SING

# Shown in Telegram's command menu; admin commands only in the menus of admins (see set_menus).
BOT_COMMANDS = [
    BotCommand("sing", "sing a song: with a photo, or in a reply to one"),
    BotCommand("templates", "the songs you can pick"),
    BotCommand("quota", "how many videos you have left today"),
    BotCommand("cancel", "cancel your video waiting in line"),
    BotCommand("report", "tell the bot's admins about one of my videos (in a reply to it)"),
    BotCommand("privacy", "what I keep and for how long"),
    BotCommand("forgetme", "delete everything I have about you"),
    BotCommand("help", "how to use me"),
]
# Group admins' menu adds the switch; bot admins' (in their chat with the bot) the admin commands.
CHAT_ADMIN_COMMANDS = [
    BotCommand("off", "switch me off in this group"),
    BotCommand("on", "switch me back on in this group"),
]
BOT_ADMIN_COMMANDS = [
    BotCommand("addtemplate", "add a song: in a reply to a video, NAME [TITLE] [START] [END]"),
    BotCommand("removetemplate", "remove a song an admin added: NAME"),
    BotCommand("ban", "ban someone: in a reply to them, or USER_ID"),
    BotCommand("unban", "let someone use me again"),
    BotCommand("setlimit", "a daily limit for someone or this chat"),
]
DESCRIPTION = (
    "Send me a face photo and pick a song: I'll make that face sing it, in a short video labelled "
    "as AI-generated. Only use photos of yourself, or of people who agreed. /privacy says what I keep."
)
SHORT_DESCRIPTION = "I make a face photo sing a song (AI-generated, labelled)."
# Previews are sent one animation each: a page of them at a time, then the listing with a button for more.
PREVIEWS_PER_PAGE = 5
TELEGRAM_HELP = (
    "In groups, send the photo with the caption /sing NAME, or reply to a photo with it. "
    "Group admins can switch me /off and /on there."
)


async def set_menus(bot: ExtBot[None], admin_ids: list[int]) -> None:
    """The bot's description and command menus: everyone's, group admins', and each bot admin's."""
    await bot.set_my_description(DESCRIPTION)
    await bot.set_my_short_description(SHORT_DESCRIPTION)
    await bot.set_my_commands(BOT_COMMANDS)
    await bot.set_my_commands(BOT_COMMANDS + CHAT_ADMIN_COMMANDS, scope=BotCommandScopeAllChatAdministrators())
    for admin_id in admin_ids:  # a bot admin's private chat with the bot
        await bot.set_my_commands(BOT_COMMANDS + BOT_ADMIN_COMMANDS, scope=BotCommandScopeChat(admin_id))


async def help_command(update: Update, context: MemeContext) -> None:
    """/start and /help: how to use the bot (and the admin commands, for bot admins)."""
    text = f"{help_text(SING, context.service.settings.label)}\n{TELEGRAM_HELP}"
    if context.service.admin.is_admin(user_ref(sender_of(update))):
        text += f"\n\n{ADMIN_HELP}"
    await message_of(update).reply_text(text)


async def templates_command(update: Update, context: MemeContext) -> None:
    """/templates: the songs to pick from, each with its moving preview, a page at a time."""
    await _templates_page(context, message_of(update).chat_id, 0)


async def more_templates(update: Update, context: MemeContext) -> None:
    """More songs ▸ under a page of /templates."""
    query = query_of(update)
    await query.answer()
    await query.edit_message_reply_markup(None)  # the next page has its own button
    assert query.message is not None, "the button is on the bot's own listing"
    await _templates_page(context, query.message.chat.id, int(match_of(context).group(1)))


async def _templates_page(context: MemeContext, chat_id: int, page: int) -> None:
    templates = await context.service.templates.list()
    shown = templates[page * PREVIEWS_PER_PAGE:(page + 1) * PREVIEWS_PER_PAGE]
    for template in shown:
        if template.preview_video.is_file():
            await context.bot.send_animation(chat_id, template.preview_video, caption=preview_caption(template))
    more = len(templates) > (page + 1) * PREVIEWS_PER_PAGE
    text = templates_text(templates, SING) if page == 0 else templates_text(shown, SING)
    await context.bot.send_message(chat_id, text, reply_markup=more_templates_keyboard(page + 1) if more else None)


async def quota_command(update: Update, context: MemeContext) -> None:
    """/quota: today's videos, for the user and the chat."""
    usage = await context.service.renders.usage(user_ref(sender_of(update)), chat_ref(chat_of(update)))
    await message_of(update).reply_text(quota_text(usage))


async def privacy_command(update: Update, context: MemeContext) -> None:
    """/privacy: what the bot keeps, and for how long."""
    await message_of(update).reply_text(context.service.privacy.summary())


async def forget_me_command(update: Update, context: MemeContext) -> None:
    """/forgetme: ask for confirmation first."""
    keyboard = forget_keyboard(sender_of(update).id)
    await message_of(update).reply_text(FORGET_ME_QUESTION, reply_markup=keyboard)


async def forget_me_confirmed(update: Update, context: MemeContext) -> None:
    """The answer to /forgetme's question."""
    query = query_of(update)
    owner, answer = match_of(context).groups()
    if not await pressed_by_owner(query, owner):
        return
    if answer == "y":
        await context.service.privacy.forget_me(user_ref(query.from_user))
    await query.edit_message_text(FORGOTTEN if answer == "y" else NOTHING_FORGOTTEN)


async def cancel_command(update: Update, context: MemeContext) -> None:
    """/cancel: drop the user's videos still waiting in line in this chat."""
    renders = context.service.renders
    cancelled = await renders.cancel_waiting(user_ref(sender_of(update)), chat_ref(chat_of(update)))
    await message_of(update).reply_text(cancel_text(cancelled))


async def hint(update: Update, context: MemeContext) -> None:
    """Anything else in a direct chat: say what the bot wants."""
    await message_of(update).reply_text(photo_hint_text("/help"))


HANDLERS: list[BaseHandler] = [
    CommandHandler(["start", "help"], help_command),
    CommandHandler("templates", templates_command),
    CommandHandler("quota", quota_command),
    CommandHandler("privacy", privacy_command),
    CommandHandler("forgetme", forget_me_command),
    CallbackQueryHandler(forget_me_confirmed, pattern=CONFIRM_FORGET),
    CallbackQueryHandler(more_templates, pattern=MORE_TEMPLATES),
    CommandHandler("cancel", cancel_command),
]
# Registered last: it answers whatever no other handler took.
FALLBACK = MessageHandler(filters.ChatType.PRIVATE, hint)
