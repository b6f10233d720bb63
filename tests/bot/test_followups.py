"""After a video: another song or a new try from the kept photo, deleting it, and the photo gone after the keep time."""
from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.queue import Failed, Finished
from bot.service import CachedRender, NotAllowed, PhotoExpired, QueuedRender
from bot.store.models import Job, utcnow
from tests.bot.conftest import ADMIN, ALICE, BOB, GROUP, consenting, follow
from tests.bot.test_queue_failures import SABOTAGED


async def _photos(service):
    return list(service.settings.photos_dir.iterdir())


async def test_a_kept_photo_sings_again_until_the_keep_time_is_up(running_service, photo):
    service = await running_service(factory=SABOTAGED, photo_keep_minutes=10, max_jobs_in_flight=2)
    await service.templates.register("reject", "Reject", 1.0, service.settings.templates_dir / "reject", "tests")
    await consenting(service, ALICE, BOB)
    failed = await service.renders.request(ALICE, GROUP, "reject", photo())
    assert isinstance((await follow(service, failed.job_id))[-1], Failed)
    assert len(await _photos(service)) == 1  # kept for a new try

    with pytest.raises(NotAllowed):
        await service.followups.sing_again(BOB, GROUP, failed.job_id, "demo")
    again = await service.followups.sing_again(ALICE, GROUP, failed.job_id, "demo")  # another song, no new photo
    assert isinstance(again, QueuedRender) and again.job_id != failed.job_id
    video = (await follow(service, again.job_id))[-1]
    assert isinstance(video, Finished)
    assert len(await _photos(service)) == 2  # each job keeps its own copy until its time is up
    same = await service.followups.sing_again(ALICE, GROUP, again.job_id, None)  # the same song: that video again
    assert same == CachedRender(video.output, again.job_id)

    assert await service.privacy.sweep() == 0
    async with service.db.transaction() as session:
        await session.execute(update(Job).values(finished_at=utcnow() - timedelta(minutes=11)))
    assert await service.privacy.sweep() == 2
    assert await _photos(service) == []
    with pytest.raises(PhotoExpired, match="only 10 minutes"):
        await service.followups.sing_again(ALICE, GROUP, again.job_id, "demo")


async def test_deleting_a_video_is_for_its_requester_or_an_admin_and_deletes_the_photo(running_service, photo):
    service = await running_service(photo_keep_minutes=10)
    await consenting(service, ALICE)
    made = await service.renders.request(ALICE, GROUP, "demo", photo())
    await follow(service, made.job_id)

    with pytest.raises(NotAllowed, match="Only the person who asked"):
        await service.followups.delete(BOB, ALICE, made.job_id, presser_is_chat_admin=False)
    assert len(await _photos(service)) == 1
    await service.followups.delete(BOB, ALICE, made.job_id, presser_is_chat_admin=True)  # this chat's admin
    await service.followups.delete(ADMIN, ALICE, made.job_id, presser_is_chat_admin=False)  # a bot admin
    await service.followups.delete(ALICE, ALICE, made.job_id, presser_is_chat_admin=False)
    assert await _photos(service) == []
    with pytest.raises(PhotoExpired):
        await service.followups.sing_again(ALICE, GROUP, made.job_id, "demo")


async def test_without_a_keep_time_no_photo_stays_and_forget_me_deletes_kept_ones(running_service, photo,
                                                                                  other_face_png):
    service = await running_service(photo_keep_minutes=0)
    await consenting(service, ALICE)
    assert not service.followups.photos_kept
    made = await service.renders.request(ALICE, GROUP, "demo", photo())
    await follow(service, made.job_id)
    assert await _photos(service) == []
    assert "deleted as soon as its video is made" in service.consent.statement()

    kept = await running_service(photo_keep_minutes=10)
    assert "kept for 10 minutes" in kept.consent.statement() and "kept for 10 minutes" in kept.privacy.summary()
    await consenting(kept, ALICE)
    again = await kept.renders.request(ALICE, GROUP, "demo", photo(other_face_png))  # not the cached one
    await follow(kept, again.job_id)
    assert len(await _photos(kept)) == 1
    await kept.privacy.forget_me(ALICE)
    assert await _photos(kept) == []
