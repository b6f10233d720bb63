"""Telegram users and chats as the service knows them."""
from __future__ import annotations

from telegram import Chat, User

from bot.service import ChatRef, UserRef

PLATFORM = "telegram"


def user_ref(user: User) -> UserRef:
    """The service's name for a Telegram user (MEMEBOT_ADMINS lists them as telegram:<user id>)."""
    return UserRef(PLATFORM, str(user.id))


def chat_ref(chat: Chat) -> ChatRef:
    """The chat as the service knows it: limits and the on/off switch are per chat."""
    return ChatRef(PLATFORM, str(chat.id))
