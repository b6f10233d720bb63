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
from bot.adapters.telegram.admin import admin_help
from bot.adapters.telegram.buttons import (
    CONFIRM_FORGET,
    MORE_TEMPLATES,
    forget_keyboard,
    more_templates_keyboard,
    pressed_by_owner,
)
from bot.adapters.telegram.context import MemeContext
from bot.adapters.telegram.identity import chat_ref, user_ref
from bot.adapters.telegram.language import texts_of
from bot.adapters.telegram.parts import chat_of, match_of, message_of, query_of, sender_of
from bot.adapters.telegram.sing import SING
from bot.i18n import LANGUAGES, N_, Texts, texts

# Shown in Telegram's command menu (name, description msgid); admin commands only in the menus of admins.
BOT_COMMANDS = [
    ("sing", N_("sing a song: with a photo, or in a reply to one")),
    ("templates", N_("the songs you can pick")),
    ("quota", N_("how many videos you have left today")),
    ("cancel", N_("cancel your video waiting in line")),
    ("report", N_("tell the bot's admins about one of my videos (in a reply to it)")),
    ("privacy", N_("what I keep and for how long")),
    ("forgetme", N_("delete everything I have about you")),
    ("help", N_("how to use me")),
]
# Group admins' menu adds the switch; bot admins' (in their chat with the bot) the admin commands.
CHAT_ADMIN_COMMANDS = [
    ("off", N_("switch me off in this group")),
    ("on", N_("switch me back on in this group")),
]
BOT_ADMIN_COMMANDS = [
    ("addtemplate", N_("add a song: in a reply to a video, NAME [TITLE] [START] [END]")),
    ("removetemplate", N_("remove a song an admin added: NAME")),
    ("ban", N_("ban someone: in a reply to them, or USER_ID")),
    ("unban", N_("let someone use me again")),
    ("setlimit", N_("a daily limit for someone or this chat")),
]
DESCRIPTION = N_(
    "Send me a face photo and pick a song: I'll make that face sing it, in a short video labelled "
    "as AI-generated. Only use photos of yourself, or of people who agreed. /privacy says what I keep."
)
SHORT_DESCRIPTION = N_("I make a face photo sing a song (AI-generated, labelled).")
# Previews are sent one animation each: a page of them at a time, then the listing with a button for more.
PREVIEWS_PER_PAGE = 5
TELEGRAM_HELP = N_(
    "In groups, send the photo with the caption /sing NAME, or reply to a photo with it. "
    "Group admins can switch me /off and /on there."
)


def menu(t: Texts, commands: list[tuple[str, str]]) -> list[BotCommand]:
    """Commands with their descriptions in the catalogue `t`'s language."""
    return [BotCommand(name, t.gettext(description)) for name, description in commands]


async def set_menus(bot: ExtBot[None], admin_ids: list[int]) -> None:
    """The bot's description and command menus (everyone's, group admins', each bot admin's) in English for any
    language, and in each shipped language for the users whose Telegram is set to it."""
    for language in (None, *LANGUAGES):
        t = texts(language)
        await bot.set_my_description(t.gettext(DESCRIPTION), language_code=language)
        await bot.set_my_short_description(t.gettext(SHORT_DESCRIPTION), language_code=language)
        await bot.set_my_commands(menu(t, BOT_COMMANDS), language_code=language)
        await bot.set_my_commands(menu(t, BOT_COMMANDS + CHAT_ADMIN_COMMANDS),
                                  scope=BotCommandScopeAllChatAdministrators(), language_code=language)
        for admin_id in admin_ids:  # a bot admin's private chat with the bot
            await bot.set_my_commands(menu(t, BOT_COMMANDS + BOT_ADMIN_COMMANDS), scope=BotCommandScopeChat(admin_id),
                                      language_code=language)


async def help_command(update: Update, context: MemeContext) -> None:
    """/start and /help: how to use the bot (and the admin commands, for bot admins)."""
    t = texts_of(sender_of(update))
    text = f"{help_text(t, SING, context.service.settings.label)}\n{t.gettext(TELEGRAM_HELP)}"
    if context.service.admin.is_admin(user_ref(sender_of(update))):
        text += f"\n\n{admin_help(t)}"
    await message_of(update).reply_text(text)


async def templates_command(update: Update, context: MemeContext) -> None:
    """/templates: the songs to pick from, each with its moving preview, a page at a time."""
    await _templates_page(context, texts_of(sender_of(update)), message_of(update).chat_id, 0)


async def more_templates(update: Update, context: MemeContext) -> None:
    """More songs ▸ under a page of /templates."""
    query = query_of(update)
    await query.answer()
    await query.edit_message_reply_markup(None)  # the next page has its own button
    assert query.message is not None, "the button is on the bot's own listing"
    await _templates_page(context, texts_of(query.from_user), query.message.chat.id, int(match_of(context).group(1)))


async def _templates_page(context: MemeContext, t: Texts, chat_id: int, page: int) -> None:
    templates = await context.service.templates.list()
    shown = templates[page * PREVIEWS_PER_PAGE:(page + 1) * PREVIEWS_PER_PAGE]
    for template in shown:
        if template.preview_video.is_file():
            await context.bot.send_animation(chat_id, template.preview_video, caption=preview_caption(template))
    more = len(templates) > (page + 1) * PREVIEWS_PER_PAGE
    text = templates_text(t, templates if page == 0 else shown, SING)
    await context.bot.send_message(chat_id, text, reply_markup=more_templates_keyboard(t, page + 1) if more else None)


async def quota_command(update: Update, context: MemeContext) -> None:
    """/quota: today's videos, for the user and the chat."""
    usage = await context.service.renders.usage(user_ref(sender_of(update)), chat_ref(chat_of(update)))
    await message_of(update).reply_text(quota_text(texts_of(sender_of(update)), usage))


async def privacy_command(update: Update, context: MemeContext) -> None:
    """/privacy: what the bot keeps, and for how long."""
    await message_of(update).reply_text(context.service.privacy.summary(texts_of(sender_of(update))))


async def forget_me_command(update: Update, context: MemeContext) -> None:
    """/forgetme: ask for confirmation first."""
    t = texts_of(sender_of(update))
    keyboard = forget_keyboard(t, sender_of(update).id)
    await message_of(update).reply_text(t.gettext(FORGET_ME_QUESTION), reply_markup=keyboard)


async def forget_me_confirmed(update: Update, context: MemeContext) -> None:
    """The answer to /forgetme's question."""
    query = query_of(update)
    owner, answer = match_of(context).groups()
    if not await pressed_by_owner(query, owner):
        return
    if answer == "y":
        await context.service.privacy.forget_me(user_ref(query.from_user))
    answered = FORGOTTEN if answer == "y" else NOTHING_FORGOTTEN
    await query.edit_message_text(texts_of(query.from_user).gettext(answered))


async def cancel_command(update: Update, context: MemeContext) -> None:
    """/cancel: drop the user's videos still waiting in line in this chat."""
    renders = context.service.renders
    cancelled = await renders.cancel_waiting(user_ref(sender_of(update)), chat_ref(chat_of(update)))
    await message_of(update).reply_text(cancel_text(texts_of(sender_of(update)), cancelled))


async def hint(update: Update, context: MemeContext) -> None:
    """Anything else in a direct chat: say what the bot wants."""
    await message_of(update).reply_text(photo_hint_text(texts_of(sender_of(update)), "/help"))


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
