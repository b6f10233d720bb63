"""/sing and "Make it sing" end to end: consent on first use, a private status edited as the job moves, the video posted publicly."""
from bot.service import UserRef
from tests.bot.adapters.discord.conftest import probe_upload

ALICE, BOB = 1001, 1002


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


async def test_make_it_sing_on_a_message_with_an_image_then_a_song_from_the_menu(start_bot, fake_discord, face_png):
    bot = await start_bot()
    await bot.service.consent.accept(UserRef("discord", str(ALICE)))
    [menu] = [c for c in fake_discord.commands if c["name"] == "Make it sing"]
    assert menu["contexts"] == [0, 1, 2] and menu["integration_types"] == [0, 1]  # also in DMs, and user-installed
    [sing] = [c for c in fake_discord.commands if c["name"] == "sing"]
    assert sing["contexts"] == [0, 1, 2]

    text_only = await fake_discord.message_command("Make it sing", ALICE, BOB, [])
    await fake_discord.answer(text_only, "That message has no image")

    photo = fake_discord.attachment(face_png, "friend.png", "image/png")
    picked = await fake_discord.message_command("Make it sing", ALICE, BOB, [photo])
    picker = await fake_discord.answer(picked, "Which song")
    assert picker.ephemeral
    chosen = await fake_discord.choose(picker, "Demo Song (synthesised)")
    (video,) = await fake_discord.wait_for(fake_discord.videos, timeout=120)
    assert video in chosen.followups and "done!" in video.content and not video.ephemeral
