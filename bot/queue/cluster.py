"""The cluster's queue, in the bot: jobs go to `memebot worker`s through taskiq's Redis Streams broker.

The database is the truth and Redis only carries. The bot uploads each job's photo and kicks a render message; a
worker claims the job row, renders, and leaves the outcome (and the video) in Redis; the bot records it. A watchdog
recovers whatever was lost: it re-submits every waiting job when Redis comes back empty (or a kick failed), hands a
job whose worker went silent to another worker, and collects outcomes whose event it missed (e.g. while it was down).
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shutil
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from bot.config import Settings
from bot.queue import broker as wiring
from bot.queue.events import JobEvent, Progress
from bot.queue.lifecycle import PHOTO_GONE, JobLifecycle
from bot.store.database import Database
from bot.store.jobs import Jobs
from bot.store.models import ACTIVE_STATES, Job, JobState, Template, utcnow
from bot.worker.process import WorkerFailed
from bot.worker.tasks import Ingested, IngestTemplate
from inference.api import InputError, PhotoInfo, read_template
from inference.backends import choose_backend
from inference.templates.folders import TemplateExists, move_aside

log = logging.getLogger(__name__)

WATCHDOG_INTERVAL_SECONDS = 2.0
NO_WORKER_ANSWERED = "No render worker answered in time; please try again in a few minutes."


class ClusterRenderQueue:
    """Implements RenderQueue on the cluster's broker; starts no render processes of its own."""

    def __init__(self, db: Database, settings: Settings) -> None:
        assert settings.broker_url, "the cluster queue needs MEMEBOT_BROKER_URL"
        self._db = db
        self._settings = settings
        self._jobs = JobLifecycle(db, settings)
        self._backend = choose_backend(settings.backend, settings.checkpoint)
        self._redis = Redis.from_url(settings.broker_url)
        limit = settings.job_time_limit_seconds
        self._renders = wiring.make_broker(settings.broker_url, wiring.RENDER_STREAM, limit)
        self._media = wiring.make_broker(settings.broker_url, wiring.MEDIA_STREAM, limit)
        self._bundles: dict[str, str] = {}  # template slug -> bundle digest
        self._epoch = uuid.uuid4().hex
        self._resubmit = True  # the first watchdog round submits everything waiting
        self._tasks: list[asyncio.Task[None]] = []
        self._collecting: set[tuple[int, int]] = set()

    @property
    def backend(self) -> str:
        return self._backend

    async def start(self) -> None:
        """Connect to the broker, publish the templates, and start the event listener and the watchdog."""
        self._settings.outputs_dir.mkdir(parents=True, exist_ok=True)
        await self._renders.startup()
        await self._media.startup()
        await self._redis.set(wiring.EPOCH_KEY, self._epoch, nx=True)
        self._tasks = [
            asyncio.create_task(self._listen(), name="memebot-cluster-events"),
            asyncio.create_task(self._watch(), name="memebot-cluster-watchdog"),
        ]

    async def stop(self, grace: float | None = None) -> None:
        """Stop listening; running renders go on in their workers and are collected after the next start."""
        if self._jobs.stopped:
            return
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._jobs.close()
        for broker in (self._renders, self._media):
            await broker.shutdown()
        await self._redis.aclose()

    async def submit(self, job_id: int) -> None:
        """Upload the job's photo and kick its render; if Redis is away, the watchdog submits it later."""
        async with self._db.transaction() as session:
            job = await Jobs(session).get(job_id)
        if job is not None:
            await self._submit(job)

    async def cancel(self, job_id: int) -> bool:
        """Cancel a job that has not started (a worker's late claim then fails)."""
        cancelled = await self._jobs.cancel(job_id)
        if cancelled:
            with contextlib.suppress(Exception):
                await self._redis.delete(wiring.photo_key(job_id))
        return cancelled

    def subscribe(self, job_id: int) -> AsyncIterator[JobEvent]:
        return self._jobs.subscribe(job_id)

    async def inspect_photo(self, photo: Path) -> PhotoInfo:
        """Have a worker find the face."""
        key = wiring.photo_key(photo.name)
        await self._redis.set(key, photo.read_bytes(), ex=wiring.MEDIA_TTL_SECONDS)
        try:
            outcome = await self._media_task(wiring.INSPECT_TASK, photo=key, suffix=photo.suffix)
        finally:
            await self._redis.delete(key)
        info = outcome["info"]
        return PhotoInfo(info["width"], info["height"], tuple(info["face"]), tuple(info["face_sides"]))

    async def add_template(self, ingest: IngestTemplate, progress: Callable[[str, float], None]) -> Ingested:
        """Have a worker ingest the clip into a bundle every worker can fetch; keep a copy for listings."""
        async with self._db.transaction() as session:
            if not ingest.replace and await session.get(Template, ingest.slug) is not None:
                raise TemplateExists(ingest.slug)
        clip = wiring.media_key(f"clip-{uuid.uuid4().hex}")
        channel = f"memebot:progress:{uuid.uuid4().hex}"
        await self._redis.set(clip, ingest.clip.read_bytes(), ex=wiring.MEDIA_TTL_SECONDS)
        listener = asyncio.create_task(self._relay_progress(channel, progress))
        try:
            outcome = await self._media_task(
                wiring.INGEST_TASK, clip=clip, suffix=ingest.clip.suffix.lower(), slug=ingest.slug, title=ingest.title,
                start=ingest.start, end=ingest.end, added_by=ingest.added_by, progress=channel,
            )
        finally:
            listener.cancel()
            await self._redis.delete(clip)
        digest = outcome["bundle"]
        data = wiring.stored_bytes(await self._redis.get(wiring.bundle_key(digest)))
        if data is None:
            raise WorkerFailed("The new template was lost on the way; please send the clip again.")
        assert self._settings.templates_dir is not None, "Settings fills it in from the data dir"
        folder = await asyncio.to_thread(_install_bundle, data, digest, self._settings.templates_dir, ingest.slug)
        self._bundles[ingest.slug] = digest
        return Ingested(read_template(folder), tuple(outcome["warnings"]))

    async def fit_to_upload(self, video: Path, max_bytes: int, scratch: Path) -> Path | None:
        """Have a worker shrink the video, if it must be."""
        if video.stat().st_size <= max_bytes:
            return video
        key = wiring.media_key(f"video-{uuid.uuid4().hex}")
        await self._redis.set(key, video.read_bytes(), ex=wiring.MEDIA_TTL_SECONDS)
        try:
            outcome = await self._media_task(wiring.SHRINK_TASK, video=key, max_bytes=max_bytes)
        finally:
            await self._redis.delete(key)
        if outcome["output"] is None:
            return None
        data = wiring.stored_bytes(await self._redis.getdel(outcome["output"]))
        if data is None:
            raise WorkerFailed("The smaller copy was lost on the way.")
        scratch.mkdir(parents=True, exist_ok=True)
        shrunk = scratch / f"shrunk-{uuid.uuid4().hex}.mp4"
        shrunk.write_bytes(data)
        return shrunk

    # Media tasks ----------------------------------------------------------------------------------------------

    async def _media_task(self, task_name: str, **arguments: Any) -> dict[str, Any]:
        """Kick a media task and wait for its outcome: InputError for a refusal, WorkerFailed for anything else."""
        kicked = await wiring.kick(self._media, task_name, **arguments)
        try:
            result = await kicked.wait_result(check_interval=0.1, timeout=self._settings.job_time_limit_seconds)
        except Exception:  # taskiq's TaskiqResultTimeoutError, or Redis went away
            log.warning("%s: no worker answered", task_name, exc_info=True)
            raise WorkerFailed(NO_WORKER_ANSWERED) from None
        if result.is_err:
            log.error("%s failed in the worker: %s", task_name, result.error)
            raise WorkerFailed("That file could not be processed; please send another one.")
        outcome = result.return_value
        if "rejected" in outcome:
            raise InputError(outcome["rejected"])
        if "failed" in outcome:
            raise WorkerFailed(outcome["failed"])
        return outcome

    async def _relay_progress(self, channel: str, progress: Callable[[str, float], None]) -> None:
        async with self._redis.pubsub() as pubsub:
            await pubsub.subscribe(channel)
            async for message in pubsub.listen():
                if message["type"] == "message":
                    update = json.loads(message["data"])
                    progress(update["stage"], update["fraction"])

    # Renders --------------------------------------------------------------------------------------------------

    async def _submit(self, job: Job) -> None:
        if job.photo_path is None or not Path(job.photo_path).is_file():
            await self._jobs.fail(job, PHOTO_GONE)
            return
        try:
            bundle = await self._bundle(job.template_slug)
            await self._redis.set(wiring.photo_key(job.id), Path(job.photo_path).read_bytes(),
                                  ex=wiring.MEDIA_TTL_SECONDS)
            await wiring.kick_render(self._renders, job.id, job.template_slug, bundle, job.face)
        except Exception:
            log.warning("job %s: could not reach the broker; it is submitted again when it is back", job.id,
                        exc_info=True)
            self._resubmit = True

    async def _bundle(self, slug: str) -> str | None:
        """The digest of the template's bundle, uploaded to Redis if it is not there (None: no such folder here)."""
        async with self._db.transaction() as session:
            template = await session.get(Template, slug)
        if template is None or not Path(template.path).is_dir():
            return None
        digest = self._bundles.get(slug)
        if digest is None or not await self._redis.exists(wiring.bundle_key(digest)):
            packed, data = await asyncio.to_thread(wiring.pack_template, Path(template.path))
            await self._redis.set(wiring.bundle_key(packed), data, nx=True)
            self._bundles[slug] = digest = packed
        return digest

    async def _listen(self) -> None:
        """Turn the workers' events into the jobs' events, reconnecting whenever Redis goes away."""
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(wiring.EVENTS_CHANNEL)
                    async for message in pubsub.listen():
                        if message["type"] == "message":
                            await self._on_event(json.loads(message["data"]))
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("lost the cluster's events (%s); listening again", error)
                await asyncio.sleep(WATCHDOG_INTERVAL_SECONDS)

    async def _on_event(self, event: dict[str, Any]) -> None:
        job_id, attempt = event["job"], event["attempt"]
        match event["kind"]:
            case "started":
                async with self._db.transaction() as session:
                    job = await Jobs(session).get(job_id)
                if job is not None:
                    await self._jobs.started(job)
            case "progress":
                self._jobs.subscriptions.publish(Progress(job_id, event["done"], event["total"], event["eta"]))
            case "result":
                await self._collect(job_id, attempt)

    async def _watch(self) -> None:
        """Every few seconds: re-submit after Redis lost everything, take jobs from silent workers, collect outcomes."""
        while True:
            try:
                await self._watch_once()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("cluster watchdog: %s; trying again", error)
            await asyncio.sleep(WATCHDOG_INTERVAL_SECONDS)

    async def _watch_once(self) -> None:
        if await self._redis.set(wiring.EPOCH_KEY, self._epoch, nx=True):
            if not self._resubmit:
                log.warning("Redis came back empty: submitting every waiting job again")
            self._resubmit = True
            self._bundles.clear()
        if self._resubmit:
            self._resubmit = False
            async with self._db.transaction() as session:
                queued = [await Jobs(session).get(job_id) for job_id in await Jobs(session).queued_ids()]
            for job in queued:
                assert job is not None, "queued_ids and get ran in one transaction"
                await self._submit(job)
        silent_since = utcnow() - timedelta(seconds=self._settings.worker_timeout_seconds)
        async with self._db.transaction() as session:
            running = await Jobs(session).running()
        for job in running:
            if await self._redis.exists(wiring.result_key(job.id, job.attempts)):
                await self._collect(job.id, job.attempts)
            elif job.heartbeat_at is not None and job.heartbeat_at < silent_since:
                log.warning("job %s: worker %s went silent; handing the job to another", job.id, job.worker)
                await self._retry(job)

    async def _retry(self, job: Job) -> None:
        if await self._jobs.give_up_or_hand_back(job):
            async with self._db.transaction() as session:
                handed_back = await Jobs(session).get(job.id)
                assert handed_back is not None, "a job handed back is queued again, not deleted"
                await self._submit(handed_back)

    async def _collect(self, job_id: int, attempt: int) -> None:
        """Record a render attempt's outcome, once, if it is still the job's current attempt."""
        if (job_id, attempt) in self._collecting:
            return
        self._collecting.add((job_id, attempt))
        try:
            raw = await self._redis.get(wiring.result_key(job_id, attempt))
            async with self._db.transaction() as session:
                job = await Jobs(session).get(job_id)
            if raw is None or job is None or job.state != JobState.RUNNING or job.attempts != attempt:
                return
            outcome = json.loads(raw)
            match outcome["kind"]:
                case "done":
                    await self._store_video(job, attempt, outcome.get("frames", 0), outcome.get("seconds", 0.0))
                case "rejected":
                    await self._jobs.fail(job, outcome["message"], attempt=attempt)
                case "failed":
                    await self._jobs.fail(job, outcome["reason"], attempt=attempt)
                case _:  # "retry": the worker lacked the photo or the template; send them again
                    log.warning("job %s: %s; submitting it again", job_id, outcome.get("why"))
                    self._bundles.pop(job.template_slug, None)
                    await self._retry(job)
            async with self._db.transaction() as session:
                ended = (after := await Jobs(session).get(job_id)) is None or after.state not in ACTIVE_STATES
            if ended:
                await self._redis.delete(wiring.photo_key(job_id))
            await self._redis.delete(wiring.result_key(job_id, attempt), wiring.output_key(job_id, attempt))
        finally:
            self._collecting.discard((job_id, attempt))

    async def _store_video(self, job: Job, attempt: int, frames: int, seconds: float) -> None:
        data = wiring.stored_bytes(await self._redis.get(wiring.output_key(job.id, attempt)))
        if data is None:  # Redis lost it: render again
            await self._retry(job)
            return
        output = self._jobs.output_path(job.id)
        partial = output.with_suffix(".part")
        await asyncio.to_thread(partial.write_bytes, data)
        partial.replace(output)
        await self._jobs.finish(job, output, attempt, frames=frames, seconds=seconds)


def _install_bundle(data: bytes, digest: str, templates_dir: Path, slug: str) -> Path:
    """Unpack a new template's bundle as `templates_dir/slug`, replacing one of the same name in one step."""
    destination = templates_dir / slug
    staged = templates_dir / f".{slug}.building-{uuid.uuid4().hex[:12]}"
    wiring.unpack_template(data, digest, staged)
    aside = move_aside(destination, slug) if destination.exists() else None
    staged.rename(destination)
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
    return destination
