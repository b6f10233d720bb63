"""The one service every adapter talks to, and how to run it."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from bot.config import Settings
from bot.queue.cluster import ClusterRenderQueue
from bot.queue.local import LocalRenderQueue
from bot.queue.protocol import RenderQueue
from bot.service.admin import Admin
from bot.service.consent import Consent
from bot.service.followups import Followups
from bot.service.privacy import Privacy
from bot.service.renders import Renders
from bot.service.reports import Reports
from bot.service.templates import Templates
from bot.store.database import Database
from bot.store.migrate import upgrade
from bot.worker.tasks import DEFAULT_FACTORY


class MemeService:
    """The bot's rules, platform-agnostic: consent, renders, follow-ups, reports, admin, privacy, templates."""

    def __init__(self, settings: Settings, db: Database, queue: RenderQueue) -> None:
        self.settings = settings
        self.db = db
        self.queue = queue
        self.consent = Consent(db, settings, queue)
        self.templates = Templates(db, settings)
        self.renders = Renders(db, settings, queue, self.consent)
        self.followups = Followups(db, settings, self.renders)
        self.reports = Reports(db, settings)
        self.admin = Admin(db, settings, self.templates, queue)
        self.privacy = Privacy(db, settings, queue)

    @classmethod
    @contextlib.asynccontextmanager
    async def running(cls, settings: Settings, *, factory: str = DEFAULT_FACTORY) -> AsyncIterator[MemeService]:
        """Migrate, start the render queue, list the templates, sweep now and then; stop it all on exit."""
        await upgrade(settings.database_url)
        db = Database(settings.database_url)
        queue: RenderQueue
        if settings.broker_url:
            queue = ClusterRenderQueue(db, settings)  # render workers are `memebot worker`s, anywhere
        else:
            queue = LocalRenderQueue(db, settings, factory=factory)
        try:
            await queue.start()
            service = cls(settings, db, queue)
            await service.templates.sync()
            sweeper = asyncio.create_task(service.privacy.sweep_forever(), name="memebot-retention-sweep")
            try:
                yield service
            finally:
                sweeper.cancel()
                await queue.stop()
        finally:
            await db.close()
