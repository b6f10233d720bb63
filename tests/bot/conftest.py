"""Fixtures: settings on a temporary data folder, a real database (SQLite and PostgreSQL), drawn face photos,
services."""
from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import cv2
import pytest

from bot.config import Settings
from bot.queue.events import JobEvent
from bot.worker.tasks import DEFAULT_FACTORY
from bot.service import ChatRef, MemeService, UserRef
from bot.store.database import Database
from bot.store.migrate import upgrade
from synth.face import CONDUCTOR, SINGER, draw_face
from tests.bot.fakes import ParkedQueue

REPO = Path(__file__).resolve().parents[2]
ALICE = UserRef("telegram", "1001")
BOB = UserRef("telegram", "1002")
ADMIN = UserRef("discord", "42")
GROUP = ChatRef("telegram", "-100500")

BuildService = Callable[..., Awaitable[MemeService]]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new SQLite file in this test's data folder (where the bot keeps it by default)."""
    return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'memebot.db'}"


@pytest.fixture(params=[pytest.param("sqlite_url", id="sqlite"), pytest.param("postgres_url", id="postgresql")])
def database_url(request: pytest.FixtureRequest) -> str:
    """A new database of this test's own: each test using it runs once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def make_settings(tmp_path: Path, database_url: str) -> Callable[..., Settings]:
    """Settings on this test's own data folder and database; keyword arguments override single fields."""

    def make(**overrides: object) -> Settings:
        fields = {
            "data_dir": tmp_path / "data",
            "database_url": database_url,
            "backend": "landmarks",
            "admins": frozenset({str(ADMIN)}),
            "shutdown_grace_seconds": 2.0,
        }
        return Settings(**(fields | overrides))

    return make


@pytest.fixture(scope="session")
def face_png() -> bytes:
    return _png(SINGER)


@pytest.fixture(scope="session")
def other_face_png() -> bytes:
    return _png(CONDUCTOR)


@pytest.fixture
def photo(tmp_path: Path, face_png: bytes) -> Callable[..., Path]:
    """A fresh photo file as an adapter would download it (the service moves it away)."""
    counter = itertools.count()

    def make(png: bytes = face_png) -> Path:
        path = tmp_path / "downloads" / f"photo-{next(counter)}.png"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(png)
        return path

    return make


@pytest.fixture
async def parked_service(make_settings: Callable[..., Settings]) -> AsyncIterator[BuildService]:
    """Builds services whose queue never renders: for the rules in front of the queue."""
    databases: list[Database] = []

    async def build(**overrides: object) -> MemeService:
        settings = make_settings(**overrides)
        await upgrade(settings.database_url)
        databases.append(db := Database(settings.database_url))
        service = MemeService(settings, db, ParkedQueue(db, settings))
        await service.templates.sync()
        return service

    yield build
    for db in databases:
        await db.close()


@pytest.fixture
async def running_service(make_settings: Callable[..., Settings]) -> AsyncIterator[BuildService]:
    """Builds fully running services (migrations, render processes, sweep), stopped after the test."""
    async with contextlib.AsyncExitStack() as stack:

        async def build(factory: str = DEFAULT_FACTORY, **overrides: object) -> MemeService:
            return await stack.enter_async_context(MemeService.running(make_settings(**overrides), factory=factory))

        yield build


async def consenting(service: MemeService, *users: UserRef) -> None:
    for user in users:
        await service.consent.accept(user)


def _png(look) -> bytes:
    ok, encoded = cv2.imencode(".png", draw_face(look, height=256, width=256)[..., ::-1])
    assert ok
    return encoded.tobytes()


async def follow(service: MemeService, job_id: int, timeout: float = 120.0) -> list[JobEvent]:
    """Every event of the job up to its outcome, as an adapter would see them."""
    async with asyncio.timeout(timeout):
        return [event async for event in service.queue.subscribe(job_id)]
