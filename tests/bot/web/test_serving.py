"""The operator page is served by `memebot run` and by `memebot worker` when MEMEBOT_HTTP_PORT is set."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
from pathlib import Path

import aiohttp

from bot.app import serve
from bot.config import Settings
from bot.worker.cluster import serve_worker
from tests.bot.adapters.telegram.fake_bot_api import TOKEN, FakeBotApi

START_SECONDS = 120.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def answer(url: str) -> tuple[int, str]:
    """The status and body at `url`, once something listens there."""
    async with asyncio.timeout(START_SECONDS), aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(url) as response:
                    return response.status, await response.text()
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.2)


async def test_memebot_run_serves_health_and_metrics(tmp_path: Path) -> None:
    api = FakeBotApi()
    await api.start()
    port = free_port()
    settings = Settings(data_dir=tmp_path / "data", backend="landmarks", telegram_token=TOKEN,
                        telegram_api_url=api.url, telegram_file_url=api.file_url, shutdown_grace_seconds=2.0,
                        http_port=port)
    running = asyncio.create_task(serve(settings))
    try:
        status, body = await answer(f"http://127.0.0.1:{port}/healthz")
        assert status == 200 and '"status": "ok"' in body
        status, body = await answer(f"http://127.0.0.1:{port}/metrics")
        assert status == 200 and "memebot_queue_depth 0.0" in body
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(running, timeout=60)
    finally:
        running.cancel()
        await api.stop()


async def test_memebot_worker_serves_its_own_health_and_metrics(tmp_path: Path, postgres_url: str,
                                                                 redis_url: str) -> None:
    port = free_port()
    settings = Settings(data_dir=tmp_path / "worker", database_url=postgres_url, broker_url=redis_url,
                        backend="landmarks", shutdown_grace_seconds=2.0, http_port=port)
    running = asyncio.create_task(serve_worker(settings))
    try:
        status, body = await answer(f"http://127.0.0.1:{port}/healthz")
        assert status == 200 and '"broker": "ok"' in body and '"store": "ok"' in body
        async with asyncio.timeout(START_SECONDS):  # its render process counts once it started
            while "memebot_workers_alive 1.0" not in (body := (await answer(f"http://127.0.0.1:{port}/metrics"))[1]):
                await asyncio.sleep(0.2)
        assert "memebot_render_seconds" in body
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(running, timeout=60)
    finally:
        running.cancel()
