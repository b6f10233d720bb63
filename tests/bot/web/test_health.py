"""GET /healthz and GET /metrics: what answers, and the figures Prometheus scrapes."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from bot.adapters.telegram import TelegramAdapter
from bot.config import Settings
from bot.service import MemeService, UserFacingError
from bot.store.database import Database
from tests.bot.adapters.telegram.conftest import fresh_face_png, telegram_settings, user_ref
from tests.bot.adapters.telegram.fake_bot_api import FakeBotApi
from tests.bot.conftest import ALICE, GROUP, BuildService, consenting
from tests.bot.fakes import ParkedQueue
from tests.bot.web.conftest import TOKEN, PageClient, log_in

UNREACHABLE_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:1/memebot"
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


async def test_healthz_is_ok_when_the_store_and_queue_answer(parked_service: BuildService,
                                                             page_client: PageClient) -> None:
    client = await page_client(await parked_service())
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "down": [], "store": "ok", "queue": "ok"}


async def test_healthz_names_the_store_when_it_does_not_answer(make_settings, page_client: PageClient) -> None:
    settings: Settings = make_settings(database_url=UNREACHABLE_POSTGRES)
    db = Database(settings.database_url)
    try:
        client = await page_client(MemeService(settings, db, ParkedQueue(db, settings)))
        response = await client.get("/healthz")
        assert response.status == 503
        assert (await response.json())["down"] == ["store"]
    finally:
        await db.close()


async def test_healthz_checks_the_broker_in_a_cluster(parked_service: BuildService, page_client: PageClient,
                                                      redis_url: str) -> None:
    up = await page_client(await parked_service(broker_url=redis_url))
    assert (await (await up.get("/healthz")).json())["broker"] == "ok"
    down = await page_client(await parked_service(broker_url=UNREACHABLE_REDIS))
    response = await down.get("/healthz")
    assert response.status == 503
    assert (await response.json())["down"] == ["broker"]


async def metric(client: TestClient, line_start: str) -> float:
    """The value of the first metric line starting with `line_start` (0 if there is none yet)."""
    response = await client.get("/metrics")
    assert response.status == 200 and response.content_type == "text/plain"
    for line in (await response.text()).splitlines():
        if line.startswith(line_start):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_metrics_count_refusals_acceptances_and_the_queue(parked_service: BuildService,
                                                                page_client: PageClient, photo) -> None:
    service = await parked_service()
    client = await page_client(service)
    refused = await metric(client, 'memebot_jobs_refused_total{reason="consent_required"}')
    accepted = await metric(client, 'memebot_jobs_accepted_total{backend="landmarks"}')
    quota = await metric(client, 'memebot_quota_refusals_total{quota="jobs_in_flight"}')

    await _refused(service, photo())
    await consenting(service, ALICE)
    await service.renders.request(ALICE, GROUP, "demo", photo())
    await _refused(service, photo())  # one video on the way already

    assert await metric(client, 'memebot_jobs_refused_total{reason="consent_required"}') == refused + 1
    assert await metric(client, 'memebot_jobs_accepted_total{backend="landmarks"}') == accepted + 1
    assert await metric(client, 'memebot_jobs_refused_total{reason="too_many_jobs"}') >= 1
    assert await metric(client, 'memebot_quota_refusals_total{quota="jobs_in_flight"}') == quota + 1
    assert await metric(client, "memebot_queue_depth ") == 1
    assert await metric(client, "memebot_jobs_running ") == 0


async def test_metrics_of_renders_and_the_cache(running_service: BuildService, page_client: PageClient,
                                                photo, face_png: bytes) -> None:
    service = await running_service()
    client = await page_client(service)
    finished = await metric(client, 'memebot_jobs_finished_total{backend="landmarks"}')
    timed = await metric(client, 'memebot_render_seconds_count{backend="landmarks"}')
    cached = await metric(client, "memebot_jobs_cached_total")
    await consenting(service, ALICE)
    queued = await service.renders.request(ALICE, GROUP, "demo", photo(face_png))
    async for _ in service.queue.subscribe(queued.job_id):
        pass
    await service.renders.request(ALICE, GROUP, "demo", photo(face_png))  # the same photo: from the cache

    assert await metric(client, 'memebot_jobs_finished_total{backend="landmarks"}') == finished + 1
    assert await metric(client, 'memebot_render_seconds_count{backend="landmarks"}') == timed + 1
    assert await metric(client, 'memebot_render_frames_per_second_count{backend="landmarks"}') >= 1
    assert await metric(client, "memebot_jobs_cached_total") == cached + 1
    assert await metric(client, "memebot_workers_alive ") == 1


async def _refused(service: MemeService, path: Path) -> None:
    with pytest.raises(UserFacingError):
        await service.renders.request(ALICE, GROUP, "demo", path)


async def test_failures_are_counted_by_reason_and_listed_on_the_dashboard(running_service: BuildService,
                                                                          page_client: PageClient, photo) -> None:
    service = await running_service(factory="tests.bot.renderers:Sabotaged", admin_token=TOKEN)
    await service.templates.register("reject", "reject", 1.0, service.settings.templates_dir / "reject", "tests")
    client = await page_client(service)
    line = 'memebot_jobs_failed_total{reason="That face is too blurry to animate"}'
    before = await metric(client, line)
    await consenting(service, ALICE)
    rejected = await service.renders.request(ALICE, GROUP, "reject", photo())
    async for _ in service.queue.subscribe(rejected.job_id):
        pass
    assert await metric(client, line) == before + 1
    await log_in(client)
    page = await (await client.get("/")).text()
    assert (f'<tr><td>{rejected.job_id}</td><td>reject</td><td>telegram:1001</td>'
            '<td class="reason">That face is too blurry to animate.</td></tr>') in page


async def test_a_failed_delivery_is_counted_as_a_retry(running_service: BuildService,
                                                       page_client: PageClient) -> None:
    service = await running_service()
    client = await page_client(service)
    line = 'memebot_delivery_retries_total{platform="telegram"}'
    before = await metric(client, line)
    api = FakeBotApi()
    await api.start()
    adapter = TelegramAdapter(telegram_settings(service.settings, api), service)
    await adapter.start()
    try:
        alice = api.person(4343, "Alice")
        await service.consent.accept(user_ref(alice))
        api.failing.add("sendVideo")  # Telegram answers the upload with an internal error
        alice.sends_photo(fresh_face_png(), caption="/sing demo")
        async with asyncio.timeout(120):
            while await metric(client, line) == before:
                await asyncio.sleep(0.2)
        assert await metric(client, line) == before + 1
        assert api.videos(alice.chat_id) == []  # not delivered: the next start tries again
    finally:
        await adapter.stop()
        await api.stop()
