"""Render queue throughput and latency: the local queue against a Redis cluster of `memebot worker` processes.

Run `python -m bench.cluster [--jobs N]`. Both shapes use the weight-free landmark animator, so the figures are
the queue's and the pipeline's (inspection, render, encoding, transfers), not a model's. For each shape a batch of
N jobs is submitted at once from distinct users, each with a different photo (the render cache reuses a video only
for the very same photo bytes). The broker overhead is the cluster's single-job latency (one job alone, idle
workers) minus the local queue's, the median of a few single jobs each, measured in the same run.

Needs a Redis server on 127.0.0.1:6379 (database 12 is flushed) and, for the cluster's shared database,
PostgreSQL on 127.0.0.1:5432 (a fresh database is created and dropped; a shared SQLite file is used instead when
PostgreSQL cannot be reached).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from bot.config import Settings
from bot.queue import Failed, Finished
from bot.service import ChatRef, MemeService, UserRef
from bot.service.renders import QueuedRender
from inference.templates.library import SHIPPED_TEMPLATES_DIR

REPO = Path(__file__).resolve().parents[1]
DEMO_PHOTO = SHIPPED_TEMPLATES_DIR / "demo-singer.png"
TEMPLATE = "demo"
CHAT = ChatRef("telegram", "1")
BROKER_URL = "redis://127.0.0.1:6379/12"
POSTGRES_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"  # asyncpg's form of the URL below
POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/{database}"
SINGLES = 3  # single jobs per shape for the latency medians
READY_TIMEOUT_SECONDS = 120.0
JOB_TIMEOUT_SECONDS = 300.0
WORKER_STOP_SECONDS = 60.0


@dataclass
class Batch:
    """One shape's batch: how many jobs, how long they all took, and each one's end-to-end latency."""

    shape: str
    latencies: list[float]
    wall: float

    def row(self) -> str:
        jobs = len(self.latencies)
        return (f"{self.shape:<34} {jobs:>4} {self.wall:>8.2f} {jobs / self.wall * 60:>8.1f} "
                f"{statistics.mean(self.latencies):>9.2f} {max(self.latencies):>8.2f}")


class Photos:
    """A different copy of the demo photo for every job of the run: a few pixels encode its number."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        folder.mkdir(parents=True)
        self._base = Image.open(DEMO_PHOTO).convert("RGB")
        self._count = 0

    def fresh(self) -> tuple[int, Path]:
        """A new job number and a photo file of its own (the service moves it away)."""
        self._count += 1
        number = self._count
        image = self._base.copy()
        pixels = image.load()
        for x in range(3):  # the top-left corner, far from the face
            pixels[x, 0] = (number & 0xFF, (number >> 8) & 0xFF, (number >> 16) & 0xFF)
        path = self._folder / f"photo-{number}.png"
        image.save(path)
        return number, path


async def one_job(service: MemeService, photos: Photos) -> float:
    """Consent, then request one render and follow it to its outcome; the seconds from request to video."""
    number, photo = photos.fresh()
    user = UserRef("telegram", str(number))
    await service.consent.accept(user)
    return await timed_job(service, user, photo)


async def timed_job(service: MemeService, user: UserRef, photo: Path) -> float:
    started = time.perf_counter()
    outcome = await service.renders.request(user, CHAT, TEMPLATE, photo)
    if not isinstance(outcome, QueuedRender):
        raise RuntimeError(f"expected a queued render, got {outcome!r} (the render cache reused a video?)")
    async with asyncio.timeout(JOB_TIMEOUT_SECONDS):
        async for event in service.queue.subscribe(outcome.job_id):
            if isinstance(event, Finished):
                return time.perf_counter() - started
            if isinstance(event, Failed):
                raise RuntimeError(f"job {outcome.job_id} failed: {event.reason}")
    raise RuntimeError(f"job {outcome.job_id} ended without an outcome")


async def batch(service: MemeService, photos: Photos, shape: str, jobs: int) -> Batch:
    """Submit `jobs` renders at once from distinct users (consent given beforehand, outside the timing)."""
    prepared = []
    for _ in range(jobs):
        number, photo = photos.fresh()
        user = UserRef("telegram", str(number))
        await service.consent.accept(user)
        prepared.append((user, photo))
    started = time.perf_counter()
    latencies = await asyncio.gather(*(timed_job(service, user, photo) for user, photo in prepared))
    return Batch(shape, list(latencies), time.perf_counter() - started)


async def singles(service: MemeService, photos: Photos) -> list[float]:
    """SINGLES jobs one after another, each alone in an idle queue."""
    return [await one_job(service, photos) for _ in range(SINGLES)]


def local_settings(folder: Path, render_workers: int) -> Settings:
    return Settings(data_dir=folder, database_url=f"sqlite+aiosqlite:///{folder}/memebot.db", backend="landmarks",
                    render_workers=render_workers, max_jobs_in_flight=1000, user_daily_quota=0, chat_daily_quota=0)


# The cluster's pieces ---------------------------------------------------------------------------------------------

async def flush_broker() -> None:
    from redis.asyncio import Redis

    redis = Redis.from_url(BROKER_URL)
    try:
        await redis.flushdb()
    finally:
        await redis.aclose()


