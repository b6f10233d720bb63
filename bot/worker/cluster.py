"""`memebot worker`: takes tasks from the cluster's broker and runs each in a local worker process: N render
processes (each loads the model once) and one media process (photo checks, template ingest, shrinking videos).

Start as many as you like, on as many machines: each has its own data folder; media comes and goes through Redis.
The database is the truth: a job is claimed there with a conditional UPDATE (so a redelivered message is harmless)
and kept alive by a heartbeat; its outcome goes back to the bot through Redis, which records it.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import signal
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from redis.asyncio import Redis
from taskiq import AsyncBroker
from taskiq.receiver import Receiver

from bot import metrics
from bot.config import Settings
from bot.queue import broker as wiring
from bot.queue import joblog
from bot.queue.lifecycle import BROKE, CRASHED, TIMED_OUT
from bot.store.database import Database
from bot.store.jobs import Jobs
from bot.web import serving, worker_app
from bot.worker.process import TaskBroke, TaskRejected, WorkerCrashed, WorkerFailed, WorkerProcess
from bot.worker.tasks import DEFAULT_FACTORY, IngestTemplate, InspectPhoto, Render, ShrinkVideo
from inference.api import InputError, RenderRequest, face_location

log = logging.getLogger(__name__)

# Progress is published at most this often per job; the chat adapters throttle further.
PROGRESS_INTERVAL_SECONDS = 0.5
# A receiver that lost Redis (down, or restarted without its consumer group), or a claim that could not reach the
# database, tries again after this pause.
RECONNECT_DELAY_SECONDS = 1.0


@dataclass
class Slot:
    """One local worker process and the broker stream it serves, `jobs` tasks at a time (several when FOMM batches)."""

    index: int
    stream: str
    process: WorkerProcess
    jobs: int = 1
    running: set[asyncio.Task[Any]] = field(default_factory=set)  # so a shutdown can cut them short
    finish: asyncio.Event = field(default_factory=asyncio.Event)


class WorkerNode:
    """Everything `memebot worker` runs in its own event loop."""

    def __init__(self, settings: Settings, *, factory: str = DEFAULT_FACTORY) -> None:
        assert settings.broker_url, "memebot worker needs MEMEBOT_BROKER_URL"
        self._broker_url = settings.broker_url
        self._settings = settings
        self.name = settings.worker_name or f"{socket.gethostname()}-{os.getpid()}"
        self._redis = Redis.from_url(settings.broker_url)
        self._db = Database(settings.database_url)
        self._work = settings.data_dir / "work"
        self._template_cache = settings.data_dir / "template-cache"
        options = settings.renderer_options()
        self._slots = [Slot(i, wiring.RENDER_STREAM, WorkerProcess(factory, options))
                       for i in range(settings.render_workers)]
        self._slots.append(Slot(len(self._slots), wiring.MEDIA_STREAM, WorkerProcess(None, options)))
        # For handing a render back to the queue on shutdown.
        self._renders = wiring.make_broker(settings.broker_url, wiring.RENDER_STREAM, settings.job_time_limit_seconds)

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until `stop` is set; then let running tasks finish within the grace time, and hand back the rest."""
        self._work.mkdir(parents=True, exist_ok=True)
        await self._renders.startup()
        try:
            try:
                async with asyncio.TaskGroup() as group:  # one failing to start stops the others
                    for slot in self._slots:
                        group.create_task(slot.process.start())
            except* WorkerCrashed as failures:  # e.g. an unreadable checkpoint: say why, once
                raise failures.exceptions[0] from None
            for slot in self._slots:
                if slot.stream == wiring.RENDER_STREAM and slot.process.backend is not None:
                    slot.jobs = self._settings.jobs_per_render_process(slot.process.backend)
            metrics.WORKERS_ALIVE.set_function(lambda: sum(slot.process.is_alive() for slot in self._slots
                                                            if slot.stream == wiring.RENDER_STREAM))
            serving = [asyncio.create_task(self._serve(slot), name=f"memebot-worker-{slot.index}")
                       for slot in self._slots]
            log.info("worker %s serving %d render processes (%s) and one media process", self.name,
                     self._settings.render_workers, self._slots[0].process.backend)
            await stop.wait()
            log.info("worker %s stopping: running tasks get %.0f s", self.name, self._settings.shutdown_grace_seconds)
            for slot in self._slots:
                slot.finish.set()
            _, unfinished = await asyncio.wait(serving, timeout=self._settings.shutdown_grace_seconds)
            for slot in self._slots:
                for task in slot.running:
                    task.cancel()  # a render hands its job back
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*serving, return_exceptions=True)
        finally:
            await asyncio.gather(*(slot.process.stop() for slot in self._slots), return_exceptions=True)
            await self._renders.shutdown()
            await self._redis.aclose()
            await self._db.close()

    async def _serve(self, slot: Slot) -> None:
        """Take this slot's tasks, `slot.jobs` at a time, starting again whenever Redis goes away and comes back."""
        while not slot.finish.is_set():
            broker = wiring.make_broker(self._broker_url, slot.stream, self._settings.job_time_limit_seconds,
                                        consumer=f"{self.name}-{slot.index}")
            self._register(broker, slot)
            receiver = Receiver(broker, max_async_tasks=slot.jobs, max_prefetch=0, run_startup=True,
                                wait_tasks_timeout=self._settings.shutdown_grace_seconds)
            try:
                await receiver.listen(slot.finish)
            except Exception as error:  # Redis down, or back without the consumer group: listen again
                log.warning("worker %s-%d lost the broker (%s); reconnecting", self.name, slot.index, error)
                await asyncio.sleep(RECONNECT_DELAY_SECONDS)
            finally:
                with contextlib.suppress(Exception):
                    await broker.shutdown()

    def _register(self, broker: AsyncBroker, slot: Slot) -> None:
        def tracked(handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
            async def run(**kwargs: Any) -> Any:
                task = asyncio.current_task()
                assert task is not None, "taskiq runs handlers in tasks"
                slot.running.add(task)
                try:
                    return await handler(slot, **kwargs)
                finally:
                    slot.running.discard(task)
            return run

        if slot.stream == wiring.RENDER_STREAM:
            broker.register_task(tracked(self._render), task_name=wiring.RENDER_TASK)
        else:
            broker.register_task(tracked(self._inspect), task_name=wiring.INSPECT_TASK)
            broker.register_task(tracked(self._ingest), task_name=wiring.INGEST_TASK)
            broker.register_task(tracked(self._shrink), task_name=wiring.SHRINK_TASK)

    # Renders --------------------------------------------------------------------------------------------------

    async def _render(self, slot: Slot, job_id: int, template: str, bundle: str | None = None,
                      face: list[float] | None = None) -> None:
        try:
            async with self._db.transaction() as session:
                job = await Jobs(session).claim(job_id, worker=self.name)
        except Exception:  # the database is away: put the message back rather than lose the job
            log.warning("job %s: could not claim it; asking again shortly", job_id, exc_info=True)
            await asyncio.sleep(RECONNECT_DELAY_SECONDS)
            await wiring.kick_render(self._renders, job_id, template, bundle, face)
            return
        if job is None:
            return  # a redelivered or repeated message: the job was taken, cancelled or ended already
        attempt = job.attempts
        joblog.started(job_id, attempt, self.name)
        await self._publish({"job": job_id, "attempt": attempt, "kind": "started"})
        photo = self._work / f"job-{job_id}-{attempt}.photo"
        output = self._work / f"job-{job_id}-{attempt}.mp4"
        heartbeat = asyncio.create_task(self._heartbeat(job_id, attempt, asyncio.current_task()))
        try:
            outcome = await self._render_attempt(slot, job_id, attempt, template, bundle, face, photo, output)
        except asyncio.CancelledError:
            if heartbeat.done() and heartbeat.result() is False:  # lost the job: it is another worker's now
                this_task = asyncio.current_task()
                assert this_task is not None, "a render runs in a task"
                this_task.uncancel()
                return
            await self._hand_back(job_id, attempt, template, bundle, face)  # a shutdown
            raise
        finally:
            heartbeat.cancel()
            photo.unlink(missing_ok=True)
            output.unlink(missing_ok=True)
        match outcome["kind"]:
            case "failed":
                joblog.failed(job_id, attempt, outcome["reason"])
            case "rejected":
                joblog.failed(job_id, attempt, outcome["message"])
        await self._redis.set(wiring.result_key(job_id, attempt), json.dumps(outcome), ex=wiring.MEDIA_TTL_SECONDS)
        await self._publish({"job": job_id, "attempt": attempt, "kind": "result"})

    async def _render_attempt(self, slot: Slot, job_id: int, attempt: int, template: str, bundle: str | None,
                              face: list[float] | None, photo: Path, output: Path) -> dict[str, Any]:
        """Fetch the photo and the template, render, upload the video; the outcome for the bot to record."""
        data = wiring.stored_bytes(await self._redis.get(wiring.photo_key(job_id)))
        if data is None:
            return {"kind": "retry", "why": "the photo was not in Redis"}
        photo.write_bytes(data)
        folder = await self._template_folder(bundle) if bundle else None
        if bundle and folder is None:
            return {"kind": "retry", "why": f"template bundle {bundle[:12]} was not in Redis"}
        request = RenderRequest(photo, template, output, face=face_location(face), template_folder=folder)
        limit = self._settings.job_time_limit_seconds
        try:
            await slot.process.ready()  # another job on this process may be reviving it
            async with asyncio.timeout(limit):
                rendered = await slot.process.run(Render(request), self._progress_publisher(job_id, attempt))
        except TimeoutError:
            log.warning("job %s: stopped after %g s (MEMEBOT_JOB_TIME_LIMIT_SECONDS)", job_id, limit)
            await slot.process.kill()  # the render is still running in there (with any others it shares it with)
            await slot.process.revive()
            return {"kind": "failed", "reason": TIMED_OUT}
        except WorkerCrashed as crash:
            log.error("job %s: %s", job_id, crash)
            await slot.process.revive()
            return {"kind": "failed", "reason": CRASHED}
        except TaskRejected as rejection:
            return {"kind": "rejected", "message": str(rejection)}
        except TaskBroke as broken:
            log.error("job %s failed:\n%s", job_id, broken)
            return {"kind": "failed", "reason": BROKE}
        except asyncio.CancelledError:
            await slot.process.kill()  # the render may still be running in there
            await slot.process.revive()
            raise
        video = output.read_bytes()
        await self._redis.set(wiring.output_key(job_id, attempt), video, ex=wiring.MEDIA_TTL_SECONDS)
        joblog.finished(job_id, attempt, rendered.frames, rendered.seconds, len(video))
        metrics.rendered(rendered.backend, rendered.frames, rendered.seconds)  # this worker's /metrics
        return {"kind": "done", "frames": rendered.frames, "seconds": rendered.seconds}

    async def _heartbeat(self, job_id: int, attempt: int, render: asyncio.Task[Any] | None) -> bool:
        """Keep the job ours while it renders; if it was handed on (we were silent too long), stop the render."""
        interval = self._settings.worker_timeout_seconds / 5
        while True:
            await asyncio.sleep(interval)
            try:
                async with self._db.transaction() as session:
                    alive = await Jobs(session).heartbeat(job_id, attempt)
            except Exception:
                log.warning("job %s: heartbeat failed; trying again", job_id, exc_info=True)
                continue
            if not alive:
                log.warning("job %s attempt %d is no longer ours (cancelled, or handed to another worker)",
                            job_id, attempt)
                if render is not None:
                    render.cancel()
                return False

    async def _hand_back(self, job_id: int, attempt: int, template: str, bundle: str | None,
                         face: list[float] | None) -> None:
        """Shutdown cut the render short: queue the job again, for another worker or the next start."""
        async with self._db.transaction() as session:
            handed_back = await Jobs(session).hand_back(job_id, attempt)
        if handed_back is not None:
            joblog.handed_back(job_id, attempt, "the worker is shutting down")
            await wiring.kick_render(self._renders, job_id, template, bundle, face)

    def _progress_publisher(self, job_id: int, attempt: int) -> Callable[[int, int], None]:
        started = time.monotonic()
        last = 0.0

        def report(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last < PROGRESS_INTERVAL_SECONDS and done < total:
                return
            last = now
            eta = (now - started) / done * (total - done) if done else None
            event = {"job": job_id, "attempt": attempt, "kind": "progress", "done": done, "total": total, "eta": eta}
            asyncio.get_running_loop().create_task(self._publish(event))

        return report

    async def _publish(self, event: dict[str, Any]) -> None:
        try:
            await self._redis.publish(wiring.EVENTS_CHANNEL, json.dumps(event))
        except Exception:  # events are news, not truth: the bot reads the outcome from the result key
            log.warning("could not publish %s of job %s", event["kind"], event["job"], exc_info=True)

    async def _template_folder(self, digest: str) -> Path | None:
        """The template with this bundle digest, fetched from Redis once and kept; None if Redis has no such bundle."""
        folder = self._template_cache / digest
        if not folder.is_dir():
            data = wiring.stored_bytes(await self._redis.get(wiring.bundle_key(digest)))
            if data is None:
                return None
            await asyncio.to_thread(wiring.unpack_template, data, digest, folder)
        return folder

    # Media tasks ----------------------------------------------------------------------------------------------

    async def _inspect(self, slot: Slot, photo: str, suffix: str = "") -> dict[str, Any]:
        async def described(info: Any) -> dict[str, Any]:
            return {"info": asdict(info)}

        async with self._fetched(photo, suffix) as path:
            return await self._media_outcome(slot, InspectPhoto(path), described)

    async def _ingest(self, slot: Slot, clip: str, suffix: str, slug: str, title: str | None = None,
                      start: float | None = None, end: float | None = None, added_by: str = "",
                      progress: str = "") -> dict[str, Any]:
        scratch = self._work / f"ingest-{uuid.uuid4().hex}"

        def report(stage: str, fraction: float) -> None:
            message = json.dumps({"stage": stage, "fraction": fraction})
            # redis-py types publish as Awaitable; on the asyncio client it is a coroutine.
            asyncio.get_running_loop().create_task(self._redis.publish(progress, message))  # type: ignore[arg-type]

        async def bundled(ingested: Any) -> dict[str, Any]:
            digest, data = await asyncio.to_thread(wiring.pack_template, ingested.template.folder)
            await self._redis.set(wiring.bundle_key(digest), data)
            return {"bundle": digest, "warnings": list(ingested.warnings)}

        try:
            async with self._fetched(clip, suffix) as path:
                task = IngestTemplate(path, slug, title=title, start=start, end=end, added_by=added_by,
                                      templates_dir=scratch)
                return await self._media_outcome(slot, task, bundled, report)
        finally:
            await asyncio.to_thread(shutil.rmtree, scratch, True)

    async def _shrink(self, slot: Slot, video: str, max_bytes: int) -> dict[str, Any]:
        async with self._fetched(video, ".mp4") as path:

            async def uploaded(shrunk: Path | None) -> dict[str, Any]:
                if shrunk is None:
                    return {"output": None}
                key = wiring.media_key(f"shrunk-{uuid.uuid4().hex}")
                await self._redis.set(key, shrunk.read_bytes(), ex=wiring.RESULT_TTL_SECONDS)
                shrunk.unlink(missing_ok=True)
                return {"output": key}

            return await self._media_outcome(slot, ShrinkVideo(path, max_bytes, self._work), uploaded)

    async def _media_outcome(self, slot: Slot, task: Any, on_result: Callable[[Any], Awaitable[dict[str, Any]]],
                             progress: Callable[..., None] = lambda *values: None) -> dict[str, Any]:
        try:
            result = await slot.process.run_guarded(task, self._settings.job_time_limit_seconds, progress)
        except InputError as error:
            return {"rejected": str(error)}
        except WorkerFailed as error:
            return {"failed": str(error)}
        return await on_result(result)

    @contextlib.asynccontextmanager
    async def _fetched(self, key: str, suffix: str):
        """The media at `key` as a local file for the task's duration (the suffix tells readers its type)."""
        data = wiring.stored_bytes(await self._redis.get(key))
        if data is None:
            raise WorkerFailed("The file was no longer there; please send it again.")
        path = self._work / f"media-{uuid.uuid4().hex}{suffix}"
        path.write_bytes(data)
        try:
            yield path
        finally:
            path.unlink(missing_ok=True)



async def serve_worker(settings: Settings, *, factory: str = DEFAULT_FACTORY) -> None:
    """`memebot worker`: serve until SIGTERM or SIGINT, then finish or hand back what is running."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with contextlib.AsyncExitStack() as page:
            if settings.http_port:  # the worker's own /healthz and /metrics
                await page.enter_async_context(serving(settings, worker_app(settings)))
            await WorkerNode(settings, factory=factory).run(stop)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
