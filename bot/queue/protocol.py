"""The narrow interface the service and adapters use, implemented by the local queue and by the cluster queue."""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Protocol

from bot.queue.events import JobEvent
from bot.worker.process import WorkerFailed
from bot.worker.tasks import Ingested, IngestTemplate
from inference.api import PhotoInfo

__all__ = ["RenderQueue", "WorkerFailed"]


class RenderQueue(Protocol):
    """Runs queued job rows on workers and reports on them; also the other worker tasks that touch user media,
    since the bot process itself never decodes an image or a video."""

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

    async def inspect_photo(self, photo: Path) -> PhotoInfo:
        """Find the face a render would animate; InputError says why the photo cannot be used, WorkerFailed
        that the worker could not tell."""
        ...

    async def add_template(self, ingest: IngestTemplate, progress: Callable[[str, float], None]) -> Ingested:
        """Turn an admin's clip into a template every render worker can use; InputError says what is wrong."""
        ...

    async def fit_to_upload(self, video: Path, max_bytes: int, scratch: Path) -> Path | None:
        """`video` if it fits in `max_bytes`, else a smaller copy in `scratch` (the caller's to delete), or None."""
        ...
