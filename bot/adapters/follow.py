"""Following a job to its outcome, shared by the adapters: throttled status updates, then delivery, acknowledged once.

After a restart, adapters call `follow_job` for each of `service.renders.undelivered(platform)`.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from bot.queue import Cancelled, Failed, Finished, JobEvent, Progress
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
        if isinstance(event, (Finished, Failed, Cancelled)):
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

