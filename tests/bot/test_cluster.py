"""The cluster, against real servers: the bot (`memebot run`) and `memebot worker`s as separate processes, each with
its own data folder, sharing PostgreSQL and Redis, driven through the fake Telegram Bot API. Nothing is lost or
delivered twice when a worker or the bot is killed mid-render, or when Redis restarts empty."""
from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.store.database import Database
from bot.store.models import Job, JobState, QuotaUsage
from inference.video import probe
from synth.demo import write_driving_clip
from tests.bot.adapters.telegram.conftest import fresh_face_png
from tests.bot.adapters.telegram.fake_bot_api import TOKEN, FakeBotApi, Person
from tests.servers import unavailable

ADMIN_ID = 7
# Workers heartbeat every fifth of this; silent this long, their job goes to another worker.
WORKER_TIMEOUT_SECONDS = 8.0  # long enough that a loaded machine never passes for a dead worker
ACCEPT = "✅ I accept"


class Cluster:
    """A bot and workers as child processes of the test, and the fake Bot API they talk to."""

    def __init__(self, root: Path, api: FakeBotApi, database_url: str, broker_url: str) -> None:
        self.root = root
        self.api = api
        self.database_url = database_url
        self.broker_url = broker_url
        self.db = Database(database_url)
        self.bot: subprocess.Popen | None = None
        self.workers: dict[str, subprocess.Popen] = {}

    def _env(self, data: str, **extra: str) -> dict[str, str]:
        return {**os.environ, "MEMEBOT_DATA_DIR": str(self.root / data), "MEMEBOT_DATABASE_URL": self.database_url,
                "MEMEBOT_BROKER_URL": self.broker_url, "MEMEBOT_BACKEND": "landmarks",
                "MEMEBOT_WORKER_TIMEOUT_SECONDS": str(WORKER_TIMEOUT_SECONDS), "MEMEBOT_SHUTDOWN_GRACE_SECONDS": "2",
                "MEMEBOT_PHOTO_KEEP_MINUTES": "0", **extra}  # photos go with their render

    def start_bot(self) -> None:
        env = self._env("bot", MEMEBOT_TELEGRAM_TOKEN=TOKEN, MEMEBOT_TELEGRAM_API_URL=self.api.url,
                        MEMEBOT_TELEGRAM_FILE_URL=self.api.file_url, MEMEBOT_ADMINS=f"telegram:{ADMIN_ID}")
        self.bot = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], env=env)

    def start_worker(self, name: str) -> None:
        env = self._env(f"worker-{name}", MEMEBOT_WORKER_NAME=name)
        self.workers[name] = subprocess.Popen([sys.executable, "-m", "tests.bot.cluster_worker"], env=env)

    def start(self, *workers: str) -> None:
        """Workers first, so the bot's first renders find them."""
        for name in workers:
            self.start_worker(name)
        self.start_bot()

    async def kill(self, process: subprocess.Popen) -> None:
        process.kill()
        await asyncio.to_thread(process.wait)

    async def stop(self) -> None:
        for process in [self.bot, *self.workers.values()]:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in [self.bot, *self.workers.values()]:
            if process is not None:
                try:
                    await asyncio.to_thread(process.wait, 30)
                except subprocess.TimeoutExpired:
                    process.kill()
        await self.db.close()

    async def jobs(self) -> list[Job]:
        async with self.db.transaction() as session:
            return list(await session.scalars(select(Job).order_by(Job.id)))

    async def until(self, condition, timeout: float = 150.0):
        """Poll the database until `condition(jobs)` is true; its value."""
        async with asyncio.timeout(timeout):
            while True:
                try:
                    if value := condition(await self.jobs()):
                        return value
                except Exception:  # the bot may not have migrated the database yet
                    pass
                await asyncio.sleep(0.2)

    async def running_job(self) -> Job:
        return await self.until(lambda jobs: next((j for j in jobs if j.state == JobState.RUNNING and j.worker), None))

    async def all_delivered(self, count: int) -> list[Job]:
        return await self.until(lambda jobs: len(jobs) == count and all(j.delivered_at for j in jobs) and jobs)

    async def quota_used(self) -> list[int]:
        async with self.db.transaction() as session:
            return list(await session.scalars(select(QuotaUsage.used).where(QuotaUsage.user_id.is_not(None))))


async def ask_for_a_video(person: Person) -> None:
    """Send a photo with /sing demo and accept the consent statement."""
    person.sends_photo(fresh_face_png(), caption="/sing demo")
    consent = await person.sees("Before I animate a face", timeout=60)
    person.presses(consent, ACCEPT)


async def one_video_with_sound(cluster: Cluster, person: Person, folder: Path, minimum_seconds: float = 5.0) -> None:
    [video] = await cluster.api.wait_for(lambda: cluster.api.videos(person.chat_id), timeout=150)
    path = folder / f"video-{person.id}.mp4"
    path.write_bytes(cluster.api.uploads[video["video"]["file_id"]])
    info = probe(path)
    assert info.has_audio and info.width > 0 and info.duration > minimum_seconds
    await asyncio.sleep(1.0)  # a second delivery would arrive now
    assert len(cluster.api.videos(person.chat_id)) == 1


@pytest.fixture
async def cluster(tmp_path: Path, postgres_url: str, redis_url: str) -> AsyncIterator[Cluster]:
    api = FakeBotApi()
    await api.start()
    world = Cluster(tmp_path, api, postgres_url, redis_url)
    try:
        yield world
    finally:
        await world.stop()
        await api.stop()


