"""The narrow queue interface the service and adapters use, so another queue (e.g. Redis) can stand in."""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from bot.queue.events import JobEvent


class RenderQueue(Protocol):
    """Runs queued job rows and reports on them."""

    @property
    def backend(self) -> str:
        """The animation backend the renderers use ("fomm" or "landmarks"); known once started."""
        ...

    async def start(self) -> None:
        """Recover jobs left by an earlier run and start the renderers."""
        ...

    async def stop(self, grace: float | None = None) -> None:
        """Take no more jobs; give running ones `grace` seconds, then hand them back to the queue."""
        ...

    async def submit(self, job_id: int) -> None:
        """Run this queued job row when a worker is free."""
        ...

    async def cancel(self, job_id: int) -> bool:
        """Cancel a job that has not started, refunding it; False if it already started or ended."""
        ...

    def subscribe(self, job_id: int) -> AsyncIterator[JobEvent]:
        """The job's current state, then its events until the outcome (or until the queue stops)."""
        ...
