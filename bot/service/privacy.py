"""What the bot keeps about people, forgetting a person on request, and deleting old videos."""
from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, select

from bot.config import Settings
from bot.i18n import ENGLISH_TEXTS, N_, Texts
from bot.queue.protocol import RenderQueue
from bot.service.identity import UserRef, identity_hash
from bot.store import quota
from bot.store.audit import FORGET_ME, NOBODY
from bot.store.database import Database
from bot.store.jobs import Jobs
from bot.store.models import AuditEntry, ConsentRecord, QuotaUsage, User, utcnow

log = logging.getLogger(__name__)

# Often enough that a photo kept for another song goes at most this late after MEMEBOT_PHOTO_KEEP_MINUTES.
SWEEP_INTERVAL_SECONDS = 30.0

SUMMARY = N_(
    "What I keep about you:\n"
    "- your user id on this platform, which version of the consent statement you accepted and when, "
    "and how many videos you made today;\n"
    "- for each video: the song, a SHA-256 hash of your photo (so sending exactly the same photo and song "
    "again reuses the earlier video instead of rendering again), where the face is in it, and the video itself.\n"
    "{photo_kept} Each video, and everything noted about it, "
    "is deleted {retention:g} hours later. "
    'Every video is marked "{label}". Ask me to forget you and all of this is deleted at once, except how many '
    "videos you made today, kept until the day is over under a salted hash that does not name you (so forgetting "
    "is no way around the daily limit); if you are banned, only the ban itself is kept. Admin actions such as bans "
    "stay in an audit log."
)


def photo_kept_text(t: Texts, keep_minutes: int) -> str:
    """How long a photo stays after its video, for the consent statement and the privacy summary."""
    if keep_minutes == 0:
        return t.gettext("Your photo is deleted as soon as its video is made or fails.")
    return t.gettext("Your photo is kept for {minutes} minutes after its video is made or fails, so you can pick "
                     "another song or try again without sending it again; then it is deleted (at once if you delete "
                     "the video or ask me to forget you).").format(minutes=keep_minutes)


class Privacy:
    """Forget-me, the privacy summary, and the retention sweep."""

    def __init__(self, db: Database, settings: Settings, queue: RenderQueue) -> None:
        self._db = db
        self._settings = settings
        self._queue = queue

    def summary(self, t: Texts = ENGLISH_TEXTS) -> str:
        """The text every adapter shows for its privacy command, in the catalogue `t`'s language."""
        return t.gettext(SUMMARY).format(retention=self._settings.output_retention_hours, label=self._settings.label,
                                         photo_kept=photo_kept_text(t, self._settings.photo_keep_minutes))

    async def forget_me(self, user: UserRef) -> None:
        """Delete everything about the user: rows, photos, videos; a ban alone is kept."""
        async with self._db.transaction() as session:
            # Counted in the audit log by day alone, so the entry cannot be matched to whoever left that day.
            day = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
            session.add(AuditEntry(at=day, actor=NOBODY, action=FORGET_ME, target=NOBODY, detail=None))
            row = await session.scalar(
                select(User).where(User.platform == user.platform, User.platform_user_id == user.id)
            )
        if row is None:
            return
        await cancel_queued_jobs(self._db, self._queue, row.id)
        async with self._db.transaction() as session:
            files = await Jobs(session).delete_of_user(row.id)
            # Today's count stays, under a salted hash alone: forgetting is no way around the daily limit.
            digest = identity_hash(self._settings.data_dir, row.platform, row.platform_user_id)
            await quota.remember_forgotten(session, row.id, digest, quota.today())
            for model in (ConsentRecord, QuotaUsage):
                await session.execute(delete(model).where(model.user_id == row.id))
            if not row.banned:  # forgetting must not lift a ban: a banned user keeps a bare row
                await session.execute(delete(User).where(User.id == row.id))
        _delete_files(files)

    async def sweep(self) -> int:
        """Delete what is past retention (jobs, their videos, old counters) and stray photos; the number of files."""
        cutoff = utcnow() - timedelta(hours=self._settings.output_retention_hours)
        async with self._db.transaction() as session:
            jobs = Jobs(session)
            files = await jobs.delete_ended_before(cutoff)
            for job in await jobs.photos_due(utcnow() - timedelta(minutes=self._settings.photo_keep_minutes)):
                assert job.photo_path is not None, "photos_due picks jobs that still have one"
                files.append(Path(job.photo_path))
                await jobs.forget_photo(job.id)
            await quota.forget_before(session, quota.today() - timedelta(days=1))
        _delete_files(files)
        return len(files)

    async def sweep_forever(self, interval: float = SWEEP_INTERVAL_SECONDS) -> None:
        """Sweep now and then every `interval` seconds, until cancelled."""
        while True:
            try:
                if deleted := await self.sweep():
                    log.info("retention sweep deleted %d files", deleted)
            except Exception:
                log.exception("retention sweep failed; trying again later")
            await asyncio.sleep(interval)


async def cancel_queued_jobs(db: Database, queue: RenderQueue, user_id: int) -> int:
    """Cancel (and refund) every job of the user still waiting; how many. Used when consent ends, on a ban and
    on forget-me, so nothing is rendered for someone who may no longer have it."""
    async with db.transaction() as session:
        waiting = await Jobs(session).queued_of_user(user_id)
    cancelled = [await queue.cancel(job_id) for job_id in waiting]  # through the queue: followers hear it end
    return sum(cancelled)


def _delete_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
