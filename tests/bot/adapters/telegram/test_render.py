"""A face photo becomes a singing video on Telegram: song buttons, consent, a status that moves, the video."""
from pathlib import Path

import pytest

from bot.adapters.messages import CHECKING_PHOTO, PICK_A_SONG, done_text
from bot.adapters.telegram.limits import FileLimits
from bot.i18n import ENGLISH_TEXTS
from inference.video import probe
from tests.bot.adapters.telegram.conftest import DEMO_TITLE, fresh_face_png
from tests.credentials import assert_signed_demo_video

SMALL_UPLOAD_LIMIT = 120_000  # the demo meme is about 200 kB: it must be re-encoded to fit
TINY_UPLOAD_LIMIT = 1000

pytestmark = pytest.mark.asyncio(loop_scope="package")


def _has_sound_and_picture(video: bytes, folder: Path) -> bool:
    path = folder / "received.mp4"
    path.write_bytes(video)
    info = probe(path)
    return info.width > 0 and info.height > 0 and info.has_audio and info.duration > 5


async def test_a_photo_a_song_button_and_consent_become_a_video(telegram, tmp_path):
    alice = telegram.person("Alice")
    photo = alice.sends_photo(fresh_face_png())  # never sung before: rendered, not reused
    picker = await alice.sees(PICK_A_SONG)
    assert picker["reply_to_message"]["message_id"] == photo["message_id"]
    assert DEMO_TITLE in telegram.api.buttons(picker)

    alice.presses(picker, DEMO_TITLE)
    consent = await alice.sees("Before I animate a face")
    assert consent["message_id"] == picker["message_id"]  # one message per request, edited as it goes
    assert telegram.api.buttons(consent) == ["✅ I accept", "✖️ Decline"]
    alice.presses(consent, "✅ I accept")

    [video] = await telegram.api.wait_for(lambda: telegram.api.videos(alice.chat_id), timeout=120)
    assert video["caption"] == 'Made by AI (the video is labelled "AI-generated"). Please share it kindly.'
    assert video["reply_to_message"]["message_id"] == photo["message_id"]
    assert _has_sound_and_picture(telegram.api.uploads[video["video"]["file_id"]], tmp_path)
    assert_signed_demo_video(telegram.api.uploads[video["video"]["file_id"]], tmp_path)
    [upload] = telegram.api.calls_to("sendVideo", alice.chat_id)
    assert upload.params["supports_streaming"] is True
    actions = telegram.api.calls_to("sendChatAction", alice.chat_id)
    assert actions[0].params["action"] == "upload_video"
    assert telegram.api.calls.index(actions[0]) < telegram.api.calls.index(upload)

    status = await alice.sees(done_text(ENGLISH_TEXTS, DEMO_TITLE, "AI-generated"))
    assert status["message_id"] == picker["message_id"] and telegram.api.buttons(status) == []
    shown = telegram.api.history(status)
    assert shown[:3] == [PICK_A_SONG, CHECKING_PHOTO, telegram.service.consent.statement()]
    assert any("rendering" in text for text in shown) and any("▓" * 12 + " 100%" in text for text in shown)


async def test_a_video_waiting_in_line_can_be_cancelled(telegram, monkeypatch):
    held = []

    async def busy_workers(job_id):  # the job stays queued, as behind someone else's long render
        held.append(job_id)

    monkeypatch.setattr(telegram.service.queue, "submit", busy_workers)
    carol = telegram.person("Carol")
    await telegram.consenting(carol)
    carol.sends_photo(fresh_face_png(), caption="/sing demo")
    await carol.sees(f"🎤 {DEMO_TITLE}: you are next in line.")
    carol.says("/cancel")
    await carol.sees("Cancelled: that video won't be made, and it doesn't count against your quota.")
    await carol.sees(f"🚫 {DEMO_TITLE}: cancelled.")
    assert len(held) == 1 and telegram.api.videos(carol.chat_id) == []


async def test_an_image_sent_as_a_file_sings_with_a_sing_reply(telegram, face_png):
    dave = telegram.person("Dave").in_chat(telegram.group())
    await telegram.consenting(dave)
    image = dave.sends_file(face_png, "image/png", "me.png")
    dave.says("/sing demo", reply_to=image)
    [video] = await telegram.api.wait_for(lambda: telegram.api.videos(dave.chat_id), timeout=120)
    assert video["reply_to_message"]["message_id"] == image["message_id"]
    await dave.sees(done_text(ENGLISH_TEXTS, DEMO_TITLE, "AI-generated"))


async def test_a_video_over_the_upload_limit_is_shrunk_or_explained(telegram, tmp_path):
    face = fresh_face_png()
    await telegram.stop()
    await telegram.start(limits=FileLimits(download_bytes=None, upload_bytes=SMALL_UPLOAD_LIMIT))
    erin = telegram.person("Erin")
    await telegram.consenting(erin)
    erin.sends_photo(face, caption="/sing demo")
    await erin.sees("done!", timeout=120)
    (shrunk,) = telegram.api.videos(erin.chat_id)
    sent = telegram.api.uploads[shrunk["video"]["file_id"]]
    assert len(sent) <= SMALL_UPLOAD_LIMIT and _has_sound_and_picture(sent, tmp_path)
    assert_signed_demo_video(sent, tmp_path)

    await telegram.stop()
    await telegram.start(limits=FileLimits(download_bytes=None, upload_bytes=TINY_UPLOAD_LIMIT))
    erin.sends_photo(face, caption="/sing demo")  # the same face: the cached video, far too big for 1 kB
    await erin.sees("does not fit the 0.001 MB upload limit here", timeout=60)
    assert len(telegram.api.calls_to("sendVideo", erin.chat_id)) == 1

async def test_the_song_buttons_come_a_page_at_a_time_with_readable_titles(telegram, face_png):
    demo = await telegram.service.templates.get("demo")
    extra = [f"copy-{n}" for n in range(9)]  # ten songs: eight, then two
    for slug in extra:
        title = f"A rather long song title number {slug[-1]}, still whole on its own row"
        await telegram.service.templates.register(slug, title, 3.0, demo.preview_video.parent, "tests")
    try:
        olga = telegram.person("Olga")
        olga.sends_photo(face_png)
        picker = await olga.sees(PICK_A_SONG)
        first = telegram.api.buttons(picker)
        assert len(first) == 9 and first[-1] == "More ▸"
        assert first[0] == "A rather long song title number 0, still whole on its own row"
        olga.presses(picker, "More ▸")
        await telegram.api.wait_for(lambda: "◂ Back" in telegram.api.buttons(picker))
        assert telegram.api.buttons(picker) == [
            "A rather long song title number 8, still whole on its own row", DEMO_TITLE, "◂ Back"]
    finally:
        async with telegram.service.db.transaction() as session:
            for slug in extra:
                await telegram.service.templates.unregister(session, slug)
