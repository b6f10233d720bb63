"""What changes on the dashboard while it is open: each running job's progress, heard from the queue's own job
events, and the progress of templates being added."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from bot.queue.events import Progress, Queued, Started
from bot.queue.protocol import RenderQueue

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestStatus:
    """A template being added from the dashboard: its stage and fraction done, or how it ended."""

    slug: str
    stage: str
    fraction: float
    ended: bool = False
    error: str | None = None


class Watch:
    """Follows the jobs the dashboard shows through `queue.subscribe`, keeping each one's latest progress text."""

    def __init__(self, queue: RenderQueue) -> None:
        self._queue = queue
        self._followed: dict[int, asyncio.Task[None]] = {}
        self.progress: dict[int, str] = {}
        self.ingests: dict[str, IngestStatus] = {}

    def follow(self, job_ids: list[int]) -> None:
        """Listen to these (active) jobs, if not already."""
        for job_id in job_ids:
            if job_id not in self._followed:
                self._followed[job_id] = asyncio.create_task(self._listen(job_id), name=f"memebot-web-job-{job_id}")

    async def close(self) -> None:
        """Stop listening."""
        for task in self._followed.values():
            task.cancel()
        await asyncio.gather(*self._followed.values(), return_exceptions=True)

    async def _listen(self, job_id: int) -> None:
        try:
            async for event in self._queue.subscribe(job_id):
                match event:
                    case Queued(position=position):
                        self.progress[job_id] = f"#{position} in line"
                    case Started():
                        self.progress[job_id] = "started"
                    case Progress(done=done, total=total):
                        self.progress[job_id] = f"{100 * done // max(total, 1)}%"
        except LookupError:  # forgotten or swept meanwhile
            pass
        except Exception:  # only the page's progress column is lost; the job itself goes on
            log.warning("the dashboard could not follow job %s", job_id, exc_info=True)
        finally:
            self.progress.pop(job_id, None)
            with contextlib.suppress(KeyError):
                del self._followed[job_id]
