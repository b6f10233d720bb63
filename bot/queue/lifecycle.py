"""What every render queue does with job rows: outcomes recorded once, photos deleted at the end (or kept a few
minutes for another song), events to subscribers, and a job's current state for whoever starts listening."""
from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from bot import metrics
from bot.config import Settings
from bot.i18n import N_
from bot.queue import joblog
from bot.queue.events import FINAL_EVENTS, Cancelled, Failed, Finished, JobEvent, Progress, Queued, Started
from bot.queue.subscriptions import Subscriptions
from bot.store.database import Database
from bot.store.jobs import Jobs
from bot.store.models import Job, JobState

# A job whose renders were cut short this many times (crashes, lost workers, restarts) is given up.
MAX_ATTEMPTS = 3

# Why a render failed, as the user reads it: catalogue msgids with nothing filled in, so that a reason stored in a
# job row, or sent by a worker on another machine, is translated when it is shown. Every failure is refunded,
# and the adapters say so after the reason.
CRASHED = N_("The renderer crashed.")
TIMED_OUT = N_("The render took too long and was stopped.")
BROKE = N_("Something went wrong while rendering.")
PHOTO_GONE = N_("Your photo is no longer here; please send it again.")
GAVE_UP = N_("The render was interrupted too many times.")


class JobLifecycle:
    """Job outcomes and events, shared by the local and the cluster queue."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.subscriptions = Subscriptions()
        self.stopped = False  # no events will come any more

    def output_path(self, job_id: int) -> Path:
        """Where the job's video is kept on this (the bot's) machine."""
        return self.settings.outputs_dir / f"job-{job_id}.mp4"

    async def subscribe(self, job_id: int) -> AsyncIterator[JobEvent]:
        """The job's current state, then its events up to and including the outcome.

        Raises LookupError if there is no such job (any more: forgotten, or swept after retention).
        """
        with self.subscriptions.listen(job_id) as inbox:
            # Listen before reading the state, so no event falls between the two.
            event: JobEvent | None = await self.current_state(job_id)
            while event is not None:
                yield event
                if isinstance(event, FINAL_EVENTS) or self.stopped:
                    return
                event = await inbox.get()

    async def cancel(self, job_id: int) -> bool:
        """Cancel a job that has not started, refunding its quota and deleting its photo."""
        async with self.db.transaction() as session:
            job = await Jobs(session).cancel(job_id)
        if job is None:
            return False
        await self.discard_photo(job)
        joblog.cancelled(job_id)
        self.subscriptions.publish(Cancelled(job_id))
        return True

    async def started(self, job: Job) -> None:
        """Tell listeners the job started, and the jobs behind it their new place in line."""
        joblog.started(job.id, job.attempts, job.worker or "this machine")
        self.subscriptions.publish(Started(job.id, job.attempts))
        await self.announce_positions()

    async def finish(self, job: Job, output: Path, attempt: int | None = None, *, frames: int = 0,
                     seconds: float = 0.0) -> None:
        """Record the video (unless `attempt` is no longer the job's) and tell listeners; `frames` and `seconds`
        (the render's) are for the log."""
        async with self.db.transaction() as session:
            finished = await Jobs(session).finish(job.id, output, attempt)
            current = await Jobs(session).get(job.id)
        if finished is not None:
            joblog.finished(job.id, job.attempts, frames, seconds, output.stat().st_size if output.is_file() else 0)
            metrics.rendered(job.backend, frames, seconds)
            await self.render_ended(job)
            self.subscriptions.publish(Finished(job.id, output))
            return
        output.unlink(missing_ok=True)
        if current is None or current.state == JobState.CANCELLED:  # its owner was forgotten during the render
            await self.discard_photo(job)
            self.subscriptions.publish(Cancelled(job.id))

    async def fail(self, job: Job, reason: str, partial_output: Path | None = None, attempt: int | None = None) -> None:
        """Record the failure (refunding the quota) and tell listeners; `reason` is for the user."""
        if partial_output is not None:
            partial_output.unlink(missing_ok=True)
        async with self.db.transaction() as session:
            failed = await Jobs(session).fail(job.id, reason, attempt)
        if failed is not None:
            joblog.failed(job.id, job.attempts, reason)
            metrics.failed(reason)
            await self.render_ended(job)
            self.subscriptions.publish(Failed(job.id, reason))

    async def render_ended(self, job: Job) -> None:
        """Delete the photo now, unless MEMEBOT_PHOTO_KEEP_MINUTES keeps it for another song (the sweep deletes it)."""
        if self.settings.photo_keep_minutes == 0:
            await self.discard_photo(job)

    async def discard_photo(self, job: Job) -> None:
        """Delete the job's photo; privacy comes first."""
        if job.photo_path is None:
            return
        Path(job.photo_path).unlink(missing_ok=True)
        async with self.db.transaction() as session:
            await Jobs(session).forget_photo(job.id)

    def progress_reporter(self, job_id: int) -> Callable[[int, int], None]:
        """A callback for frames done, publishing Progress with an estimate of the time left."""
        started = time.monotonic()

        def report(done: int, total: int) -> None:
            elapsed = time.monotonic() - started
            eta = elapsed / done * (total - done) if done else None
            self.subscriptions.publish(Progress(job_id, done, total, eta))

        return report

    async def announce_positions(self) -> None:
        """Tell listeners of waiting jobs their new place in line."""
        listened = set(self.subscriptions.job_ids())
        if not listened:
            return
        async with self.db.transaction() as session:
            queued = await Jobs(session).queued_ids()
        for position, job_id in enumerate(queued, start=1):
            if job_id in listened:
                self.subscriptions.publish(Queued(job_id, position))

    async def give_up_or_hand_back(self, job: Job) -> bool:
        """A render of `job` was cut short: put it back in line (True), or fail it after MAX_ATTEMPTS."""
        if job.attempts >= MAX_ATTEMPTS:
            await self.fail(job, GAVE_UP, attempt=job.attempts)
            return False
        async with self.db.transaction() as session:
            handed_back = await Jobs(session).hand_back(job.id, job.attempts)
        return handed_back is not None

    def close(self) -> None:
        """No more events: tell every listener."""
        self.stopped = True
        self.subscriptions.close()

    async def current_state(self, job_id: int) -> JobEvent:
        async with self.db.transaction() as session:
            jobs = Jobs(session)
            job = await jobs.get(job_id)
            if job is None:
                raise LookupError(f"there is no job {job_id}")
            match job.state:
                case JobState.QUEUED:
                    return Queued(job_id, await jobs.position(job_id))
                case JobState.RUNNING:
                    return Started(job_id, job.attempts)
                case JobState.DONE:
                    assert job.output_path is not None, "a done job keeps its video until the sweep deletes the job"
                    return Finished(job_id, Path(job.output_path))
                case JobState.FAILED:
                    return Failed(job_id, job.error or BROKE)
                case JobState.CANCELLED:
                    return Cancelled(job_id)
