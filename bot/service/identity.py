"""Who and where: the platform ids an adapter hands in, and their rows."""
from __future__ import annotations

import functools
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

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


# A random salt in the bot's data folder: without it, a hash of a (small, guessable) platform id could be reversed.
SALT_FILE = "identity-salt"


def identity_hash(data_dir: Path, platform: str, platform_user_id: str) -> str:
    """A salted SHA-256 of a platform user id, for what must outlive forget-me without naming anyone."""
    return hashlib.sha256(_salt(data_dir) + f"{platform}:{platform_user_id}".encode()).hexdigest()


@functools.cache
def _salt(data_dir: Path) -> bytes:
    path = data_dir / SALT_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(descriptor, "wb") as file:
                file.write(secrets.token_bytes(32))
    return path.read_bytes()


async def user_row(session: AsyncSession, user: UserRef) -> User:
    """The user's row, created on first contact."""
    return await get_or_create(session, User, platform=user.platform, platform_user_id=user.id)


async def chat_row(session: AsyncSession, chat: ChatRef) -> Chat:
    """The chat's row, created on first contact."""
    return await get_or_create(session, Chat, platform=chat.platform, platform_chat_id=chat.id)
