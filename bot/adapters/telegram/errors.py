"""The error handler: a refusal in the service's words; anything else is logged, and the user gets an apology."""
from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import BadRequest, TelegramError

from bot.adapters.messages import SOMETHING_WENT_WRONG
from bot.adapters.telegram.context import MemeContext
from bot.i18n import texts
from bot.service import UserFacingError

log = logging.getLogger(__name__)


async def report_error(update: object, context: MemeContext) -> None:
    """Answer the update that failed; the other users' updates and jobs carry on regardless."""
    error = context.error
    if isinstance(error, BadRequest) and "not modified" in error.message:
        return  # a double tap on a button: the first tap already changed the message
    t = texts(update.effective_user.language_code if isinstance(update, Update) and update.effective_user else None)
    if isinstance(error, UserFacingError):
        text = error.text(t)
    else:
        # The update's id and chat, not the update: it holds what the user wrote.
        update_id = update.update_id if isinstance(update, Update) else None
        chat = update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
        log.error("Telegram update %s in chat %s failed", update_id, chat, exc_info=error)
        text = t.gettext(SOMETHING_WENT_WRONG)
    if isinstance(update, Update) and update.effective_message is not None:
        with contextlib.suppress(TelegramError):  # e.g. the network that failed the update
            await update.effective_message.reply_text(text)
