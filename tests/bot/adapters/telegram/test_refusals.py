"""Whatever goes wrong, the user gets a friendly answer in the service's words, and the bot carries on."""
import io

import cv2
import numpy as np
import pytest
from PIL import Image

from bot.adapters.messages import CONSENT_DECLINED, PICK_A_SONG, SOMETHING_WENT_WRONG
from bot.adapters.telegram.limits import CLOUD_DOWNLOAD_LIMIT_BYTES
from synth.face import SINGER, Pose, draw_face
from tests.bot.adapters.telegram.conftest import DEMO_TITLE, fresh_face_png, user_ref

pytestmark = pytest.mark.asyncio(loop_scope="package")


def _png(rgb: np.ndarray) -> bytes:
    return cv2.imencode(".png", rgb[..., ::-1])[1].tobytes()


def _encoded(image: Image.Image, format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format, **options)
    return out.getvalue()


def _animated_gif() -> bytes:
    frames = [Image.new("RGB", (64, 64), colour) for colour in ((255, 0, 0), (0, 255, 0))]
    return _encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])


@pytest.mark.parametrize(("data", "mime_type", "answer"), [
    pytest.param(b"just some words", "image/jpeg", "not an image I can read", id="not an image"),
    pytest.param(_animated_gif(), "image/gif", "That image is animated", id="animated"),
    pytest.param(_encoded(Image.new("L", (12_000, 12_000)), "PNG"), "image/png", "too many pixels", id="huge"),
    pytest.param(_png(np.full((300, 300, 3), 127, np.uint8)), "image/png", "couldn't find a face", id="no face"),
    pytest.param(_png(draw_face(SINGER, Pose(scale=0.2), 480, 480)), "image/png", "face in that photo is too small",
                 id="tiny face"),
])
async def test_an_unusable_image_is_refused_with_the_reason(telegram, data, mime_type, answer):
    frank = telegram.person("Frank")
    await telegram.consenting(frank)
    frank.sends_file(data, mime_type, "upload", caption="/sing demo")
    await frank.sees(answer)
    assert await telegram.service.renders.undelivered("telegram") == []


async def test_a_photo_beyond_the_download_limit_is_refused_before_downloading(telegram, face_png):
    gina = telegram.person("Gina")
    gina.sends_photo(face_png, caption="/sing demo", claimed_size=CLOUD_DOWNLOAD_LIMIT_BYTES + 1)
    await gina.sees("larger than the 20 MB Telegram lets me download")
    assert telegram.api.calls_to("getFile") == []


async def test_a_photo_over_memebots_own_limit_is_refused_before_downloading(telegram, face_png):
    ivy = telegram.person("Ivy")
    await telegram.consenting(ivy)
    ivy.sends_photo(face_png, caption="/sing demo", claimed_size=telegram.service.settings.max_photo_bytes + 1)
    await ivy.sees("That photo is too large; please send one under 10 MB.")
    assert telegram.api.calls_to("getFile") == []


async def test_an_unknown_song_names_the_ones_there_are(telegram, face_png):
    hank = telegram.person("Hank")
    await telegram.consenting(hank)
    hank.sends_photo(face_png, caption="/sing nosuchsong")
    await hank.sees("I don't know a song called 'nosuchsong'. You can pick: demo")


async def test_declining_consent_makes_nothing_and_keeps_no_photo(telegram, face_png):
    settings = telegram.service.settings
    downloads = settings.data_dir / "telegram-downloads"
    before = set(settings.photos_dir.iterdir()), set(downloads.rglob("*"))  # other tests' photos kept for a while
    ivy = telegram.person("Ivy")
    ivy.sends_photo(face_png)
    picker = await ivy.sees(PICK_A_SONG)
    ivy.presses(picker, DEMO_TITLE)
    consent = await ivy.sees("Before I animate a face")
    ivy.presses(consent, "✖️ Decline")
    await ivy.sees(CONSENT_DECLINED)
    assert (set(settings.photos_dir.iterdir()), set(downloads.rglob("*"))) == before
    assert await telegram.service.consent.needs_consent(user_ref(ivy))


