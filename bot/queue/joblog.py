"""One log line per job as it moves, all on the `bot.jobs` logger and in the same words wherever they are written.

The bot logs a job accepted (the service, when it is queued), started, and finished or failed as recorded (the
queues); a `memebot worker` logs the attempts it runs. The lines name the job, never its user, photo or any text.
"""
from __future__ import annotations

import logging

log = logging.getLogger("bot.jobs")


def _job(job_id: int, attempt: int | None) -> str:
    return f"job {job_id} attempt {attempt}" if attempt else f"job {job_id}"


def accepted(job_id: int, platform: str, template: str, backend: str) -> None:
    log.info("job %d: accepted from %s, template %s, %s backend", job_id, platform, template, backend)


def started(job_id: int, attempt: int | None, where: str) -> None:
    log.info("%s: started on %s", _job(job_id, attempt), where)


def finished(job_id: int, attempt: int | None, frames: int, seconds: float, size: int) -> None:
    rate = frames / seconds if seconds else 0.0
    log.info("%s: finished, %d frames in %.1f s (%.1f frames/s), %d bytes", _job(job_id, attempt), frames, seconds,
             rate, size)


def failed(job_id: int, attempt: int | None, reason: str) -> None:
    log.info("%s: failed: %s", _job(job_id, attempt), reason)


def cancelled(job_id: int) -> None:
    log.info("job %d: cancelled before it started", job_id)


def handed_back(job_id: int, attempt: int | None, why: str) -> None:
    log.info("%s: handed back (%s)", _job(job_id, attempt), why)
