"""Fixtures: one running service for the whole folder (its render process takes seconds to start), and for each
test a fake Bot API with a TelegramAdapter serving that service."""
from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections.abc import AsyncIterator

import cv2
import pytest_asyncio

from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram.limits import CLOUD_LIMITS, FileLimits
from bot.config import Settings
from bot.service import MemeService, UserRef
from synth.face import SINGER, Pose, draw_face
from tests.bot.adapters.telegram.fake_bot_api import TOKEN, FakeBotApi, Person

ADMIN_ID = 7
DEMO_TITLE = "Demo Song (synthesised)"
_ids = itertools.count(5000)  # users and groups are new in every test, so tests sharing the service stay apart
_face_shifts = itertools.count(1)


def fresh_face_png() -> bytes:
    """A face photo no test has sent before, so the service renders it instead of reusing a video."""
    face = draw_face(SINGER, Pose(dx=0.005 * next(_face_shifts)), 256, 256)
    ok, encoded = cv2.imencode(".png", face[..., ::-1])
    assert ok
    return encoded.tobytes()


def user_ref(person: Person) -> UserRef:
    return UserRef("telegram", str(person.id))


async def all_delivered(service: MemeService, timeout: float = 120.0) -> None:
    """Wait until every Telegram job's outcome reached its user, and was marked delivered."""
    async with asyncio.timeout(timeout):
        while await service.renders.undelivered("telegram"):
            await asyncio.sleep(0.1)


def telegram_settings(settings: Settings, api: FakeBotApi) -> Settings:
    """The settings, pointed at the fake Bot API."""
    return dataclasses.replace(settings, telegram_token=TOKEN, telegram_api_url=api.url, telegram_file_url=api.file_url)


class Telegram:
    """The fake Bot API, the adapter serving it, and people and groups made up for one test."""

    def __init__(self, api: FakeBotApi, service: MemeService) -> None:
        self.api = api
        self.service = service
        self.adapter: TelegramAdapter | None = None

    async def start(self, limits: FileLimits = CLOUD_LIMITS) -> None:
        """Start an adapter; with api.telegram.org's limits unless told otherwise."""
        self.adapter = TelegramAdapter(telegram_settings(self.service.settings, self.api), self.service, limits=limits)
        await self.adapter.start()

    async def stop(self) -> None:
        if self.adapter is not None:
            await self.adapter.stop()
            self.adapter = None

    def person(self, name: str = "Alice", language_code: str | None = None) -> Person:
        return self.api.person(next(_ids), name, language_code)

    def admin(self) -> Person:
        return self.api.person(ADMIN_ID, "Admin")

    def group(self) -> dict:
        return self.api.chat(-next(_ids), "supergroup", title="Karaoke night")

    async def consenting(self, *people: Person) -> None:
        """Accept the consent statement for them, for tests about something else."""
        for person in people:
            await self.service.consent.accept(user_ref(person))



@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def service(tmp_path_factory) -> AsyncIterator[MemeService]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("telegram") / "data",
        backend="landmarks",
        admins=frozenset({f"telegram:{ADMIN_ID}"}),
        shutdown_grace_seconds=2.0,
    )
    async with MemeService.running(settings) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="package")
async def telegram(service: MemeService) -> AsyncIterator[Telegram]:
    api = FakeBotApi()
    await api.start()
    world = Telegram(api, service)
    await world.start()
    yield world
    await all_delivered(service)  # no test leaves a job behind for the next test's bot
    await world.stop()
    await api.stop()
    assert not api.unknown_methods, f"the fake does not know {api.unknown_methods}"
