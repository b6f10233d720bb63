"""Forget-me deletes a person's rows and files; the sweep deletes old videos, photos past their keep time and stray
photos."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.queue import Finished
from bot.service import Banned, QueuedRender, QuotaExceeded
from bot.store.jobs import Jobs
from bot.store.models import ConsentRecord, ForgottenUsage, Job, JobState, QuotaUsage, User, utcnow
from bot.store.quota import today
from tests.bot.conftest import ADMIN, ALICE, GROUP, consenting, follow


async def _count(service, model, **where):
    async with service.db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(model).filter_by(**where))


async def test_forget_me_deletes_the_users_rows_and_files(running_service, photo):
    service = await running_service(max_jobs_in_flight=2)
    await consenting(service, ALICE)
    done = await service.renders.request(ALICE, GROUP, "demo", photo())
    video = (await follow(service, done.job_id))[-1].output
    assert video.is_file()

    await service.privacy.forget_me(ALICE)
    assert not video.exists()
    assert not list(service.settings.photos_dir.iterdir())
    for model in (User, ConsentRecord, Job, QuotaUsage):
        assert await _count(service, model) == (1 if model is QuotaUsage else 0)  # only the chat's counter stays
    assert await service.consent.needs_consent(ALICE)


async def test_forget_me_cancels_waiting_jobs_and_deletes_their_photos(parked_service, photo):
    service = await parked_service()
    await consenting(service, ALICE)
    await service.renders.request(ALICE, GROUP, "demo", photo())
    await service.privacy.forget_me(ALICE)
    assert not list(service.settings.photos_dir.iterdir())
    assert await _count(service, Job) == 0


async def test_forgetting_a_banned_user_keeps_only_the_ban(parked_service, photo):
    service = await parked_service()
    await consenting(service, ALICE)
    await service.renders.request(ALICE, GROUP, "demo", photo())
    await service.admin.ban(ADMIN, ALICE)
    await service.privacy.forget_me(ALICE)
    assert (await _count(service, Job), await _count(service, ConsentRecord)) == (0, 0)
    assert await _count(service, User, banned=True) == 1
    with pytest.raises(Banned):
        await service.renders.request(ALICE, GROUP, "demo", photo())


async def test_the_sweep_deletes_videos_and_their_jobs_past_retention(running_service, photo):
    service = await running_service(output_retention_hours=1.0, max_jobs_in_flight=2)
    await consenting(service, ALICE)
    done = await service.renders.request(ALICE, GROUP, "demo", photo())
    video = (await follow(service, done.job_id))[-1].output
    assert await service.privacy.sweep() == 0  # still fresh

    async with service.db.transaction() as session:
        await session.execute(update(Job).values(finished_at=utcnow() - timedelta(hours=2)))
        await session.execute(update(QuotaUsage).values(day=today() - timedelta(days=3)))
    assert await service.privacy.sweep() == 2  # the video, and the photo kept for another song
    assert not video.exists()
    assert (await _count(service, Job), await _count(service, QuotaUsage)) == (0, 0)
    with pytest.raises(LookupError):
        await follow(service, done.job_id)
    assert isinstance(await service.renders.request(ALICE, GROUP, "demo", photo()), QueuedRender)  # no stale cache


async def test_the_sweep_deletes_a_photo_left_behind_by_a_stop(parked_service, photo):
    service = await parked_service()
    await consenting(service, ALICE)
    queued = await service.renders.request(ALICE, GROUP, "demo", photo())
    async with service.db.transaction() as session:  # the job ended, but the bot stopped before deleting the photo
        await Jobs(session).cancel(queued.job_id)
    assert len(list(service.settings.photos_dir.iterdir())) == 1
    assert await service.privacy.sweep() == 1
    assert not list(service.settings.photos_dir.iterdir())


async def test_the_privacy_summary_says_what_is_kept_and_for_how_long(parked_service):
    service = await parked_service(output_retention_hours=48.0)
    summary = service.privacy.summary()
    assert "deleted 48 hours later" in summary and '"AI-generated"' in summary
    assert "photo is kept for 10 minutes after its video" in summary and "forget you" in summary


async def test_forget_me_keeps_todays_count_under_a_salted_hash_alone(running_service, photo):
    service = await running_service(user_daily_quota=1)
    await consenting(service, ALICE)
    made = await service.renders.request(ALICE, GROUP, "demo", photo())
    assert isinstance((await follow(service, made.job_id))[-1], Finished)

    await service.privacy.forget_me(ALICE)
    async with service.db.transaction() as session:
        [kept] = (await session.scalars(select(ForgottenUsage))).all()
    assert (kept.used, kept.day) == (1, today()) and ALICE.id not in kept.identity_hash and len(kept.identity_hash) == 64
    assert await _count(service, User) == 0

    await consenting(service, ALICE)  # back the same day: forgetting was no way around the limit
    with pytest.raises(QuotaExceeded):
        await service.renders.request(ALICE, GROUP, "demo", photo())
    assert (await service.renders.usage(ALICE, GROUP)).used == 1
    assert await _count(service, ForgottenUsage) == 0  # counted as hers again, not twice


@pytest.mark.parametrize("ending", ["withdrawn consent", "ban"])
async def test_withdrawn_consent_or_a_ban_cancels_and_refunds_waiting_videos(parked_service, photo, ending):
    service = await parked_service(max_jobs_in_flight=2)
    await consenting(service, ALICE)
    for _ in range(2):
        await service.renders.request(ALICE, GROUP, "demo", photo())
    if ending == "ban":
        await service.admin.ban(ADMIN, ALICE)
    else:
        await service.consent.withdraw(ALICE)
    assert await _count(service, Job, state=JobState.CANCELLED) == 2
    assert (await service.renders.usage(ALICE, GROUP)).used == 0
    assert not list(service.settings.photos_dir.iterdir())