@contextlib.asynccontextmanager
async def shared_database(folder: Path) -> AsyncIterator[tuple[str, str]]:
    """A database the bot and the workers share, and a description: a fresh PostgreSQL database, or SQLite."""
    try:
        import asyncpg

        admin = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
    except Exception as error:  # not installed, not running, not allowed
        print(f"note: PostgreSQL unreachable ({type(error).__name__}: {error}); the cluster shares a SQLite file")
        yield f"sqlite+aiosqlite:///{folder}/shared.db", "shared SQLite file"
        return
    name = f"memebot_bench_{uuid.uuid4().hex}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield POSTGRES_URL.format(database=name), f"PostgreSQL database {name}"
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


class Workers:
    """`memebot worker` subprocesses, each with its own data folder and one render process."""

    def __init__(self, folder: Path, database_url: str) -> None:
        self._folder = folder
        self._database_url = database_url
        self.processes: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self) -> str:
        index = len(self.processes)
        name = f"bench-w{index}"
        data = self._folder / name
        data.mkdir(parents=True)
        env = {key: value for key, value in os.environ.items() if not key.startswith("MEMEBOT_")}
        env.update(MEMEBOT_BROKER_URL=BROKER_URL, MEMEBOT_DATABASE_URL=self._database_url,
                   MEMEBOT_DATA_DIR=str(data), MEMEBOT_BACKEND="landmarks", MEMEBOT_WORKER_NAME=name,
                   MEMEBOT_RENDER_WORKERS="1")
        errors = (data / "stderr.log").open("wb")
        process = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], env=env, cwd=REPO,
                                   stdout=errors, stderr=subprocess.STDOUT)
        errors.close()
        self.processes.append((name, process, data))
        return name

    def check_alive(self) -> None:
        for name, process, data in self.processes:
            if process.poll() is not None:
                tail = (data / "stderr.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"worker {name} exited with {process.returncode}:\n{tail}")

    def rendered(self, name: str) -> bool:
        """Whether the worker has rendered (it fetched the template's bundle)."""
        data = next(data for worker, _, data in self.processes if worker == name)
        cache = data / "template-cache"
        return cache.is_dir() and any(cache.iterdir())

    def stop(self) -> None:
        for _, process, _ in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name, process, _ in self.processes:
            try:
                process.wait(WORKER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                print(f"note: worker {name} ignored SIGTERM for {WORKER_STOP_SECONDS:.0f} s; killed")
                process.kill()
                process.wait()
        self.processes.clear()


async def warm_up(service: MemeService, photos: Photos, workers: Workers) -> None:
    """Renders (as many at once as there are workers) until every worker has done one: then all are listening,
    have their render process up and the template's bundle fetched. A worker that exits stops the wait."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    names = [name for name, _, _ in workers.processes]
    while not all(workers.rendered(name) for name in names):
        if time.monotonic() > deadline:
            raise RuntimeError(f"not every worker of {names} took a warm-up job within {READY_TIMEOUT_SECONDS:.0f} s")
        round_ = asyncio.ensure_future(asyncio.gather(*(one_job(service, photos) for _ in names)))
        try:
            while not round_.done():
                workers.check_alive()
                await asyncio.wait([round_], timeout=0.5)
        finally:
            round_.cancel()
        round_.result()


# The run ----------------------------------------------------------------------------------------------------------

async def run(jobs: int, root: Path) -> None:
    photos = Photos(root / "photos")
    results: list[Batch] = []

    for render_workers in (1, 2):
        async with MemeService.running(local_settings(root / f"local-{render_workers}", render_workers)) as service:
            await asyncio.gather(*(one_job(service, photos) for _ in range(render_workers)))  # warm up
            if render_workers == 1:
                local_single = await singles(service, photos)
            results.append(await batch(service, photos, f"local queue, {render_workers} render worker(s)", jobs))

    await flush_broker()
    async with shared_database(root) as (database_url, database):
        settings = Settings(data_dir=root / "cluster-bot", database_url=database_url, backend="landmarks",
                            broker_url=BROKER_URL, render_workers=1, max_jobs_in_flight=1000,
                            user_daily_quota=0, chat_daily_quota=0)
        workers = Workers(root / "workers", database_url)
        try:
            async with MemeService.running(settings) as service:
                for count in (1, 2):
                    while len(workers.processes) < count:  # the first worker stays: it is warm already
                        workers.start()
                    await warm_up(service, photos, workers)
                    if count == 1:
                        cluster_single = await singles(service, photos)
                    results.append(await batch(service, photos, f"cluster, {count} worker process(es)", jobs))
                    workers.check_alive()
        finally:
            workers.stop()
    await flush_broker()

    print(f"memebot render queue, backend=landmarks, template {TEMPLATE!r}, {jobs} jobs per batch submitted at once")
    print(f"machine: {os.cpu_count()} CPU cores (2 workers may not be 2x on few cores); cluster database: {database}")
    print()
    print(f"{'shape':<34} {'jobs':>4} {'wall s':>8} {'jobs/min':>8} {'mean lat s':>9} {'max lat s':>8}")
    for result in results:
        print(result.row())
    print()
    local_median, cluster_median = statistics.median(local_single), statistics.median(cluster_single)
    print(f"single-job latency, median of {SINGLES} (idle): local queue {local_median * 1000:.0f} ms "
          f"({', '.join(f'{s * 1000:.0f}' for s in local_single)}), "
          f"cluster {cluster_median * 1000:.0f} ms ({', '.join(f'{s * 1000:.0f}' for s in cluster_single)})")
    print(f"broker overhead (cluster minus local, single job): {(cluster_median - local_median) * 1000:+.0f} ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=8, help="jobs per batch (default 8)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    root = Path(tempfile.mkdtemp(prefix="memebot-bench-cluster-"))
    try:
        asyncio.run(run(args.jobs, root))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
