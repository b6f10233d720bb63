"""Getting the video to the user: after the interaction token expires, and within the upload limit."""
from datetime import datetime, timezone

from bot.adapters.discord.reply import TOKEN_MARGIN
from tests.bot.adapters.discord.conftest import consenting, probe_upload
from tests.bot.adapters.discord.fake_discord import CHANNEL_ID, TOKEN_LIFETIME
from tests.credentials import assert_signed_demo_video

BOB = 5001
# The video of the demo song is about 175 kB; this forces a re-encode that can still fit.
SMALL_UPLOAD_LIMIT = 120_000
# Too small for any watchable video of the song.
TINY_UPLOAD_LIMIT = 4_000


async def test_a_video_ready_after_the_token_expires_goes_to_the_channel_or_a_dm(start_bot, fake_discord, face_png):
    bot = await start_bot()
    await consenting(bot, BOB)
    # Created so long ago that its token dies within the margin: no edit of the private message can be trusted.
    nearly_expired = datetime.now(timezone.utc) - TOKEN_LIFETIME + TOKEN_MARGIN / 2
    photo = fake_discord.attachment(face_png, "me.png", "image/png")
    command = await fake_discord.command("sing", BOB, {"template": "demo", "image": photo}, created_at=nearly_expired)

    (posted,) = await fake_discord.wait_for(lambda: fake_discord.channel_messages(CHANNEL_ID), timeout=120)
    assert posted.content.startswith(f"<@{BOB}> ✅") and posted.uploads
    assert command.followups == []
    assert "Looking at your photo" in command.original.content  # not edited once the token was unsafe

    fake_discord.forbidden_channels.add(CHANNEL_ID)  # the bot may not post there: the user gets a DM
    photo = fake_discord.attachment(face_png, "me-again.png", "image/png")
    await fake_discord.command("sing", BOB, {"template": "demo", "image": photo}, created_at=nearly_expired)
    (direct,) = await fake_discord.wait_for(lambda: fake_discord.channel_messages(fake_discord.dm_channel(BOB)))
    assert "done!" in direct.content and direct.uploads


async def test_a_video_over_the_upload_limit_is_shrunk_or_explained(start_bot, fake_discord, face_png, tmp_path):
    bot = await start_bot()
    await consenting(bot, BOB)
    photo = fake_discord.attachment(face_png, "me.png", "image/png")
    await fake_discord.command("sing", BOB, {"template": "demo", "image": photo}, upload_limit=SMALL_UPLOAD_LIMIT)
    (shrunk,) = await fake_discord.wait_for(fake_discord.videos, timeout=120)
    (upload,) = shrunk.uploads
    assert len(upload.data) <= SMALL_UPLOAD_LIMIT
    info = probe_upload(shrunk, tmp_path / "received")
    assert info.has_audio and info.duration > 7
    assert_signed_demo_video(upload.data, tmp_path)

    photo = fake_discord.attachment(face_png, "me-again.png", "image/png")  # the same face: the video is reused
    command = await fake_discord.command(
        "sing", BOB, {"template": "demo", "image": photo}, upload_limit=TINY_UPLOAD_LIMIT
    )
    answer = await fake_discord.answer(command, "does not fit")
    assert "0.004 MB upload limit" in answer.content and answer.ephemeral
    assert len(fake_discord.videos()) == 1