async def test_someone_else_cannot_press_your_buttons(telegram, face_png):
    group = telegram.group()
    jack, kim = telegram.person("Jack").in_chat(group), telegram.person("Kim").in_chat(group)
    jack.sends_photo(face_png, caption="/sing")
    picker = await jack.sees(PICK_A_SONG)
    kim.presses(picker, DEMO_TITLE)
    answer = await telegram.api.wait_for(lambda: telegram.api.calls_to("answerCallbackQuery"))
    assert answer[0].params["show_alert"] is True and "Only the person who asked" in answer[0].params["text"]
    assert telegram.api.buttons(picker) == [DEMO_TITLE]  # still Jack's to press


async def test_a_double_tap_on_a_song_button_is_one_request(telegram, face_png):
    rosa = telegram.person("Rosa")
    rosa.sends_photo(face_png)
    picker = await rosa.sees(PICK_A_SONG)
    rosa.presses(picker, DEMO_TITLE)
    rosa.presses(picker, DEMO_TITLE)
    consent = await rosa.sees("Before I animate a face")
    await telegram.api.wait_for(lambda: len(telegram.api.calls_to("answerCallbackQuery")) == 2)
    assert telegram.api.bot_messages(rosa.chat_id) == [consent]  # no apology, no second message
    assert telegram.api.buttons(consent) == ["✅ I accept", "✖️ Decline"]


async def test_a_used_up_quota_is_explained(telegram):
    group = telegram.group()
    admin, liam = telegram.admin().in_chat(group), telegram.person("Liam").in_chat(group)
    await telegram.consenting(liam)
    admin.says(f"/setlimit {liam.id} 1")
    await admin.sees(f"telegram:{liam.id} may now make 1 video a day.")
    liam.sends_photo(fresh_face_png(), caption="/sing demo")
    await telegram.api.wait_for(lambda: telegram.api.videos(group["id"]), timeout=120)
    liam.sends_photo(fresh_face_png(), caption="/sing demo")  # a new face: no earlier video to reuse for free
    await liam.sees("You have used all 1 of your videos for today")


async def test_a_banned_user_is_refused_until_unbanned(telegram, face_png):
    group = telegram.group()
    admin, mia = telegram.admin().in_chat(group), telegram.person("Mia").in_chat(group)
    await telegram.consenting(mia)
    hello = mia.says("hello everyone")
    mia.says("/ban", reply_to=hello)
    await mia.sees("Only bot admins can do that.")
    admin.says("/ban", reply_to=hello)
    await admin.sees(f"telegram:{mia.id} is banned from the bot.")
    mia.sends_photo(face_png, caption="/sing demo")
    await mia.sees("You are not allowed to use this bot.")
    admin.says(f"/unban {mia.id}")
    await admin.sees(f"telegram:{mia.id} may use the bot again.")


async def test_chat_admins_switch_the_bot_off_and_on_in_their_group(telegram, face_png):
    group = telegram.group()
    owner, nick = telegram.person("Olga").in_chat(group), telegram.person("Nick").in_chat(group)
    telegram.api.chat_admins.add((group["id"], owner.id))
    await telegram.consenting(nick)
    owner.says("/off")
    await owner.sees("I'm off in this chat")
    nick.sends_photo(face_png, caption="/sing demo")
    await nick.sees("The admins of this chat have switched the bot off here.")
    nick.says("/on")
    await nick.sees("Only this chat's admins can switch the bot on or off here.")
    owner.says("/on")
    await owner.sees("I'm back on in this chat.")


async def test_a_group_ignores_plain_photos_but_answers_photos_sent_in_reply_to_the_bot(telegram, face_png):
    pete = telegram.person("Pete").in_chat(telegram.group())
    pete.sends_photo(face_png)
    pete.says("/templates")
    listing = await pete.sees("Songs you can pick")
    texts = [message for message in telegram.api.bot_messages(pete.chat_id) if "animation" not in message]
    assert texts == [listing]  # the previews and the listing: nothing about the photo
    pete.sends_photo(face_png, reply_to=listing)
    picker = await pete.sees(PICK_A_SONG)
    assert DEMO_TITLE in telegram.api.buttons(picker)


async def test_an_unexpected_failure_is_apologised_for_and_the_bot_carries_on(telegram, face_png):
    quinn = telegram.person("Quinn")
    await telegram.consenting(quinn)
    telegram.api.failing.add("getFile")
    quinn.sends_photo(face_png, caption="/sing demo")
    await quinn.sees(SOMETHING_WENT_WRONG)
    quinn.sends_photo(face_png, caption="/sing nosuchsong")
    await quinn.sees("I don't know a song called")
