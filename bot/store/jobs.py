"""Job rows and their state changes; each change is a conditional UPDATE, so it happens at most once."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store import quota
from bot.store.models import ACTIVE_STATES, Job, JobState, User, utcnow


class Jobs:
    """Queries and state changes of render jobs within one session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, job_id: int) -> Job | None:
        return await self._session.get(Job, job_id)

    async def count_active(self, user_id: int) -> int:
        """How many of the user's jobs are queued or running."""
        count = select(func.count()).where(Job.user_id == user_id, Job.state.in_(ACTIVE_STATES))
        return await self._session.scalar(count) or 0

    async def position(self, job_id: int) -> int:
        """1 if the job runs next, 2 after that, ...; 0 if it is not waiting."""
        job = await self.get(job_id)
        if job is None or job.state != JobState.QUEUED:
            return 0
        waiting = select(func.count()).where(Job.state == JobState.QUEUED, Job.id <= job_id)
        return await self._session.scalar(waiting) or 0

    async def queued_ids(self) -> list[int]:
        """Waiting jobs, oldest first."""
        return list(await self._session.scalars(select(Job.id).where(Job.state == JobState.QUEUED).order_by(Job.id)))

    async def running(self) -> list[Job]:
        """Jobs marked running: after a restart, the ones a crash interrupted."""
        return list(await self._session.scalars(select(Job).where(Job.state == JobState.RUNNING).order_by(Job.id)))

    async def claim(self, job_id: int, worker: str | None = None) -> Job | None:
        """Queued -> running on `worker`, counting the attempt; None if the job is no longer queued.

        A conditional UPDATE: of two workers handed the same job (a broker redelivers), only one gets it.
        """
        now = utcnow()
        return await self._move(
            job_id, (JobState.QUEUED,), state=JobState.RUNNING, attempts=Job.attempts + 1, started_at=now,
            worker=worker, heartbeat_at=now,
        )

    async def heartbeat(self, job_id: int, attempt: int) -> bool:
        """The worker running `attempt` of the job is alive; False if the job is no longer that attempt's."""
        statement = (
            update(Job)
            .where(Job.id == job_id, Job.state == JobState.RUNNING, Job.attempts == attempt)
            .values(heartbeat_at=utcnow())
        )
        return cast(CursorResult[Any], await self._session.execute(statement)).rowcount == 1  # an UPDATE's result

    async def silent_since(self, cutoff: datetime) -> list[Job]:
        """Running jobs whose worker has given no sign of life since `cutoff`."""
        query = select(Job).where(Job.state == JobState.RUNNING, Job.heartbeat_at < cutoff).order_by(Job.id)
        return list(await self._session.scalars(query))

    async def finish(self, job_id: int, output: Path, attempt: int | None = None) -> Job | None:
        """Running -> done with its video (only if still at `attempt`, when given)."""
        return await self._move(
            job_id, (JobState.RUNNING,), attempt, state=JobState.DONE, output_path=str(output), finished_at=utcnow()
        )

    async def fail(self, job_id: int, reason: str, attempt: int | None = None) -> Job | None:
        """Queued or running -> failed, refunding its quota; `reason` is shown to the user."""
        job = await self._move(
            job_id, ACTIVE_STATES, attempt, state=JobState.FAILED, error=reason, finished_at=utcnow()
        )
        if job is not None:
            await quota.refund(self._session, job)
        return job

    async def cancel(self, job_id: int) -> Job | None:
        """Queued -> cancelled, refunding its quota."""
        job = await self._move(job_id, (JobState.QUEUED,), state=JobState.CANCELLED, finished_at=utcnow())
        if job is not None:
            await quota.refund(self._session, job)
        return job

    async def hand_back(self, job_id: int, attempt: int | None = None) -> Job | None:
        """Running -> queued, for a render cut short by a shutdown, a restart or a lost worker."""
        return await self._move(
            job_id, (JobState.RUNNING,), attempt, state=JobState.QUEUED, started_at=None, worker=None, heartbeat_at=None
        )

    async def forget_photo(self, job_id: int) -> None:
        """Record that the job's photo file is gone."""
        await self._session.execute(update(Job).where(Job.id == job_id).values(photo_path=None))

    async def mark_delivered(self, job_id: int) -> bool:
        """Note that the adapter gave the user the result; False if it already had been."""
        statement = update(Job).where(Job.id == job_id, Job.delivered_at.is_(None)).values(delivered_at=utcnow())
        return cast(CursorResult[Any], await self._session.execute(statement)).rowcount == 1  # an UPDATE's result

    async def undelivered(self, platform: str) -> list[Job]:
        """The platform's jobs whose outcome the user has not been given yet, oldest first."""
        query = (
            select(Job)
            .join(User, Job.user_id == User.id)
            .where(User.platform == platform, Job.delivered_at.is_(None), Job.state != JobState.CANCELLED)
            .order_by(Job.id)
        )
        return list(await self._session.scalars(query))

    async def cached_output(self, cache_key: str, since: datetime) -> tuple[int, Path] | None:
        """The newest job that made exactly these inputs (`cache_key`) after `since`, and its video, if its file
        still exists."""
        query = (
            select(Job.id, Job.output_path)
            .where(
                Job.cache_key == cache_key,
                Job.state == JobState.DONE,
                Job.output_path.is_not(None),
                Job.finished_at >= since,
            )
            .order_by(Job.finished_at.desc())
        )
        for job_id, path in await self._session.execute(query):
            if path is not None and Path(path).is_file():  # never None: the query says is_not(None)
                return job_id, Path(path)
        return None

    async def photos_due(self, kept_since: datetime) -> list[Job]:
        """Ended jobs whose photo is still there and due for deletion: cancelled ones at once (the bot stopped in
        between), rendered and failed ones once they ended before `kept_since` (kept for another song)."""
        due = (Job.state == JobState.CANCELLED) | (Job.finished_at < kept_since)
        query = select(Job).where(Job.state.not_in(ACTIVE_STATES), Job.photo_path.is_not(None), due)
        return list(await self._session.scalars(query))

    async def on_the_way(self, user_id: int, chat_id: int) -> list[Job]:
        """The user's jobs in this chat that are waiting or rendering, oldest first."""
        query = (
            select(Job)
            .where(Job.user_id == user_id, Job.chat_id == chat_id, Job.state.in_((JobState.QUEUED, JobState.RUNNING)))
            .order_by(Job.id)
        )
        return list(await self._session.scalars(query))

    async def queued_of_user(self, user_id: int) -> list[int]:
        """The user's waiting jobs."""
        query = select(Job.id).where(Job.user_id == user_id, Job.state == JobState.QUEUED)
        return list(await self._session.scalars(query))

    async def delete_of_user(self, user_id: int) -> list[Path]:
        """Delete every job of the user; the photo and video files they named, for the caller to delete."""
        return await self._delete(Job.user_id == user_id)

    async def delete_ended_before(self, cutoff: datetime) -> list[Path]:
        """Delete jobs that ended before `cutoff`; the files they named, for the caller to delete."""
        return await self._delete(Job.state.not_in(ACTIVE_STATES) & (Job.finished_at < cutoff))

    async def _delete(self, condition: ColumnElement[bool]) -> list[Path]:
        # One DELETE ... RETURNING: a job inserted meanwhile is either deleted and listed, or left alone.
        deleted = await self._session.execute(delete(Job).where(condition).returning(Job.photo_path, Job.output_path))
        return [Path(path) for row in deleted for path in row if path is not None]

    async def _move(
        self, job_id: int, sources: tuple[JobState, ...], attempt: int | None = None, **values: object
    ) -> Job | None:
        condition = (Job.id == job_id) & Job.state.in_(sources)
        if attempt is not None:  # a worker's late word on an attempt that was handed back changes nothing
            condition &= Job.attempts == attempt
        statement = (
            update(Job)
            .where(condition)
            .values(**values)
            .returning(Job)
            .execution_options(populate_existing=True)
        )
        return (await self._session.execute(statement)).scalar_one_or_none()
