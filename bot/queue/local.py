"""The render queue of one machine: job rows in the database, N render worker processes, events in memory."""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.queue.events import FINAL_EVENTS, Cancelled, Failed, Finished, JobEvent, Progress, Queued, Started
from bot.queue.process import RenderBroke, RendererCrashed, RenderProcess, RenderRejected
from bot.queue.subscriptions import Subscriptions
from bot.queue.worker import DEFAULT_FACTORY
from inference.api import RenderRequest
from bot.store.database import Database
from bot.store.jobs import Jobs
from bot.store.models import Job, JobState

log = logging.getLogger(__name__)

# A job whose renders were cut short this many times (the bot itself crashing mid-render) is given up.
MAX_ATTEMPTS = 3
RESTART_DELAY_SECONDS = 5.0

REFUNDED = "Your quota was refunded."
CRASHED = f"The renderer crashed. {REFUNDED}"
TIMED_OUT = "The render took longer than {limit:g} seconds and was stopped. " + REFUNDED
BROKE = f"Something went wrong while rendering. {REFUNDED}"
PHOTO_GONE = f"Your photo is no longer here; please send it again. {REFUNDED}"
GAVE_UP = f"The render was interrupted too many times. {REFUNDED}"


@dataclass
class _Worker:
    process: RenderProcess
    task: asyncio.Task[None] | None = None
    job_id: int | None = None


