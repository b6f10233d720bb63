"""/sing end to end: consent on first use, a private status edited as the job moves, the video posted publicly."""
from tests.bot.adapters.discord.conftest import probe_upload

ALICE = 1001


async def test_a_first_sing_asks_consent_then_shows_progress_and_posts_the_video(
    start_bot, fake_discord, face_png, other_face_png, tmp_path
):
    await start_bot(user_daily_quota=1)
    photo = fake_discord.attachment(face_png, "me.png", "image/png")
    command = await fake_discord.command("sing", ALICE, {"template": "demo", "image": photo})

    asking = await fake_discord.answer(command, "you are the person in the photo")
    assert asking.ephemeral and set(asking.buttons()) == {"Accept", "Decline"}
    assert fake_discord.cdn_downloads == []  # nothing is fetched before consent
    await fake_discord.click(asking, "Accept")

    (video,) = await fake_discord.wait_for(fake_discord.videos, timeout=120)
    assert not video.ephemeral and video in command.followups
    assert "done!" in video.content and "AI-generated" in video.content
    info = probe_upload(video, tmp_path / "received")
    assert info.has_audio and info.width > 0 and info.duration > 7

    status = await fake_discord.answer(command, "done!")
    assert status is asking and status.ephemeral and status.buttons() == {}
    assert any("%" in text and "▓" in text for text in status.history), status.history

    photo = fake_discord.attachment(other_face_png, "someone.png", "image/png")
    again = await fake_discord.command("sing", ALICE, {"template": "demo", "image": photo})
    refused = await fake_discord.answer(again, "used all 1 of your videos")
    assert refused.ephemeral and again.followups == []
