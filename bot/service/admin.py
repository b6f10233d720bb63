"""Admin actions: bans, limits, the per-chat switch and templates; every one is written to the audit log."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.service.errors import NotAllowed, UserFacingError
from bot.service.identity import ChatRef, UserRef, chat_row, user_row
from bot.service.templates import Templates
from bot.store.database import Database
from bot.store.models import AuditEntry


class Admin:
    """What bot admins (MEMEBOT_ADMINS) and chat admins may change."""

    def __init__(self, db: Database, settings: Settings, templates: Templates) -> None:
        self._db = db
        self._settings = settings
        self._templates = templates

    def is_admin(self, user: UserRef) -> bool:
        """Whether the user is a bot admin."""
        return self._settings.is_admin(user.platform, user.id)

    async def ban(self, actor: UserRef, target: UserRef) -> None:
        """Stop the target from using the bot."""
        await self._set_banned(actor, target, banned=True)

    async def unban(self, actor: UserRef, target: UserRef) -> None:
        """Let the target use the bot again."""
        await self._set_banned(actor, target, banned=False)

    async def set_user_limit(self, actor: UserRef, target: UserRef, daily_limit: int | None) -> None:
        """Give the target their own daily limit (0 = unlimited), or None for the default."""
        self._require_admin(actor)
        async with self._db.transaction() as session:
            (await user_row(session, target)).daily_limit = _checked(daily_limit)
            _audit(session, actor, "set_user_limit", str(target), {"daily_limit": daily_limit})

    async def set_chat_limit(self, actor: UserRef, chat: ChatRef, daily_limit: int | None) -> None:
        """Give the chat its own daily limit (0 = unlimited), or None for the default."""
        self._require_admin(actor)
        async with self._db.transaction() as session:
            (await chat_row(session, chat)).daily_limit = _checked(daily_limit)
            _audit(session, actor, "set_chat_limit", str(chat), {"daily_limit": daily_limit})

    async def set_chat_enabled(
        self, actor: UserRef, chat: ChatRef, enabled: bool, *, actor_is_chat_admin: bool
    ) -> None:
        """Switch the bot on or off in a chat; the adapter says whether the actor administers that chat."""
        if not (actor_is_chat_admin or self.is_admin(actor)):
            raise NotAllowed("Only this chat's admins can switch the bot on or off here.")
        async with self._db.transaction() as session:
            (await chat_row(session, chat)).enabled = enabled
            _audit(session, actor, "enable_chat" if enabled else "disable_chat", str(chat), None)

    async def add_template(
        self, actor: UserRef, slug: str, title: str, duration_seconds: float, path: Path
    ) -> None:
        """Add or update a template that the renderers can find under `slug`."""
        self._require_admin(actor)
        await self._templates.register(slug, title, duration_seconds, path, added_by=str(actor))
        async with self._db.transaction() as session:
            _audit(session, actor, "add_template", slug, {"title": title, "path": str(path)})

    async def _set_banned(self, actor: UserRef, target: UserRef, *, banned: bool) -> None:
        self._require_admin(actor)
        async with self._db.transaction() as session:
            (await user_row(session, target)).banned = banned
            _audit(session, actor, "ban" if banned else "unban", str(target), None)

    def _require_admin(self, actor: UserRef) -> None:
        if not self.is_admin(actor):
            raise NotAllowed()


def _checked(daily_limit: int | None) -> int | None:
    if daily_limit is not None and daily_limit < 0:
        raise UserFacingError("A daily limit is a whole number, 0 meaning unlimited.")
    return daily_limit


def _audit(session: AsyncSession, actor: UserRef, action: str, target: str, detail: dict[str, Any] | None) -> None:
    session.add(AuditEntry(actor=str(actor), action=action, target=target, detail=detail))
