"""The parts of an update a handler relies on. PTB types each as optional, since an update carries one kind of
event; each handler here is registered only for the kinds that carry the parts it asks for."""
from __future__ import annotations

import re

from telegram import CallbackQuery, Chat, Message, Update, User

from bot.adapters.telegram.context import MemeContext


def message_of(update: Update) -> Message:
    """The message of a command or message update."""
    message = update.effective_message
    assert message is not None, "command and message handlers get updates with a message"
    return message


def chat_of(update: Update) -> Chat:
    """The chat a command or message was sent in."""
    chat = update.effective_chat
    assert chat is not None, "command and message handlers get updates with a chat"
    return chat


def sender_of(update: Update) -> User:
    """Who sent the command or message (only channel posts have none)."""
    user = update.effective_user
    assert user is not None, "an update without a user is a channel post, which no handler here serves"
    return user


def query_of(update: Update) -> CallbackQuery:
    """The button press of a callback query update."""
    query = update.callback_query
    assert query is not None, "callback query handlers get updates with a callback query"
    return query


def match_of(context: MemeContext) -> re.Match[str]:
    """The callback data matched against the handler's pattern."""
    assert context.matches, "a CallbackQueryHandler with a pattern sets the match in the context"
    return context.matches[0]