def _free_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return probe_socket.getsockname()[1]


class OwnRedis:
    """A real redis-server of the test's own, so the test can restart it empty."""

    def __init__(self, folder: Path) -> None:
        self.port = _free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            unavailable("redis-server is not installed, so Redis cannot be restarted by the test")
        self.process = subprocess.Popen([executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no", "--dir", str(self.folder)], stdout=subprocess.DEVNULL)
        async with asyncio.timeout(10):
            while True:
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                    return
                except OSError:
                    await asyncio.sleep(0.05)

    async def restart_empty(self) -> None:
        assert self.process is not None
        self.process.kill()
        await asyncio.to_thread(self.process.wait)
        await self.start()

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()


async def test_photos_become_videos_and_two_users_render_on_different_workers(cluster, tmp_path):
    cluster.start("w1", "w2")
    alice, bob = cluster.api.person(6001, "Alice"), cluster.api.person(6002, "Bob")
    await asyncio.gather(ask_for_a_video(alice), ask_for_a_video(bob))
    await one_video_with_sound(cluster, alice, tmp_path)
    await one_video_with_sound(cluster, bob, tmp_path)
    jobs = await cluster.all_delivered(2)
    assert {job.worker for job in jobs} == {"w1", "w2"}  # each worker took one: they ran at once
    assert [job.attempts for job in jobs] == [1, 1] and sorted(await cluster.quota_used()) == [1, 1]
    assert not list((tmp_path / "bot" / "photos").iterdir())  # the photo is gone once rendered
    assert _bot_never_loaded_media_libraries(cluster.bot)


def _bot_never_loaded_media_libraries(bot: subprocess.Popen) -> bool:
    """The bot process mapped no cv2, dlib or torch library: it never decoded what users sent."""
    maps = Path(f"/proc/{bot.pid}/maps").read_text()
    return not any(name in maps for name in ("cv2", "dlib", "libtorch"))


async def test_a_worker_killed_mid_render_hands_the_job_to_the_other(cluster, tmp_path):
    cluster.start("w1", "w2")
    carol = cluster.api.person(6003, "Carol")
    await ask_for_a_video(carol)
    job = await cluster.running_job()
    await cluster.kill(cluster.workers[job.worker])
    await one_video_with_sound(cluster, carol, tmp_path)
    [done] = await cluster.all_delivered(1)
    assert done.worker != job.worker and done.attempts == 2 and done.state == JobState.DONE
    assert await cluster.quota_used() == [1]  # charged once


async def test_a_bot_killed_mid_render_delivers_once_after_its_restart(cluster, tmp_path):
    cluster.start("w1")
    dave = cluster.api.person(6004, "Dave")
    await ask_for_a_video(dave)
    await cluster.running_job()
    await cluster.kill(cluster.bot)
    cluster.start_bot()
    await one_video_with_sound(cluster, dave, tmp_path)
    [done] = await cluster.all_delivered(1)
    assert done.attempts == 1 and await cluster.quota_used() == [1]


async def test_redis_restarted_empty_mid_render_still_ends_in_one_video(tmp_path, postgres_url):
    redis = OwnRedis(tmp_path)
    await redis.start()
    api = FakeBotApi()
    await api.start()
    cluster = Cluster(tmp_path, api, postgres_url, redis.url)
    try:
        cluster.start("w1")
        erin = api.person(6005, "Erin")
        await ask_for_a_video(erin)
        await cluster.running_job()
        await redis.restart_empty()
        await one_video_with_sound(cluster, erin, tmp_path)
        await cluster.all_delivered(1)
        assert await cluster.quota_used() == [1]
    finally:
        await cluster.stop()
        await api.stop()
        redis.stop()


async def test_a_template_added_through_the_bot_is_rendered_by_a_worker_started_afterwards(cluster, tmp_path):
    cluster.start("w1")
    admin = cluster.api.person(ADMIN_ID, "Admin")
    clip = write_driving_clip(tmp_path / "clip.mp4", seconds=1.0).read_bytes()
    admin.sends_video(clip, caption='/addtemplate tiny-song "Tiny Song" 0 1')
    await admin.sees("✅ Added tiny-song — Tiny Song (1.0 s)", timeout=90)
    cluster.workers["w1"].terminate()
    await asyncio.to_thread(cluster.workers["w1"].wait, 30)
    cluster.start_worker("late")

    admin.sends_photo(fresh_face_png(), caption="/sing tiny-song")
    consent = await admin.sees("Before I animate a face", timeout=60)
    admin.presses(consent, ACCEPT)
    await one_video_with_sound(cluster, admin, tmp_path, minimum_seconds=0.5)
    [done] = await cluster.all_delivered(1)
    assert (done.template_slug, done.worker) == ("tiny-song", "late")
    assert not (tmp_path / "worker-w1" / "templates").exists()  # no shared folder: it came as a bundle


async def test_a_worker_stopped_mid_render_hands_the_job_back_and_exits_cleanly(cluster, tmp_path):
    cluster.start("w1", "w2")
    fay = cluster.api.person(6006, "Fay")
    await ask_for_a_video(fay)
    job = await cluster.running_job()
    stopping = cluster.workers[job.worker]
    stopping.terminate()  # its grace (2 s) is shorter than the render: the job goes back in line
    assert await asyncio.to_thread(stopping.wait, 30) == 0
    await one_video_with_sound(cluster, fay, tmp_path)
    [done] = await cluster.all_delivered(1)
    assert done.worker != job.worker and done.attempts == 2 and await cluster.quota_used() == [1]
