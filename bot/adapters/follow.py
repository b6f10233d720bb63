"""Following jobs to their outcome, shared by the adapters: throttled status updates, then delivery, acknowledged
once, in one background task per job; after a restart, `JobFollowers.resume` picks up what was not delivered.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Generic, Protocol, TypeVar

from bot import metrics
from bot.queue import JobEvent, Progress
from bot.queue.events import FINAL_EVENTS
from bot.service import MemeService

# Chat platforms rate-limit message edits; progress is shown at most this often.
STATUS_EDIT_INTERVAL_SECONDS = 2.0
log = logging.getLogger(__name__)

ShowStatus = Callable[[JobEvent], Awaitable[None]]
Deliver = Callable[[JobEvent], Awaitable[None]]


async def follow_job(
    service: MemeService,
    job_id: int,
    show_status: ShowStatus,
    deliver: Deliver,
    edit_interval: float = STATUS_EDIT_INTERVAL_SECONDS,
) -> None:
    """Show the job's status as it moves, deliver its outcome, then mark it delivered so it is sent only once."""
    last_shown = 0.0
    async for event in service.queue.subscribe(job_id):
        if isinstance(event, FINAL_EVENTS):
            await deliver(event)
            await service.renders.mark_delivered(job_id)
            return
        now = time.monotonic()
        if isinstance(event, Progress) and now - last_shown < edit_interval and event.done < event.total:
            continue  # skip progress updates that would come too fast
        last_shown = now
        try:
            await show_status(event)
        except Exception:  # a failed status edit must not lose the video
            log.warning("could not show the status of job %s", job_id, exc_info=True)



class Delivery(Protocol):
    """One job shown to its user on one platform."""

    async def show_status(self, event: JobEvent) -> None:
        """Show where the job is (rate-limited by `follow_job`); may fail without losing the outcome."""
        ...

    async def deliver(self, event: JobEvent) -> None:
        """Give the user the job's outcome: the video of a Finished job, or what happened instead."""
        ...


Where = TypeVar("Where")


class JobFollowers(Generic[Where]):
    """One background task per job, following it until delivered; `Where` is the adapter's note of where it goes.

    Stopping cancels the tasks; the jobs stay undelivered, and the next start resumes them.
    """

    platform: str

    def __init__(self, service: MemeService) -> None:
        self._service = service
        self._followed: dict[int, tuple[asyncio.Task[None], Where]] = {}

    def delivery(self, where: Where) -> Delivery:
        """How to show a job to the user `where` names."""
        raise NotImplementedError

    def where_from(self, reply_to: dict[str, Any]) -> Where:
        """The `Where` that a job's reply_to holds."""
        raise NotImplementedError

    def follow(self, job_id: int, where: Where) -> None:
        """Show the job's status and deliver its outcome, in the background."""
        task = asyncio.create_task(self._follow(job_id, self.delivery(where)), name=f"{self.platform}-job-{job_id}")
        self._followed[job_id] = (task, where)

    def followed(self) -> dict[int, Where]:
        """The jobs followed now, and where each goes."""
        return {job_id: where for job_id, (_, where) in self._followed.items()}

    async def resume(self) -> int:
        """Follow every job of this platform whose outcome was not delivered (e.g. before a restart); how many."""
        resumed = 0
        for pending in await self._service.renders.undelivered(self.platform):
            if pending.reply_to is None:
                log.warning("job %s has no %s chat to deliver to", pending.job_id, self.platform)
                continue
            self.follow(pending.job_id, self.where_from(pending.reply_to))
            resumed += 1
        return resumed

    async def stop(self) -> None:
        """Stop following; undelivered jobs stay undelivered until the next start."""
        tasks = [task for task, _ in self._followed.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _follow(self, job_id: int, delivery: Delivery) -> None:
        try:
            await follow_job(self._service, job_id, delivery.show_status, delivery.deliver)
        except LookupError:
            log.info("job %s is gone (forgotten or expired): nothing to deliver", job_id)
        except Exception:
            log.exception("could not deliver job %s; the next start tries again", job_id)
            metrics.DELIVERY_RETRIES.labels(self.platform).inc()
        finally:
            self._followed.pop(job_id, None)
