"""The buttons under a video on Telegram: Delete, Another song, Report (and /report), Try again after a failure;
they keep working after a restart, and an expired one says so."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.adapters.messages import PICK_ANOTHER_SONG, REPORT_QUESTION, REPORTED, done_text
from bot.i18n import ENGLISH_TEXTS
from bot.store.jobs import Jobs
from bot.store.models import AuditEntry, Job, utcnow
from tests.bot.adapters.telegram.conftest import DEMO_TITLE, all_delivered, fresh_face_png

pytestmark = pytest.mark.asyncio(loop_scope="package")
BUTTONS = ["🗑 Delete", "🎶 Another song", "⚠ Report"]


async def _video_of(telegram, person, caption="/sing demo"):
    """Send a new face with /sing demo; the video message, once delivered."""
    await telegram.consenting(person)
    person.sends_photo(fresh_face_png(), caption=caption)
    [video] = await telegram.api.wait_for(lambda: telegram.api.videos(person.chat_id), timeout=120)
    await all_delivered(telegram.service)
    return video


async def test_the_requester_or_a_chat_admin_deletes_the_video_and_nobody_else(telegram):
    group = telegram.group()
    alice, bob, owner = (telegram.person(name).in_chat(group) for name in ("Alice", "Bob", "Owner"))
    video = await _video_of(telegram, alice)
    assert telegram.api.buttons(video) == BUTTONS

    bob.presses(video, "🗑 Delete")
    await telegram.api.wait_for(lambda: "Only the person who asked for this video" in " ".join(telegram.api.answers()))
    assert telegram.api.videos(group["id"]) != []

    alice.presses(video, "🗑 Delete")
    await telegram.api.wait_for(lambda: "Deleted." in telegram.api.answers())
    assert telegram.api.videos(group["id"]) == []

    second = await _video_of(telegram, alice)
    telegram.api.chat_admins.add((group["id"], owner.id))
    owner.presses(second, "🗑 Delete")
    await telegram.api.wait_for(lambda: telegram.api.videos(group["id"]) == [] or None)


async def test_another_song_needs_no_new_photo_until_the_keep_time_is_up(telegram):
    carol = telegram.person("Carol")
    video = await _video_of(telegram, carol)
    downloads = len(telegram.api.calls_to("getFile"))
    carol.presses(video, "🎶 Another song")
    picker = await carol.sees(PICK_ANOTHER_SONG)
    assert picker["reply_to_message"]["message_id"] == video["message_id"]
    carol.presses(picker, DEMO_TITLE)
    await telegram.api.wait_for(lambda: len(telegram.api.videos(carol.chat_id)) == 2 or None, timeout=120)
    done = done_text(ENGLISH_TEXTS, DEMO_TITLE, "AI-generated")
    shown = await telegram.api.wait_for(lambda: done in telegram.api.history(picker))
    assert shown  # the picker became the second video's status
    assert len(telegram.api.calls_to("getFile")) == downloads  # the photo was not fetched again

    async with telegram.service.db.transaction() as session:  # the keep time is up
        await session.execute(update(Job).values(finished_at=utcnow() - timedelta(minutes=11)))
    await telegram.service.privacy.sweep()
    carol.presses(video, "🎶 Another song")
    await telegram.api.wait_for(lambda: any("Please send the photo again" in a for a in telegram.api.answers()))


async def test_a_failed_render_can_be_tried_again_and_buttons_work_after_a_restart(telegram, monkeypatch):
    held = []

    async def busy_workers(job_id):  # the job waits, as behind a long render, until the bot stops
        held.append(job_id)

    monkeypatch.setattr(telegram.service.queue, "submit", busy_workers)
    dave = telegram.person("Dave")
    await telegram.consenting(dave)
    dave.sends_photo(fresh_face_png(), caption="/sing demo")
    await dave.sees("next in line")
    await telegram.stop()
    async with telegram.service.db.transaction() as session:  # the render failed while the bot was down
        await Jobs(session).fail(held[0], "The renderer crashed.")
    monkeypatch.undo()
    await telegram.start()

    failed = await dave.sees("❌ Demo Song (synthesised): The renderer crashed.")
    assert telegram.api.buttons(failed) == ["↻ Try again"]
    dave.presses(failed, "↻ Try again")
    [video] = await telegram.api.wait_for(lambda: telegram.api.videos(dave.chat_id), timeout=120)
    await dave.sees(done_text(ENGLISH_TEXTS, DEMO_TITLE, "AI-generated"))
    await all_delivered(telegram.service)

    await telegram.stop()  # a button pressed after a restart
    await telegram.start()
    dave.presses(video, "🗑 Delete")
    await telegram.api.wait_for(lambda: telegram.api.videos(dave.chat_id) == [] or None)


async def test_anyone_can_report_a_video_and_the_bot_admins_are_told(telegram):
    group = telegram.group()
    erin, frank = telegram.person("Erin").in_chat(group), telegram.person("Frank").in_chat(group)
    admin = telegram.admin()
    video = await _video_of(telegram, erin)

    frank.presses(video, "⚠ Report")
    question = await frank.sees(REPORT_QUESTION)
    frank.presses(question, "Someone's face was used without their consent")
    await frank.sees(REPORTED)
    notice = await admin.sees("reported video")
    assert f"telegram:{frank.id}" in notice["text"] and "without their consent" in notice["text"]
    assert telegram.api.videos(group["id"]) != []  # nothing hidden automatically

    frank.says("/report", reply_to=video)
    second = await frank.sees(REPORT_QUESTION)  # the first question already says thank you
    assert second["message_id"] != question["message_id"]
    frank.presses(second, "It harasses or bullies someone")
    await telegram.api.wait_for(lambda: len(telegram.api.calls_to("sendMessage", admin.chat_id)) == 2 or None)
    async with telegram.service.db.transaction() as session:
        reports = (await session.scalars(select(AuditEntry).where(AuditEntry.actor == f"telegram:{frank.id}"))).all()
    job = video["reply_markup"]["inline_keyboard"][0][-1]["callback_data"].removeprefix("vr:")
    assert [(r.action, r.target, r.detail["reason"]) for r in reports] == [
        ("report", f"job:{job}", "no-consent"), ("report", f"job:{job}", "harassment")]

    frank.says("/report")
    await frank.sees("Reply to one of my videos with /report")
