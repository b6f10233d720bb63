"""What the bot keeps about people, forgetting a person on request, and deleting old videos."""
from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, select

from bot.config import Settings
from bot.queue.protocol import RenderQueue
from bot.service.identity import UserRef
from bot.store.database import Database
from bot.store.jobs import Jobs
from bot.store.models import ConsentRecord, Job, JobState, QuotaUsage, User, utcnow

log = logging.getLogger(__name__)

SWEEP_INTERVAL_SECONDS = 600.0

SUMMARY = (
    "What I keep about you:\n"
    "- your user id on this platform, which version of the consent statement you accepted and when, "
    "and how many videos you made today;\n"
    "- for each video: the song, a SHA-256 hash of your photo, a face fingerprint (so the same face and "
    "song can reuse the earlier video instead of rendering again), and the video itself.\n"
    "Your photo is deleted as soon as its video is made or fails. Videos are deleted after {retention:g} hours. "
    'Every video is marked "{label}". Ask me to forget you and all of this is deleted at once; '
    "if you are banned, only the ban itself is kept. Admin actions such as bans stay in an audit log."
)


class Privacy:
    """Forget-me, the privacy summary, and the retention sweep."""

    def __init__(self, db: Database, settings: Settings, queue: RenderQueue) -> None:
        self._db = db
        self._settings = settings
        self._queue = queue

    def summary(self) -> str:
        """The text every adapter shows for its privacy command."""
        return SUMMARY.format(retention=self._settings.output_retention_hours, label=self._settings.label)

    async def forget_me(self, user: UserRef) -> None:
        """Delete everything about the user: rows, photos, videos; a ban alone is kept."""
        async with self._db.transaction() as session:
            row = await session.scalar(
                select(User).where(User.platform == user.platform, User.platform_user_id == user.id)
            )
            if row is None:
                return
            jobs = await Jobs(session).of_user(row.id)
        for job in jobs:
            if job.state == JobState.QUEUED:
                await self._queue.cancel(job.id)
        async with self._db.transaction() as session:
            if row.banned:
                # Forgetting must not lift a ban: keep the bare user row with its flag.
                for model in (Job, ConsentRecord, QuotaUsage):
                    await session.execute(delete(model).where(model.user_id == row.id))
            else:
                await session.execute(delete(User).where(User.id == row.id))  # the rest cascades
        for job in jobs:
            for path in (job.photo_path, job.output_path):
                if path is not None:
                    Path(path).unlink(missing_ok=True)

    async def sweep(self) -> int:
        """Delete videos older than the retention time, and photos a stop left behind; the number of files."""
        cutoff = utcnow() - timedelta(hours=self._settings.output_retention_hours)
        deleted = 0
        async with self._db.transaction() as session:
            jobs = Jobs(session)
            for job in await jobs.outputs_finished_before(cutoff):
                Path(job.output_path).unlink(missing_ok=True)
                await jobs.forget_output(job.id)
                deleted += 1
            for job in await jobs.ended_with_photo():
                Path(job.photo_path).unlink(missing_ok=True)
                await jobs.forget_photo(job.id)
                deleted += 1
        return deleted

    async def sweep_forever(self, interval: float = SWEEP_INTERVAL_SECONDS) -> None:
        """Sweep now and then every `interval` seconds, until cancelled."""
        while True:
            try:
                if deleted := await self.sweep():
                    log.info("retention sweep deleted %d files", deleted)
            except Exception:
                log.exception("retention sweep failed; trying again later")
            await asyncio.sleep(interval)
