"""Who and where: the platform ids an adapter hands in, and their rows."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Chat, User
from bot.store.rows import get_or_create


@dataclass(frozen=True)
class UserRef:
    """A person as their platform knows them, e.g. UserRef("telegram", "12345")."""

    platform: str
    id: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.id}"


@dataclass(frozen=True)
class ChatRef:
    """A chat, group or server (a direct-message chat counts too)."""

    platform: str
    id: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.id}"


async def user_row(session: AsyncSession, user: UserRef) -> User:
    """The user's row, created on first contact."""
    return await get_or_create(session, User, platform=user.platform, platform_user_id=user.id)


async def chat_row(session: AsyncSession, chat: ChatRef) -> Chat:
    """The chat's row, created on first contact."""
    return await get_or_create(session, Chat, platform=chat.platform, platform_chat_id=chat.id)
