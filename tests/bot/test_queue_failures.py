"""When a render goes wrong the user is told why, the quota comes back, the photo goes, and the next job works."""
import asyncio
from pathlib import Path

import pytest

from bot.queue import Cancelled, Failed, Finished, Started
from bot.store.models import Job, JobState
from tests.bot.conftest import ALICE, GROUP, consenting, follow

SABOTAGED = "tests.bot.renderers:Sabotaged"


@pytest.fixture
def database_url(sqlite_url):
    """SQLite only: these are the render process's failures, and the slowest tests to run twice."""
    return sqlite_url


async def _sabotaged_service(running_service, **overrides):
    service = await running_service(factory=SABOTAGED, **({"shutdown_grace_seconds": 0.5, "photo_keep_minutes": 0} | overrides))
    for failure in ("crash", "hang", "reject", "raise"):
        await service.templates.register(failure, failure, 1.0, service.settings.templates_dir / failure, "tests")
    await consenting(service, ALICE)
    return service


async def _job(service, job_id):
    async with service.db.transaction() as session:
        return await session.get(Job, job_id)


async def test_a_crashed_renderer_fails_the_job_refunds_it_and_is_restarted(running_service, photo):
    service = await _sabotaged_service(running_service)
    crashed = await service.renders.request(ALICE, GROUP, "crash", photo())
    outcome = (await follow(service, crashed.job_id))[-1]
    assert outcome == Failed(crashed.job_id, "The renderer crashed.")
    assert (await service.renders.usage(ALICE, GROUP)).used == 0
    assert not list(service.settings.photos_dir.iterdir())
    assert (await _job(service, crashed.job_id)).state == JobState.FAILED

    after = await service.renders.request(ALICE, GROUP, "demo", photo())
    assert isinstance((await follow(service, after.job_id))[-1], Finished)


async def test_a_render_over_the_time_limit_is_stopped(running_service, photo):
    service = await _sabotaged_service(running_service, job_time_limit_seconds=6.0)
    hung = await service.renders.request(ALICE, GROUP, "hang", photo())
    outcome = (await follow(service, hung.job_id))[-1]
    reason = "The render took too long and was stopped."
    assert outcome == Failed(hung.job_id, reason)
    assert (await service.renders.usage(ALICE, GROUP)).used == 0

    after = await service.renders.request(ALICE, GROUP, "demo", photo())
    assert isinstance((await follow(service, after.job_id))[-1], Finished)


async def test_input_the_renderer_refuses_is_explained_to_the_user(running_service, photo):
    service = await _sabotaged_service(running_service)
    rejected = await service.renders.request(ALICE, GROUP, "reject", photo())
    outcome = (await follow(service, rejected.job_id))[-1]
    assert outcome == Failed(rejected.job_id, "That face is too blurry to animate.")


async def test_a_renderer_bug_fails_the_job_without_details(running_service, photo):
    service = await _sabotaged_service(running_service)
    broken = await service.renders.request(ALICE, GROUP, "raise", photo())
    outcome = (await follow(service, broken.job_id))[-1]
    assert outcome == Failed(broken.job_id, "Something went wrong while rendering.")
    assert (await service.renders.usage(ALICE, GROUP)).used == 0


async def test_a_waiting_job_can_be_cancelled_but_a_running_one_cannot(running_service, photo):
    service = await _sabotaged_service(running_service, max_jobs_in_flight=2)
    running = await service.renders.request(ALICE, GROUP, "hang", photo())
    waiting = await service.renders.request(ALICE, GROUP, "demo", photo())
    async for event in service.queue.subscribe(running.job_id):
        if isinstance(event, Started):
            break
    listener = asyncio.create_task(follow(service, waiting.job_id))
    assert await service.renders.cancel(ALICE, waiting.job_id)
    assert (await listener)[-1] == Cancelled(waiting.job_id)
    assert not await service.renders.cancel(ALICE, running.job_id)
    assert await service.renders.cancel_waiting(ALICE, GROUP) is False  # on the way, but already started
    assert (await service.renders.usage(ALICE, GROUP)).used == 1  # only the running one still counts
    assert (await _job(service, waiting.job_id)).photo_path is None


async def test_shutdown_hands_an_unfinished_render_back_to_the_queue(running_service, photo):
    service = await _sabotaged_service(running_service)
    hung = await service.renders.request(ALICE, GROUP, "hang", photo())
    async for event in service.queue.subscribe(hung.job_id):
        if isinstance(event, Started):
            break
    await service.queue.stop(grace=0.5)
    job = await _job(service, hung.job_id)
    assert (job.state, job.attempts) == (JobState.QUEUED, 1)
    assert job.photo_path is not None and Path(job.photo_path).is_file()  # kept for the re-run
