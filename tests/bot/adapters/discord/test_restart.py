"""A bot restarted in the middle of a job still delivers its video, once, to the same conversation."""
import asyncio

from tests.bot.adapters.discord.conftest import bot_settings, consenting, running_bot

CAROL = 6001


async def test_a_restart_mid_render_still_delivers_the_video_once(fake_discord, face_png, tmp_path):
    settings = bot_settings(tmp_path / "data", fake_discord)
    async with running_bot(settings) as first:
        await consenting(first, CAROL)
        photo = fake_discord.attachment(face_png, "me.png", "image/png")
        command = await fake_discord.command("sing", CAROL, {"template": "demo", "image": photo})
        await fake_discord.answer(command, "rendering", timeout=120)
    assert fake_discord.videos() == []

    async with running_bot(settings) as second:
        (video,) = await fake_discord.wait_for(fake_discord.videos, timeout=120)
        assert video in command.followups  # the token still lives: a reply to the same command
        await fake_discord.answer(command, "done!")
        async with asyncio.timeout(10):
            while await second.service.renders.undelivered("discord"):
                await asyncio.sleep(0.1)
    assert len(fake_discord.videos()) == 1
    assert len(fake_discord.calls_to("PUT", "/applications/")) == 1  # the unchanged commands were not synced again
