"""Telegram users and chats as the service knows them."""
from __future__ import annotations

from telegram import Chat, User

from bot.service import ChatRef, UserRef

PLATFORM = "telegram"


def user_ref(user: User) -> UserRef:
    return UserRef(PLATFORM, str(user.id))


def chat_ref(chat: Chat) -> ChatRef:
    return ChatRef(PLATFORM, str(chat.id))
