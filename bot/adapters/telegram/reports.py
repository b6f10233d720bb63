"""⚠ Report under a video, or /report in a reply to one: anyone in the chat may; the bot admins get a DM."""
from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.adapters.messages import REPORT_QUESTION, REPORT_USAGE, REPORTED, report_notice_text
from bot.adapters.telegram.buttons import REPORT_REASON, REPORT_VIDEO, report_keyboard, reported_job
from bot.adapters.telegram.context import MemeContext
from bot.adapters.telegram.identity import user_ref
from bot.adapters.telegram.language import texts_of
from bot.adapters.telegram.parts import match_of, message_of, query_of, sender_of
from bot.i18n import ENGLISH_TEXTS
from bot.service import REPORT_REASONS

log = logging.getLogger(__name__)


async def report_pressed(update: Update, context: MemeContext) -> None:
    """⚠ Report: ask why, in a reply to the video."""
    query = query_of(update)
    await query.answer()
    video = query.message
    assert isinstance(video, Message), "the Report button is on a video message the bot sent"
    t = texts_of(query.from_user)
    await video.reply_text(t.gettext(REPORT_QUESTION), reply_markup=report_keyboard(t, int(match_of(context).group(1))))


async def report_command(update: Update, context: MemeContext) -> None:
    """/report in a reply to one of the bot's videos."""
    message = message_of(update)
    t = texts_of(sender_of(update))
    replied = message.reply_to_message
    job_id = reported_job(replied.reply_markup) if replied is not None else None
    if job_id is None:
        await message.reply_text(t.gettext(REPORT_USAGE))
        return
    await message.reply_text(t.gettext(REPORT_QUESTION), reply_markup=report_keyboard(t, job_id))


async def reason_picked(update: Update, context: MemeContext) -> None:
    """A reason: recorded by the service, told to each bot admin on Telegram; the question says thank you."""
    query = query_of(update)
    job_id, reason = match_of(context).groups()
    reporter = user_ref(query.from_user)
    admins = await context.service.reports.report(reporter, int(job_id), reason)
    await query.answer()
    question = query.message
    chat = f"Telegram chat {question.chat.id}" if question is not None else "Telegram"
    # The admins' languages are unknown here: they read the notice in English.
    notice = report_notice_text(ENGLISH_TEXTS, reporter, int(job_id), REPORT_REASONS[reason], chat)
    for admin in admins:
        try:
            await context.bot.send_message(int(admin.id), notice)
        except TelegramError as error:  # an admin who never started a chat with the bot cannot be messaged
            log.warning("cannot tell admin %s about a report: %s", admin, error.message)
    await query.edit_message_text(texts_of(query.from_user).gettext(REPORTED))


HANDLERS: list[BaseHandler] = [
    CallbackQueryHandler(report_pressed, pattern=REPORT_VIDEO),
    CallbackQueryHandler(reason_picked, pattern=REPORT_REASON),
    CommandHandler("report", report_command),
]
