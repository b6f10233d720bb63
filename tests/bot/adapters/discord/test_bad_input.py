"""Every refusal reaches the user privately, in the service's words, and the bot keeps serving everyone else."""
import io
import itertools

import cv2
import numpy as np
import pytest
from PIL import Image

from bot.service import UserRef
from synth.face import SINGER, Pose, draw_face
from tests.bot.adapters.discord.conftest import ADMIN_ID, consenting
from tests.bot.adapters.discord.fake_discord import EPHEMERAL, MANAGE_GUILD, MEMBER_PERMISSIONS

pytestmark = pytest.mark.asyncio(loop_scope="module")
_users = itertools.count(2001)


def _png(rgb: np.ndarray) -> bytes:
    return cv2.imencode(".png", rgb[..., ::-1])[1].tobytes()


def _animated_gif() -> bytes:
    frames = [Image.new("RGB", (64, 64), colour) for colour in ((255, 0, 0), (0, 255, 0))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


BAD_PHOTOS = {
    "not an image": (b"just some notes", "notes.txt", "text/plain", "not an image I can read"),
    "animated": (_animated_gif(), "dance.gif", "image/gif", "animated"),
    "no face": (_png(np.full((256, 256, 3), 255, np.uint8)), "wall.png", "image/png", "couldn't find a face"),
    "tiny face": (_png(draw_face(SINGER, Pose(scale=0.15), 400, 400)), "far.png", "image/png", "too small"),
}


async def _sing(shared, user_id, image, template="demo", **context):
    return await shared.fake.command("sing", user_id, {"template": template, "image": image}, **context)


@pytest.mark.parametrize("case", BAD_PHOTOS)
async def test_a_photo_the_renderer_cannot_use_gets_its_reason(shared, case):
    data, filename, content_type, reason = BAD_PHOTOS[case]
    user_id = next(_users)
    await consenting(shared.bot, user_id)
    command = await _sing(shared, user_id, shared.fake.attachment(data, filename, content_type))
    answer = await shared.fake.answer(command, reason)
    assert answer.flags & EPHEMERAL and not command.followups


async def test_a_huge_photo_is_refused_before_it_is_downloaded(shared, face_png):
    user_id = next(_users)
    await consenting(shared.bot, user_id)
    huge = shared.fake.attachment(face_png, "huge.png", "image/png", size=50_000_000)
    answer = await shared.fake.answer(await _sing(shared, user_id, huge), "too large")
    assert "under 10 MB" in answer.content
    assert "huge.png" not in shared.fake.cdn_downloads


async def test_an_unknown_template_names_the_songs_there_are(shared, face_png):
    user_id = next(_users)
    photo = shared.fake.attachment(face_png, "me.png", "image/png")
    answer = await shared.fake.answer(await _sing(shared, user_id, photo, template="nope"), "don't know a song")
    assert "demo" in answer.content
    assert "me.png" not in shared.fake.cdn_downloads  # neither consent nor a download for a song that is not there


async def test_declining_consent_makes_nothing_and_keeps_nothing(shared, face_png):
    user_id = next(_users)
    command = await _sing(shared, user_id, shared.fake.attachment(face_png, "declined.png", "image/png"))
    asking = await shared.fake.answer(command, "please confirm")
    await shared.fake.click(asking, "Decline")
    answer = await shared.fake.answer(command, "won't animate")
    assert answer.buttons() == {} and "declined.png" not in shared.fake.cdn_downloads
    assert await shared.bot.service.consent.needs_consent(UserRef("discord", str(user_id)))


async def test_a_banned_user_is_told_so(shared, face_png):
    user_id = next(_users)
    await consenting(shared.bot, user_id)
    ban = await shared.fake.command("memebot-admin ban", ADMIN_ID, {"user": user_id})
    assert "is banned" in (await shared.fake.answer(ban)).content
    photo = shared.fake.attachment(face_png, "me.png", "image/png")
    await shared.fake.answer(await _sing(shared, user_id, photo), "not allowed to use this bot")


async def test_when_a_server_manager_switches_the_bot_off_it_says_so_until_switched_on(shared, face_png):
    manager, member = next(_users), next(_users)
    await consenting(shared.bot, member)
    off = await shared.fake.command("memebot-admin off", manager, permissions=MEMBER_PERMISSIONS | MANAGE_GUILD)
    await shared.fake.answer(off, "off in this chat")
    photo = shared.fake.attachment(face_png, "me.png", "image/png")
    await shared.fake.answer(await _sing(shared, member, photo), "switched the bot off here")
    in_a_dm = await _sing(shared, member, shared.fake.attachment(b"x", "notes.txt", "text/plain"), in_dm=True)
    await shared.fake.answer(in_a_dm, "not an image")  # the switch is per server: DMs still work

    refused = await shared.fake.command("memebot-admin on", member)  # not a server manager
    await shared.fake.answer(refused, "Only this chat's admins")
    on = await shared.fake.command("memebot-admin on", manager, permissions=MEMBER_PERMISSIONS | MANAGE_GUILD)
    await shared.fake.answer(on, "back on")


async def test_a_bug_gets_an_apology_and_the_bot_keeps_serving(shared, monkeypatch):
    async def broken():
        raise RuntimeError("a bug in the listing")

    monkeypatch.setattr(shared.bot.service.templates, "list", broken)
    user_id = next(_users)
    await shared.fake.answer(await shared.fake.command("templates", user_id), "something went wrong on my side")
    monkeypatch.undo()
    await shared.fake.answer(await shared.fake.command("templates", user_id), "demo")

