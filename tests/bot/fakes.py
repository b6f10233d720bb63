"""A render queue that never renders, for testing the service's rules without render processes."""
from __future__ import annotations

from collections.abc import AsyncIterator

from bot.queue.events import JobEvent
from bot.store.database import Database
from bot.store.jobs import Jobs


class ParkedQueue:
    """Implements RenderQueue, but submitted jobs stay queued for ever."""

    backend = "landmarks"

    def __init__(self, db: Database) -> None:
        self._db = db
        self.submitted: list[int] = []

    async def start(self) -> None:
        pass

    async def stop(self, grace: float | None = None) -> None:
        pass

    async def submit(self, job_id: int) -> None:
        self.submitted.append(job_id)

    async def cancel(self, job_id: int) -> bool:
        async with self._db.transaction() as session:
            return await Jobs(session).cancel(job_id) is not None

    async def subscribe(self, job_id: int) -> AsyncIterator[JobEvent]:
        raise NotImplementedError("parked jobs have no events")
        yield
