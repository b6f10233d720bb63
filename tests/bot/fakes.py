"""A render queue that never renders, for testing the service's rules without render processes."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.queue.events import JobEvent
from bot.queue.lifecycle import JobLifecycle
from bot.store.database import Database
from bot.worker.tasks import IngestTemplate, Ingested, InspectPhoto, ShrinkVideo, Task, WorkerContext
from inference.api import PhotoInfo


class ParkedQueue:
    """Implements RenderQueue, but submitted jobs stay queued for ever; media tasks run for real, in a thread."""

    backend = "landmarks"

    def __init__(self, db: Database, settings: Settings) -> None:
        self._jobs = JobLifecycle(db, settings)
        self._context = WorkerContext(settings.renderer_options(), factory=None)
        self.submitted: list[int] = []

    async def start(self) -> None:
        pass

    async def stop(self, grace: float | None = None) -> None:
        pass

    async def submit(self, job_id: int) -> None:
        self.submitted.append(job_id)

    async def cancel(self, job_id: int) -> bool:
        return await self._jobs.cancel(job_id)  # as the real queues do: refund, photo deleted

    async def subscribe(self, job_id: int) -> AsyncIterator[JobEvent]:
        raise NotImplementedError("parked jobs have no events")
        yield

    async def inspect_photo(self, photo: Path) -> PhotoInfo:
        return await self._run(InspectPhoto(photo))

    async def add_template(self, ingest: IngestTemplate, progress: Callable[[str, float], None]) -> Ingested:
        return await self._run(ingest, progress)

    async def fit_to_upload(self, video: Path, max_bytes: int, scratch: Path) -> Path | None:
        return await self._run(ShrinkVideo(video, max_bytes, scratch))

    async def _run(self, task: Task, progress: Callable[..., None] = lambda *values: None) -> Any:
        return await asyncio.to_thread(task.run, self._context, progress)