class LocalRenderQueue:
    """Runs queued job rows in order on `settings.render_workers` worker processes."""

    def __init__(self, db: Database, settings: Settings, *, factory: str = DEFAULT_FACTORY) -> None:
        self._db = db
        self._settings = settings
        self._factory = factory
        self._pending: asyncio.Queue[int] = asyncio.Queue()
        self._subscriptions = Subscriptions()
        self._workers: list[_Worker] = []
        self._backend: str | None = None
        self._closing = False  # no new jobs start
        self._stopped = False  # no events will come any more

    @property
    def backend(self) -> str:
        if self._backend is None:
            raise RuntimeError("the render queue has not started")
        return self._backend

    async def start(self) -> None:
        """Recover jobs left by an earlier run, build the renderers, start working."""
        self._settings.outputs_dir.mkdir(parents=True, exist_ok=True)
        for job_id in await self._recover():
            self._pending.put_nowait(job_id)
        options = self._settings.renderer_options()
        self._workers = [_Worker(RenderProcess(self._factory, options)) for _ in range(self._settings.render_workers)]
        try:
            # A task group: if one renderer fails to build, the others are cancelled (and killed) too.
            async with asyncio.TaskGroup() as group:
                for worker in self._workers:
                    group.create_task(worker.process.start())
        except* RendererCrashed as failures:
            raise failures.exceptions[0] from None
        self._backend = self._workers[0].process.backend
        for worker in self._workers:
            worker.task = asyncio.create_task(self._work(worker), name="memebot-render-worker")

    async def stop(self, grace: float | None = None) -> None:
        """Take no more jobs; let running renders finish within `grace` seconds, then hand them back."""
        if self._stopped:
            return
        self._closing = True
        tasks = [worker.task for worker in self._workers if worker.task is not None]
        for worker in self._workers:
            if worker.job_id is None and worker.task is not None:
                worker.task.cancel()  # idle: nothing to wait for
        if tasks:
            grace = self._settings.shutdown_grace_seconds if grace is None else grace
            _, unfinished = await asyncio.wait(tasks, timeout=grace)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.gather(*(worker.process.stop() for worker in self._workers))
        self._stopped = True
        self._subscriptions.close()

    async def submit(self, job_id: int) -> None:
        """Run the job when a worker is free; after stop() it waits in the database for the next start."""
        if not self._closing:
            self._pending.put_nowait(job_id)

    async def cancel(self, job_id: int) -> bool:
        """Cancel a job that has not started, refunding its quota and deleting its photo."""
        async with self._db.transaction() as session:
            job = await Jobs(session).cancel(job_id)
        if job is None:
            return False
        await self._discard_photo(job)
        self._subscriptions.publish(Cancelled(job_id))
        return True

    async def subscribe(self, job_id: int) -> AsyncIterator[JobEvent]:
        """The job's current state, then its events up to and including the outcome.

        Raises LookupError if there is no such job (any more: forgotten, or swept after retention).
        """
        with self._subscriptions.listen(job_id) as inbox:
            # Listen before reading the state, so no event falls between the two.
            event = await self._current_state(job_id)
            while event is not None:
                yield event
                if isinstance(event, FINAL_EVENTS) or self._stopped:
                    return
                event = await inbox.get()

    async def _recover(self) -> list[int]:
        """Put interrupted renders back in line (or give up on them); the queued job ids, oldest first."""
        gave_up: list[Job] = []
        async with self._db.transaction() as session:
            jobs = Jobs(session)
            for job in await jobs.running():
                if job.attempts >= MAX_ATTEMPTS:
                    gave_up.append(await jobs.fail(job.id, GAVE_UP))
                else:
                    await jobs.hand_back(job.id)
            queued = await jobs.queued_ids()
        for job in gave_up:
            await self._discard_photo(job)
        return queued

    async def _work(self, worker: _Worker) -> None:
        while not self._closing:
            job_id = await self._pending.get()
            if self._closing:
                return  # still queued in the database; the next start runs it
            worker.job_id = job_id
            try:
                await self._run(worker.process, job_id)
            except Exception:
                # Whatever went wrong (the database, most likely), the worker keeps serving; the job is
                # still marked running and the next start re-runs it.
                log.exception("job %s: the render queue failed", job_id)
            finally:
                worker.job_id = None

    async def _run(self, process: RenderProcess, job_id: int) -> None:
        async with self._db.transaction() as session:
            job = await Jobs(session).claim(job_id)
        if job is None:
            return  # cancelled or forgotten while it waited
        self._subscriptions.publish(Started(job_id, job.attempts))
        await self._announce_positions()
        if job.photo_path is None or not Path(job.photo_path).is_file():
            await self._fail(job, PHOTO_GONE)
            return
        output = self._settings.outputs_dir / f"job-{job_id}.mp4"
        request = RenderRequest(image=Path(job.photo_path), template=job.template_slug, output=output)
        limit = self._settings.job_time_limit_seconds
        try:
            async with asyncio.timeout(limit):
                rendered = await process.render(request, self._progress_reporter(job_id))
        except TimeoutError:
            await process.kill()
            await self._fail(job, TIMED_OUT.format(limit=limit), output)
            await self._revive(process)
        except RendererCrashed as crash:
            log.error("job %s: %s", job_id, crash)
            await self._fail(job, CRASHED, output)
            await self._revive(process)
        except RenderRejected as rejection:
            await self._fail(job, f"{rejection} {REFUNDED}", output)
        except RenderBroke as broken:
            log.error("job %s failed:\n%s", job_id, broken)
            await self._fail(job, BROKE, output)
        except asyncio.CancelledError:
            # Shutdown ran out of grace: the render restarts from scratch on the next start.
            await process.kill()
            async with self._db.transaction() as session:
                await Jobs(session).hand_back(job_id)
            raise
        else:
            await self._finish(job, rendered.output)

    def _progress_reporter(self, job_id: int) -> Callable[[int, int], None]:
        started = time.monotonic()

        def report(done: int, total: int) -> None:
            elapsed = time.monotonic() - started
            eta = elapsed / done * (total - done) if done else None
            self._subscriptions.publish(Progress(job_id, done, total, eta))

        return report

    async def _finish(self, job: Job, output: Path) -> None:
        async with self._db.transaction() as session:
            finished = await Jobs(session).finish(job.id, output)
        await self._discard_photo(job)
        if finished is None:  # its owner was forgotten during the render
            output.unlink(missing_ok=True)
            self._subscriptions.publish(Cancelled(job.id))
        else:
            self._subscriptions.publish(Finished(job.id, output))

    async def _fail(self, job: Job, reason: str, partial_output: Path | None = None) -> None:
        async with self._db.transaction() as session:
            await Jobs(session).fail(job.id, reason)
        await self._discard_photo(job)
        if partial_output is not None:
            partial_output.unlink(missing_ok=True)
        self._subscriptions.publish(Failed(job.id, reason))

    async def _discard_photo(self, job: Job) -> None:
        """Delete the job's photo the moment its render has ended; privacy comes first."""
        if job.photo_path is None:
            return
        Path(job.photo_path).unlink(missing_ok=True)
        async with self._db.transaction() as session:
            await Jobs(session).forget_photo(job.id)

    async def _revive(self, process: RenderProcess) -> None:
        """Restart a worker process, retrying while the renderer fails to build."""
        while True:
            try:
                await process.restart()
                return
            except RendererCrashed as crash:
                log.error("render process failed to start (%s); retrying in %s s", crash, RESTART_DELAY_SECONDS)
                await asyncio.sleep(RESTART_DELAY_SECONDS)

    async def _announce_positions(self) -> None:
        """Tell listeners of waiting jobs their new place in line."""
        listened = set(self._subscriptions.job_ids())
        if not listened:
            return
        async with self._db.transaction() as session:
            queued = await Jobs(session).queued_ids()
        for position, job_id in enumerate(queued, start=1):
            if job_id in listened:
                self._subscriptions.publish(Queued(job_id, position))

    async def _current_state(self, job_id: int) -> JobEvent:
        async with self._db.transaction() as session:
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
                    return Finished(job_id, Path(job.output_path))
                case JobState.FAILED:
                    return Failed(job_id, job.error or BROKE)
                case JobState.CANCELLED:
                    return Cancelled(job_id)
