"""Admin actions: bans, limits, the per-chat switch and templates; every one is written to the audit log."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.i18n import N_
from bot.queue.protocol import RenderQueue, WorkerFailed
from bot.service.errors import NotAllowed, UserFacingError
from bot.service.identity import ChatRef, UserRef, chat_row, user_row
from bot.service.privacy import cancel_queued_jobs
from bot.service.templates import TemplateInfo, Templates
from bot.store.database import Database
from bot.store.models import AuditEntry
from bot.worker.tasks import IngestTemplate
from inference import api as inference_api
from inference.api import InputError, RendererSettings


@dataclass(frozen=True)
class AddedTemplate:
    """A template an admin just added, and anything they should know about it (e.g. it has no sound)."""

    template: TemplateInfo
    warnings: tuple[str, ...]


class Admin:
    """What bot admins (MEMEBOT_ADMINS) and chat admins may change."""

    def __init__(self, db: Database, settings: Settings, templates: Templates, queue: RenderQueue) -> None:
        self._db = db
        self._settings = settings
        self._templates = templates
        self._queue = queue
        self._renderer_settings = RendererSettings(**settings.renderer_options())

    def is_admin(self, user: UserRef) -> bool:
        """Whether the user is a bot admin."""
        return self._settings.is_admin(user.platform, user.id)

    def admins_on(self, platform: str) -> list[UserRef]:
        """The bot admins (MEMEBOT_ADMINS) on one platform."""
        return admins_on(self._settings, platform)

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
            raise NotAllowed(N_("Only this chat's admins can switch the bot on or off here."))
        async with self._db.transaction() as session:
            (await chat_row(session, chat)).enabled = enabled
            _audit(session, actor, "enable_chat" if enabled else "disable_chat", str(chat), None)

    async def add_template(
        self,
        actor: UserRef,
        slug: str,
        video: Path,
        *,
        title: str | None = None,
        start: float | None = None,
        end: float | None = None,
        replace: bool = False,
        progress: Callable[[str, float], None] = lambda stage, fraction: None,
    ) -> AddedTemplate:
        """Ingest a clip as a template (in a worker) and offer it; the clip file is the caller's to delete."""
        self._require_admin(actor)
        ingest = IngestTemplate(video, slug, title=title, start=start, end=end, added_by=str(actor), replace=replace)
        try:
            ingested = await self._queue.add_template(ingest, progress)
        except (InputError, WorkerFailed) as error:
            raise UserFacingError(str(error)) from None
        added = ingested.template
        await self._templates.register(added.slug, added.title, added.duration, added.folder, added_by=str(actor))
        async with self._db.transaction() as session:
            _audit(session, actor, "add_template", slug, {"title": added.title, "warnings": list(ingested.warnings)})
        return AddedTemplate(await self._templates.get(slug), ingested.warnings)

    async def remove_template(self, actor: UserRef, slug: str) -> None:
        """Delete an admin-added template; shipped ones stay."""
        self._require_admin(actor)
        library = inference_api.template_library(self._renderer_settings)
        try:
            library.removable(slug)
        except InputError as error:
            raise UserFacingError(str(error)) from None
        # The row first, in one transaction with its audit entry: a template is never offered without its files.
        # Jobs that used it keep its name (no foreign key), so their rows stay valid.
        async with self._db.transaction() as session:
            await self._templates.unregister(session, slug)
            _audit(session, actor, "remove_template", slug, None)
        await asyncio.to_thread(library.remove, slug)

    async def _set_banned(self, actor: UserRef, target: UserRef, *, banned: bool) -> None:
        self._require_admin(actor)
        async with self._db.transaction() as session:
            row = await user_row(session, target)
            row.banned = banned
            _audit(session, actor, "ban" if banned else "unban", str(target), None)
        if banned:  # nothing more is made for them, not even what was already waiting
            await cancel_queued_jobs(self._db, self._queue, row.id)

    def _require_admin(self, actor: UserRef) -> None:
        if not self.is_admin(actor):
            raise NotAllowed()


def admins_on(settings: Settings, platform: str) -> list[UserRef]:
    """The bot admins (MEMEBOT_ADMINS, `platform:id`) on one platform, in a stable order."""
    admins = (admin.partition(":") for admin in sorted(settings.admins))
    return [UserRef(where, user_id) for where, _, user_id in admins if where == platform]


def _checked(daily_limit: int | None) -> int | None:
    if daily_limit is not None and daily_limit < 0:
        raise UserFacingError(N_("A daily limit is a whole number, 0 meaning unlimited."))
    return daily_limit


def _audit(session: AsyncSession, actor: UserRef, action: str, target: str, detail: dict[str, Any] | None) -> None:
    session.add(AuditEntry(actor=str(actor), action=action, target=target, detail=detail))
