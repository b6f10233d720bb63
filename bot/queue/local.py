"""The queue of one machine: job rows in the database, N render worker processes (each running one job at a time,
or MEMEBOT_BATCH_JOBS at once when FOMM batches) and one media worker process (photo checks, template ingest,
shrinking videos), events in memory."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import metrics
from bot.config import Settings
from bot.queue import joblog
from bot.queue.events import JobEvent
from bot.queue.lifecycle import BROKE, CRASHED, PHOTO_GONE, TIMED_OUT, JobLifecycle
from bot.store.database import Database
from bot.store.jobs import Jobs
from bot.worker.process import TaskBroke, TaskRejected, WorkerCrashed, WorkerProcess
from bot.worker.tasks import (
    DEFAULT_FACTORY,
    Ingested,
    IngestTemplate,
    InspectPhoto,
    Render,
    ShrinkVideo,
    Task,
)
from inference.api import PhotoInfo, RenderRequest, face_location

log = logging.getLogger(__name__)



@dataclass
class _Worker:
    """One job at a time on a render process (a batching process has several)."""

    process: WorkerProcess
    task: asyncio.Task[None] | None = None
    job_id: int | None = None


class LocalRenderQueue:
    """Runs queued job rows in order on `settings.render_workers` worker processes."""

    def __init__(self, db: Database, settings: Settings, *, factory: str = DEFAULT_FACTORY) -> None:
        self._db = db
        self._settings = settings
        self._factory = factory
        self._jobs = JobLifecycle(db, settings)
        self._pending: asyncio.Queue[int] = asyncio.Queue()
        self._processes: list[WorkerProcess] = []
        self._workers: list[_Worker] = []
        self._media = WorkerProcess(None, settings.renderer_options())
        self._media_lock = asyncio.Lock()  # one media task at a time
        self._backend: str | None = None
        self._closing = False  # no new jobs start

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
        self._processes = [WorkerProcess(self._factory, options) for _ in range(self._settings.render_workers)]
        try:
            # A task group: if one worker fails to start, the others are cancelled (and killed) too.
            async with asyncio.TaskGroup() as group:
                for process in self._processes:
                    group.create_task(process.start())
                group.create_task(self._media.start())
        except* WorkerCrashed as failures:
            raise failures.exceptions[0] from None
        self._backend = self._processes[0].backend
        assert self._backend is not None, "render processes have a backend"
        jobs = self._settings.jobs_per_render_process(self._backend)
        self._workers = [_Worker(process) for process in self._processes for _ in range(jobs)]
        metrics.WORKERS_ALIVE.set_function(lambda: sum(process.is_alive() for process in self._processes))
        for worker in self._workers:
            worker.task = asyncio.create_task(self._work(worker), name="memebot-render-worker")

    async def stop(self, grace: float | None = None) -> None:
        """Take no more jobs; let running renders finish within `grace` seconds, then hand them back."""
        if self._jobs.stopped:
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
        await asyncio.gather(self._media.stop(), *(process.stop() for process in self._processes))
        self._jobs.close()

    async def submit(self, job_id: int) -> None:
        """Run the job when a worker is free; after stop() it waits in the database for the next start."""
        if not self._closing:
            self._pending.put_nowait(job_id)

    async def cancel(self, job_id: int) -> bool:
        """Cancel a job that has not started, refunding its quota and deleting its photo."""
        return await self._jobs.cancel(job_id)

    def subscribe(self, job_id: int) -> AsyncIterator[JobEvent]:
        """The job's current state, then its events up to and including the outcome."""
        return self._jobs.subscribe(job_id)

    async def inspect_photo(self, photo: Path) -> PhotoInfo:
        """Find the face in the media worker."""
        return await self._run_media(InspectPhoto(photo))

    async def add_template(self, ingest: IngestTemplate, progress: Callable[[str, float], None]) -> Ingested:
        """Ingest the clip in the media worker, straight into the admins' templates folder the renderers read."""
        return await self._run_media(ingest, progress)

    async def fit_to_upload(self, video: Path, max_bytes: int, scratch: Path) -> Path | None:
        """Shrink the video in the media worker, if it must be."""
        if video.stat().st_size <= max_bytes:
            return video
        return await self._run_media(ShrinkVideo(video, max_bytes, scratch))

    async def _run_media(self, task: Task, progress: Callable[..., None] = lambda *values: None) -> Any:
        async with self._media_lock:
            return await self._media.run_guarded(task, self._settings.job_time_limit_seconds, progress)

    async def _recover(self) -> list[int]:
        """Put interrupted renders back in line (or give up on them); the queued job ids, oldest first."""
        async with self._db.transaction() as session:
            running = await Jobs(session).running()
        for job in running:
            await self._jobs.give_up_or_hand_back(job)
        async with self._db.transaction() as session:
            return await Jobs(session).queued_ids()

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

    async def _run(self, process: WorkerProcess, job_id: int) -> None:
        async with self._db.transaction() as session:
            job = await Jobs(session).claim(job_id)
        if job is None:
            return  # cancelled or forgotten while it waited
        await self._jobs.started(job)
        if job.photo_path is None or not Path(job.photo_path).is_file():
            await self._jobs.fail(job, PHOTO_GONE)
            return
        output = self._jobs.output_path(job_id)
        request = RenderRequest(Path(job.photo_path), job.template_slug, output,
                                face=face_location(job.face))
        limit = self._settings.job_time_limit_seconds
        try:
            await process.ready()  # another job on this process may be reviving it
            async with asyncio.timeout(limit):
                rendered = await process.run(Render(request), self._jobs.progress_reporter(job_id))
        except TimeoutError:
            log.warning("job %s: stopped after %g s (MEMEBOT_JOB_TIME_LIMIT_SECONDS)", job_id, limit)
            await process.kill()
            await self._jobs.fail(job, TIMED_OUT, output)
            await process.revive()
        except WorkerCrashed as crash:
            log.error("job %s: %s", job_id, crash)
            await self._jobs.fail(job, CRASHED, output)
            await process.revive()
        except TaskRejected as rejection:
            await self._jobs.fail(job, str(rejection), output)
        except TaskBroke as broken:
            log.error("job %s failed:\n%s", job_id, broken)
            await self._jobs.fail(job, BROKE, output)
        except asyncio.CancelledError:
            # Shutdown ran out of grace: the render restarts from scratch on the next start.
            await process.kill()
            async with self._db.transaction() as session:
                await Jobs(session).hand_back(job_id)
            joblog.handed_back(job_id, job.attempts, "memebot is shutting down; the next start renders it again")
            raise
        else:
            await self._jobs.finish(job, rendered.output, frames=rendered.frames, seconds=rendered.seconds)

