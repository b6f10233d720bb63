"""Admins ban, unban and set limits; chat admins switch the bot off; all of it is audit-logged."""
import pytest
from sqlalchemy import select

from bot.service import Banned, ChatDisabled, ChatQuotaExceeded, NotAllowed, QueuedRender, QuotaExceeded, UserFacingError
from bot.store.models import AuditEntry, Job
from tests.bot.conftest import ADMIN, ALICE, BOB, GROUP, consenting


async def _audit_log(service):
    async with service.db.transaction() as session:
        entries = await session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(entry.actor, entry.action, entry.target, entry.detail) for entry in entries]


async def test_only_bot_admins_can_ban(parked_service):
    service = await parked_service()
    with pytest.raises(NotAllowed, match="Only bot admins"):
        await service.admin.ban(ALICE, BOB)


async def test_a_banned_user_is_refused_until_unbanned(parked_service, photo):
    service = await parked_service()
    await consenting(service, BOB)
    await service.admin.ban(ADMIN, BOB)
    with pytest.raises(Banned) as refusal:
        await service.renders.request(BOB, GROUP, "demo", photo())
    assert refusal.value.message == "You are not allowed to use this bot."
    await service.admin.unban(ADMIN, BOB)
    assert isinstance(await service.renders.request(BOB, GROUP, "demo", photo()), QueuedRender)
    assert await _audit_log(service) == [
        ("discord:42", "ban", "telegram:1002", None),
        ("discord:42", "unban", "telegram:1002", None),
    ]


async def test_admins_set_user_and_chat_limits(parked_service, photo):
    service = await parked_service(max_jobs_in_flight=10)
    await consenting(service, ALICE, BOB)
    await service.admin.set_user_limit(ADMIN, ALICE, 1)
    await service.renders.request(ALICE, GROUP, "demo", photo())
    with pytest.raises(QuotaExceeded, match="all 1 of your videos"):
        await service.renders.request(ALICE, GROUP, "demo", photo())
    await service.admin.set_chat_limit(ADMIN, GROUP, 1)
    with pytest.raises(ChatQuotaExceeded, match="This chat has used all 1"):
        await service.renders.request(BOB, GROUP, "demo", photo())
    assert [entry[1:] for entry in await _audit_log(service)] == [
        ("set_user_limit", "telegram:1001", {"daily_limit": 1}),
        ("set_chat_limit", "telegram:-100500", {"daily_limit": 1}),
    ]


async def test_chat_admins_switch_the_bot_off_and_on_for_their_chat(parked_service, photo):
    service = await parked_service()
    await consenting(service, ALICE)
    with pytest.raises(NotAllowed, match="this chat's admins"):
        await service.admin.set_chat_enabled(ALICE, GROUP, False, actor_is_chat_admin=False)
    await service.admin.set_chat_enabled(ALICE, GROUP, False, actor_is_chat_admin=True)
    with pytest.raises(ChatDisabled) as refusal:
        await service.renders.request(ALICE, GROUP, "demo", photo())
    assert refusal.value.message == "The admins of this chat have switched the bot off here."
    await service.admin.set_chat_enabled(ADMIN, GROUP, True, actor_is_chat_admin=False)  # bot admins may too
    assert isinstance(await service.renders.request(ALICE, GROUP, "demo", photo()), QueuedRender)
    assert [entry[:3] for entry in await _audit_log(service)] == [
        ("telegram:1001", "disable_chat", "telegram:-100500"),
        ("discord:42", "enable_chat", "telegram:-100500"),
    ]


async def test_admins_add_and_remove_templates_from_a_clip(parked_service, tmp_path):
    from synth.demo import write_driving_clip

    service = await parked_service()
    clip = write_driving_clip(tmp_path / "upload.mp4", seconds=1.0)
    stages = []
    with pytest.raises(NotAllowed):
        await service.admin.add_template(ALICE, "tiny-song", clip)
    added = await service.admin.add_template(ADMIN, "tiny-song", clip, title="Tiny Song",
                                             progress=lambda stage, fraction: stages.append(stage))
    assert (added.template.slug, added.template.title, added.warnings) == ("tiny-song", "Tiny Song", ())
    assert added.template.preview_video.is_file() and "tracking the face" in stages
    assert "tiny-song" in [t.slug for t in await service.templates.list()]
    with pytest.raises(UserFacingError, match="exists already"):
        await service.admin.add_template(ADMIN, "tiny-song", clip)
    with pytest.raises(UserFacingError, match="cannot be removed"):
        await service.admin.remove_template(ADMIN, "demo")
    await service.admin.remove_template(ADMIN, "tiny-song")
    assert "tiny-song" not in [t.slug for t in await service.templates.list()]
    assert [entry[1:3] for entry in await _audit_log(service)] == [
        ("add_template", "tiny-song"), ("remove_template", "tiny-song"),
    ]


async def test_a_clip_without_a_face_is_refused_with_the_reason(parked_service, tmp_path):
    import numpy as np

    from inference.video import VideoWriter

    service = await parked_service()
    clip = tmp_path / "wall.mp4"
    with VideoWriter(clip, 64, 64, 25) as writer:
        for _ in range(25):
            writer.write(np.full((64, 64, 3), 90, np.uint8))
    with pytest.raises(UserFacingError, match="couldn't find a face"):
        await service.admin.add_template(ADMIN, "wall", clip)


async def test_a_template_that_jobs_used_is_removed_and_their_rows_stay(parked_service, tmp_path, photo):
    from synth.demo import write_driving_clip

    service = await parked_service()
    await consenting(service, ALICE)
    await service.admin.add_template(ADMIN, "used-song", write_driving_clip(tmp_path / "upload.mp4", seconds=1.0))
    queued = await service.renders.request(ALICE, GROUP, "used-song", photo())
    folder = service.settings.templates_dir / "used-song"
    assert folder.is_dir()

    await service.admin.remove_template(ADMIN, "used-song")
    assert "used-song" not in [t.slug for t in await service.templates.list()]
    assert not folder.exists()
    async with service.db.transaction() as session:
        job = await session.get(Job, queued.job_id)
    assert job.template_slug == "used-song"
