"""A face photo becomes a singing video on Telegram: song buttons, consent, a status that moves, the video."""
from pathlib import Path

import pytest

from bot.adapters.messages import CHECKING_PHOTO, LABEL_NOTE, PICK_A_SONG, done_text
from bot.adapters.telegram.limits import FileLimits
from inference.video import probe
from tests.bot.adapters.telegram.conftest import DEMO_TITLE, fresh_face_png

pytestmark = pytest.mark.asyncio(loop_scope="package")


def _has_sound_and_picture(video: bytes, folder: Path) -> bool:
    path = folder / "received.mp4"
    path.write_bytes(video)
    info = probe(path)
    return info.width > 0 and info.height > 0 and info.has_audio and info.duration > 5


async def test_a_photo_a_song_button_and_consent_become_a_video(telegram, face_png, tmp_path):
    alice = telegram.person("Alice")
    photo = alice.sends_photo(face_png)
    picker = await alice.sees(PICK_A_SONG)
    assert picker["reply_to_message"]["message_id"] == photo["message_id"]
    assert DEMO_TITLE in telegram.api.buttons(picker)

    alice.presses(picker, DEMO_TITLE)
    consent = await alice.sees("Before I animate a face")
    assert consent["message_id"] == picker["message_id"]  # one message per request, edited as it goes
    assert telegram.api.buttons(consent) == ["✅ I accept", "✖️ Decline"]
    alice.presses(consent, "✅ I accept")

    [video] = await telegram.api.wait_for(lambda: telegram.api.videos(alice.chat_id), timeout=120)
    assert video["caption"] == LABEL_NOTE
    assert video["reply_to_message"]["message_id"] == photo["message_id"]
    assert _has_sound_and_picture(telegram.api.uploads[video["video"]["file_id"]], tmp_path)
    status = await alice.sees(done_text(DEMO_TITLE))
    assert status["message_id"] == picker["message_id"] and telegram.api.buttons(status) == []


async def test_a_request_waits_its_turn_and_can_be_cancelled_while_it_waits(telegram, tmp_path):
    bob = telegram.person("Bob").in_chat(telegram.group())
    carol = telegram.person("Carol")
    await telegram.consenting(bob, carol)
    # Faces never sung before, so neither reuses a video: one renders while the other waits.
    bob.sends_photo(fresh_face_png(), caption="/sing@memebot_test_bot demo")
    carol.sends_photo(fresh_face_png(), caption="/sing demo")

    def waiting_and_singing():
        waiting = [person for person in (bob, carol) if telegram.api.bot_message_showing(person.chat_id, "next in line")]
        return waiting and (waiting[0], carol if waiting[0] is bob else bob)

    waiting, singing = await telegram.api.wait_for(waiting_and_singing)
    waiting.says("/cancel")
    await waiting.sees("Cancelled: that video won't be made")
    await waiting.sees(f"🚫 {DEMO_TITLE}: cancelled.")

    [video] = await telegram.api.wait_for(lambda: telegram.api.videos(singing.chat_id), timeout=120)
    assert _has_sound_and_picture(telegram.api.uploads[video["video"]["file_id"]], tmp_path)
    status = await singing.sees(done_text(DEMO_TITLE))
    shown = telegram.api.history(status)
    assert shown[0] == CHECKING_PHOTO and any("▓" in text and "100%" in text for text in shown)
    [upload] = telegram.api.calls_to("sendVideo", singing.chat_id)
    assert upload.params["supports_streaming"] is True
    actions = telegram.api.calls_to("sendChatAction", singing.chat_id)
    assert actions and actions[0].params["action"] == "upload_video"
    assert telegram.api.calls.index(actions[0]) < telegram.api.calls.index(upload)
    assert telegram.api.videos(waiting.chat_id) == []


async def test_an_image_sent_as_a_file_sings_with_a_sing_reply(telegram, face_png):
    dave = telegram.person("Dave").in_chat(telegram.group())
    await telegram.consenting(dave)
    image = dave.sends_file(face_png, "image/png", "me.png")
    dave.says("/sing demo", reply_to=image)
    [video] = await telegram.api.wait_for(lambda: telegram.api.videos(dave.chat_id), timeout=120)
    assert video["reply_to_message"]["message_id"] == image["message_id"]
    await dave.sees(done_text(DEMO_TITLE))


async def test_a_video_over_the_upload_limit_is_explained_instead_of_sent(telegram, face_png):
    await telegram.stop()
    await telegram.start(limits=FileLimits(download_bytes=None, upload_bytes=1000))
    erin = telegram.person("Erin")
    await telegram.consenting(erin)
    erin.sends_photo(face_png, caption="/sing demo")
    await erin.sees("Telegram lets me send", timeout=120)
    assert telegram.api.calls_to("sendVideo", erin.chat_id) == []
