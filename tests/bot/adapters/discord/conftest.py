"""Fixtures: a fake Discord, and the real bot (service, render queue, discord.py client) connected to it."""
from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from bot.adapters.discord import DiscordAdapter
from bot.config import Settings
from bot.service import MemeService, UserRef
from inference.video import VideoInfo, probe
from tests.bot.adapters.discord.fake_discord import TOKEN, FakeDiscord, Message
from tests.bot.conftest import ADMIN

ADMIN_ID = int(ADMIN.id)  # a bot admin (MEMEBOT_ADMINS) in every test's settings


@dataclass
class Bot:
    """A running memebot with its Discord adapter."""

    service: MemeService
    adapter: DiscordAdapter


StartBot = Callable[..., Awaitable[Bot]]


@contextlib.asynccontextmanager
async def running_fake() -> AsyncIterator[FakeDiscord]:
    """A fake Discord that fails the test if the bot called a route it does not know."""
    fake = FakeDiscord()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
    assert not fake.unexpected, f"the bot called routes the fake does not know: {fake.unexpected}"


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    async with running_fake() as fake:
        yield fake


def bot_settings(data_dir: Path, fake: FakeDiscord, **overrides: object) -> Settings:
    """Settings like the bot core's tests use (landmarks, one admin, a short grace), pointed at the fake."""
    fields = {
        "data_dir": data_dir,
        "backend": "landmarks",
        "admins": frozenset({str(ADMIN)}),
        "shutdown_grace_seconds": 2.0,
        "discord_token": TOKEN,
        "discord_api_url": fake.api_url,
        "discord_gateway_url": fake.gateway_url,
    }
    return Settings(**(fields | overrides))


@contextlib.asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[Bot]:
    """Service and adapter started like `memebot run` does, and stopped in its order."""
    async with MemeService.running(settings) as service:
        adapter = DiscordAdapter(settings, service)
        await adapter.start()
        try:
            yield Bot(service, adapter)
        finally:
            await adapter.stop()


@pytest.fixture
async def start_bot(tmp_path: Path, fake_discord: FakeDiscord) -> AsyncIterator[StartBot]:
    """Starts bots on this test's data folder, stopped after the test; keyword arguments override settings."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(**overrides: object) -> Bot:
            settings = bot_settings(tmp_path / "data", fake_discord, **overrides)
            return await stack.enter_async_context(running_bot(settings))

        yield start


@dataclass
class Shared:
    """One fake Discord and one bot for a whole test module (each test uses its own users)."""

    fake: FakeDiscord
    bot: Bot


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Shared]:
    """For the quick tests that need no fresh state: one service start for the module instead of one per test."""
    data_dir = tmp_path_factory.mktemp("shared") / "data"
    async with running_fake() as fake, running_bot(bot_settings(data_dir, fake)) as bot:
        yield Shared(fake, bot)


async def consenting(bot: Bot, *user_ids: int) -> None:
    for user_id in user_ids:
        await bot.service.consent.accept(UserRef("discord", str(user_id)))


def probe_upload(message: Message, folder: Path) -> VideoInfo:
    """Save the message's video and read it back with ffmpeg."""
    (upload,) = [upload for upload in message.uploads if upload.filename.endswith(".mp4")]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{upload.id}.mp4"
    path.write_bytes(upload.data)
    return probe(path)
