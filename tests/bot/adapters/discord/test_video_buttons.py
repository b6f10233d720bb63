"""The buttons under a video on Discord: Delete, Another song, Report; they work after a restart too."""
import asyncio

from sqlalchemy import select

from bot.adapters.messages import PICK_ANOTHER_SONG, REPORT_QUESTION, REPORTED
from bot.store.models import AuditEntry
from tests.bot.adapters.discord.conftest import ADMIN_ID, bot_settings, consenting, running_bot

DANA, EVE = 7001, 7002
DEMO_TITLE = "Demo Song (synthesised)"


async def _delivered(bot):
    async with asyncio.timeout(30):
        while await bot.service.renders.undelivered("discord"):
            await asyncio.sleep(0.1)


async def test_delete_another_song_and_report_under_a_video_also_after_a_restart(fake_discord, face_png, tmp_path):
    settings = bot_settings(tmp_path / "data", fake_discord)
    async with running_bot(settings) as first:
        await consenting(first, DANA)
        photo = fake_discord.attachment(face_png, "me.png", "image/png")
        command = await fake_discord.command("sing", DANA, {"template": "demo", "image": photo})
        (video,) = await fake_discord.wait_for(fake_discord.videos, timeout=120)
        assert list(video.buttons()) == ["🗑 Delete", "🎶 Another song", "⚠ Report"]
        await _delivered(first)

        refused = await fake_discord.click(video, "🗑 Delete", by=EVE)
        await fake_discord.answer(refused, "Only the person who asked for this video")
        assert video.id in fake_discord.messages

        more = await fake_discord.click(video, "🎶 Another song")
        picker = await fake_discord.answer(more, PICK_ANOTHER_SONG)
        assert picker.ephemeral
        await fake_discord.choose(picker, DEMO_TITLE)  # no new photo: the kept one (this face sang it already)
        await fake_discord.wait_for(lambda: len(fake_discord.videos()) == 2 or None, timeout=60)
        await _delivered(first)

    async with running_bot(settings) as second:  # the buttons of videos sent before the restart
        report = await fake_discord.click(video, "⚠ Report", by=EVE)
        question = await fake_discord.answer(report, REPORT_QUESTION)
        reason = await fake_discord.choose(question, "It could deceive people", by=EVE)
        await fake_discord.answer(reason, REPORTED)
        dm = await fake_discord.wait_for(lambda: fake_discord.dm_channel(ADMIN_ID))
        (notice,) = await fake_discord.wait_for(lambda: fake_discord.channel_messages(dm))
        assert f"discord:{EVE} reported video" in notice.content and "deceive" in notice.content
        async with second.service.db.transaction() as session:
            (entry,) = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "report"))).all()
        assert entry.actor == f"discord:{EVE}" and entry.detail == {"reason": "deception", "platform": "discord"}
        assert video.id in fake_discord.messages  # a report hides nothing by itself

        deleted = await fake_discord.click(video, "🗑 Delete")
        await fake_discord.wait_for(lambda: video.id not in fake_discord.messages or None)
        assert [m.content for m in await fake_discord.wait_for(lambda: deleted.followups)] == ["Deleted."]
    assert command.followups  # the first video came as a reply to the command
