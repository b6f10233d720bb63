"""The cluster's wiring on Redis, shared by the bot and `memebot worker`: the taskiq broker, and the keys and channel
that carry media, results and events. Redis only carries; the database stays the truth."""
from __future__ import annotations

import hashlib
import io
import shutil
import tarfile
import uuid
from pathlib import Path
from typing import Any

from taskiq import AsyncBroker, AsyncTaskiqTask
from taskiq.kicker import AsyncKicker
from taskiq_redis import RedisAsyncResultBackend, RedisStreamBroker

RENDER_STREAM = "memebot:renders"
MEDIA_STREAM = "memebot:media"
EVENTS_CHANNEL = "memebot:events"
# Set by the bot; gone means Redis restarted empty, so the bot re-submits what the database says is pending.
EPOCH_KEY = "memebot:epoch"
RENDER_TASK = "memebot.render"
INSPECT_TASK = "memebot.inspect"
INGEST_TASK = "memebot.ingest"
SHRINK_TASK = "memebot.shrink"
# Per-job media expires by itself if nobody deletes it; longer than any job waits in a sane queue.
MEDIA_TTL_SECONDS = 24 * 3600
RESULT_TTL_SECONDS = 3600
# Redis hands an unacknowledged message to another worker after this long, so it must outlast the longest task.
IDLE_MARGIN_SECONDS = 60.0
# Acknowledged messages are trimmed beyond this many, so the stream does not grow for ever.
STREAM_MAX_LENGTH = 10_000
# Template bundles leave out what workers compute for themselves.
BUNDLE_EXCLUDES = ("keypoints",)


def stored_bytes(value: bytes | str | None) -> bytes | None:
    """A value read back from Redis, typed bytes | str by redis-py: bytes, as no client here decodes responses."""
    assert not isinstance(value, str), "the Redis clients are made without decode_responses"
    return value


def make_broker(url: str, stream: str, task_time_limit: float, consumer: str | None = None) -> AsyncBroker:
    """A Redis Streams broker on `stream`, with acknowledged delivery and a result backend for media tasks."""
    return RedisStreamBroker(
        url,
        queue_name=stream,
        consumer_group_name="memebot-workers",
        consumer_name=consumer,
        consumer_id="0",  # a group made after messages were added still gets them
        idle_timeout=int((task_time_limit + IDLE_MARGIN_SECONDS) * 1000),
        xread_count=1,  # take one message at a time, so a busy worker never sits on others' jobs
        unacknowledged_batch_size=1,
        unacknowledged_lock_timeout=30.0,
        maxlen=STREAM_MAX_LENGTH,
    ).with_result_backend(RedisAsyncResultBackend(url, result_ex_time=RESULT_TTL_SECONDS))


async def kick(broker: AsyncBroker, task_name: str, **arguments: Any) -> AsyncTaskiqTask[Any]:
    """Send a task by name (the bot does not import the workers' code)."""
    return await AsyncKicker(task_name=task_name, broker=broker, labels={}).kiq(**arguments)


async def kick_render(broker: AsyncBroker, job_id: int, template: str, bundle: str | None,
                      face: list[float] | None) -> None:
    """Ask for a render of the queued job (its photo must be at `photo_key(job_id)`)."""
    await kick(broker, RENDER_TASK, job_id=job_id, template=template, bundle=bundle, face=face)


def photo_key(job_or_name: int | str) -> str:
    """Where a photo waits for its worker."""
    return f"memebot:photo:{job_or_name}"


def media_key(name: str) -> str:
    """Where other media (clips, videos to shrink, shrunk copies) travel."""
    return f"memebot:media:{name}"


def bundle_key(digest: str) -> str:
    """Where a template bundle is, by the SHA-256 of its bytes."""
    return f"memebot:bundle:{digest}"


def result_key(job_id: int, attempt: int) -> str:
    """Where a render attempt's outcome is (JSON)."""
    return f"memebot:result:{job_id}:{attempt}"


def output_key(job_id: int, attempt: int) -> str:
    """Where a render attempt's video is."""
    return f"memebot:output:{job_id}:{attempt}"


def pack_template(folder: Path) -> tuple[str, bytes]:
    """A template folder as a reproducible tar (same files, same bytes) and its SHA-256."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if not path.is_file() or relative.parts[0] in BUNDLE_EXCLUDES or relative.name.startswith("."):
                continue
            info = tarfile.TarInfo(relative.as_posix())
            info.size = path.stat().st_size
            info.mode = 0o644
            with path.open("rb") as file:
                tar.addfile(info, file)
    data = buffer.getvalue()
    return hashlib.sha256(data).hexdigest(), data


def unpack_template(data: bytes, digest: str, destination: Path) -> None:
    """Check a bundle against its digest and unpack it into `destination` in one rename (readers never see half)."""
    if hashlib.sha256(data).hexdigest() != digest:
        raise ValueError(f"template bundle {digest[:12]} does not match its digest")
    destination.parent.mkdir(parents=True, exist_ok=True)
    work = destination.parent / f".{destination.name}.unpacking-{uuid.uuid4().hex[:12]}"
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(work, filter="data")  # regular files inside `work` only
    try:
        work.rename(destination)
    except OSError:
        if not destination.is_dir():
            raise
        shutil.rmtree(work, ignore_errors=True)  # another task unpacked the same bundle first
