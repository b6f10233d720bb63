"""Daily and in-flight limits hold under concurrency; admins have their own allowance."""
import asyncio

import pytest

from bot.service import ChatQuotaExceeded, ChatRef, QueuedRender, QuotaExceeded, TooManyJobs, UserRef
from tests.bot.conftest import ADMIN, ALICE, GROUP, consenting

CONCURRENT_REQUESTS = 50


async def _flood(service, users, photo):
    requests = [service.renders.request(user, GROUP, "demo", photo()) for user in users]
    return await asyncio.gather(*requests, return_exceptions=True)


async def test_fifty_simultaneous_requests_never_spend_more_than_the_daily_quota(parked_service, photo):
    service = await parked_service(user_daily_quota=5, max_jobs_in_flight=CONCURRENT_REQUESTS, chat_daily_quota=0)
    await consenting(service, ALICE)
    outcomes = await _flood(service, [ALICE] * CONCURRENT_REQUESTS, photo)
    queued = [outcome for outcome in outcomes if isinstance(outcome, QueuedRender)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, QuotaExceeded)]
    assert (len(queued), len(refused)) == (5, CONCURRENT_REQUESTS - 5)
    assert refused[0].message == "You have used all 5 of your videos for today; more from midnight UTC."
    assert len(service.queue.submitted) == 5
    assert (await service.renders.usage(ALICE, GROUP)).used == 5
    assert len(list(service.settings.photos_dir.iterdir())) == 5  # refused photos are deleted at once


async def test_fifty_simultaneous_requests_respect_the_in_flight_cap(parked_service, photo):
    service = await parked_service(user_daily_quota=0, max_jobs_in_flight=1)
    await consenting(service, ALICE)
    outcomes = await _flood(service, [ALICE] * CONCURRENT_REQUESTS, photo)
    assert sum(isinstance(outcome, QueuedRender) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, TooManyJobs) for outcome in outcomes) == CONCURRENT_REQUESTS - 1
    assert (await service.renders.usage(ALICE, GROUP)).used == 1  # the refused ones were rolled back


async def test_fifty_users_at_once_never_overspend_their_chat(parked_service, photo):
    service = await parked_service(chat_daily_quota=3)
    users = [UserRef("telegram", str(2000 + number)) for number in range(CONCURRENT_REQUESTS)]
    await consenting(service, *users)
    outcomes = await _flood(service, users, photo)
    assert sum(isinstance(outcome, QueuedRender) for outcome in outcomes) == 3
    refusals = [outcome for outcome in outcomes if isinstance(outcome, ChatQuotaExceeded)]
    assert len(refusals) == CONCURRENT_REQUESTS - 3
    assert refusals[0].message == "This chat has used all 3 of its videos for today; more from midnight UTC."


async def test_a_cancelled_job_frees_its_slot_and_its_quota(parked_service, photo):
    service = await parked_service(user_daily_quota=1, max_jobs_in_flight=1)
    await consenting(service, ALICE)
    queued = await service.renders.request(ALICE, GROUP, "demo", photo())
    with pytest.raises(QuotaExceeded):
        await service.renders.request(ALICE, GROUP, "demo", photo())
    assert await service.renders.cancel(ALICE, queued.job_id)
    assert (await service.renders.usage(ALICE, GROUP)).used == 0
    assert isinstance(await service.renders.request(ALICE, GROUP, "demo", photo()), QueuedRender)


async def test_cancel_waiting_cancels_the_users_waiting_videos_in_that_chat_only(parked_service, photo):
    service = await parked_service(max_jobs_in_flight=3)
    await consenting(service, ALICE)
    assert await service.renders.cancel_waiting(ALICE, GROUP) is None  # nothing on the way
    elsewhere = ChatRef("telegram", "-42")
    await service.renders.request(ALICE, GROUP, "demo", photo())
    await service.renders.request(ALICE, GROUP, "demo", photo())
    kept = await service.renders.request(ALICE, elsewhere, "demo", photo())
    assert await service.renders.cancel_waiting(ALICE, GROUP) is True
    assert (await service.renders.usage(ALICE, GROUP)).in_flight == 1  # only the other chat's video is left
    assert await service.renders.cancel_waiting(ALICE, GROUP) is None
    assert await service.renders.cancel(ALICE, kept.job_id)


async def test_an_unlimited_admin_spends_nothing_of_the_chat(parked_service, photo):
    service = await parked_service(admin_daily_quota=0, user_daily_quota=1, chat_daily_quota=1, max_jobs_in_flight=10)
    await consenting(service, ADMIN)
    chat = ChatRef("discord", "777")
    for _ in range(4):
        assert isinstance(await service.renders.request(ADMIN, chat, "demo", photo()), QueuedRender)
    usage = await service.renders.usage(ADMIN, chat)
    assert (usage.used, usage.limit, usage.chat_used) == (4, 0, 0)


async def test_an_admin_quota_limits_admins(parked_service, photo):
    service = await parked_service(admin_daily_quota=2, max_jobs_in_flight=10)
    await consenting(service, ADMIN)
    for _ in range(2):
        await service.renders.request(ADMIN, GROUP, "demo", photo())
    with pytest.raises(QuotaExceeded, match="all 2 of your videos"):
        await service.renders.request(ADMIN, GROUP, "demo", photo())
