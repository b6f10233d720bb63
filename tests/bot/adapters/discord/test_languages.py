"""Discord in the user's language (interaction.locale): a whole /sing in Japanese, English for a locale memebot
does not ship, and the commands' descriptions translated for Discord's Japanese clients."""
from tests.bot.adapters.discord.conftest import consenting

HANA, XAVIER = 2001, 2002
DEMO_TITLE = "Demo Song (synthesised)"
JAPANESE_DONE = (f"✅ {DEMO_TITLE}：できました！ AIで作った動画です（「AI-generated」と表示されています）。"
                 "思いやりを持って共有してください。")


async def test_a_whole_sing_in_japanese(start_bot, fake_discord, face_png):
    await start_bot()
    photo = fake_discord.attachment(face_png, "me.png", "image/png")
    command = await fake_discord.command("sing", HANA, {"template": "demo", "image": photo}, locale="ja")

    asking = await fake_discord.answer(command, "顔を動かす前に、次のことを確認してください：")
    assert "すべての動画に「AI-generated」と表示されることを理解している。" in asking.content
    assert set(asking.buttons()) == {"同意する", "同意しない"}
    await fake_discord.click(asking, "同意する")

    (video,) = await fake_discord.wait_for(fake_discord.videos, timeout=120)
    assert video.content == JAPANESE_DONE and not video.ephemeral
    assert set(video.buttons()) == {"🗑 削除", "🎶 別の曲", "⚠ 報告"}
    status = await fake_discord.answer(command, JAPANESE_DONE)
    assert "🔎 写真を確認しています…" in status.history
    assert any(text.startswith(f"🎤 {DEMO_TITLE}：") and "▓" in text for text in status.history), status.history

    another = await fake_discord.click(video, "🎶 別の曲")
    await fake_discord.answer(another, "🎶 次はこの顔にどの曲を歌わせますか？")
    reported = await fake_discord.click(video, "⚠ 報告")
    question = await fake_discord.answer(reported, "⚠ この動画の何が問題ですか？")
    assert "本人の同意なく顔が使われている" in question.options()


async def test_refusals_and_the_help_in_japanese(start_bot, fake_discord):
    await start_bot()
    help_answer = await fake_discord.command("help", HANA, locale="ja")
    await fake_discord.answer(help_answer, "顔写真を送って曲を選ぶと、その顔が歌う動画を作ります。")
    text_only = await fake_discord.message_command("Make it sing", HANA, XAVIER, [], locale="ja")
    await fake_discord.answer(text_only, "このメッセージには画像がありません。")
    quota = await fake_discord.command("quota", HANA, locale="ja")
    await fake_discord.answer(quota, "今日あなたが作った動画：5本中0本")


async def test_a_locale_memebot_does_not_ship_gets_english(start_bot, fake_discord, face_png):
    bot = await start_bot()
    await consenting(bot, XAVIER)
    photo = fake_discord.attachment(face_png, "me.png", "image/png")
    command = await fake_discord.command("sing", XAVIER, {"template": "nosuchsong", "image": photo}, locale="xx")
    await fake_discord.answer(command, "I don't know a song called 'nosuchsong'. You can pick: demo.")


async def test_the_commands_are_described_in_japanese(start_bot, fake_discord):
    await start_bot()
    commands = {command["name"]: command for command in fake_discord.commands}
    sing = commands["sing"]
    assert sing["description"] == "Make the face in a photo sing a song"
    assert sing["description_localizations"] == {"ja": "写真の顔に曲を歌わせる"}
    image = next(option for option in sing["options"] if option["name"] == "image")
    assert image["description_localizations"] == {"ja": "顔写真：あなた自身の、または同意を得た人の写真"}
    assert commands["Make it sing"]["name_localizations"] == {"ja": "歌わせる"}
    assert commands["templates"]["description_localizations"] == {"ja": "歌わせられる曲（プレビュー付き）"}
    admin = commands["memebot-admin"]
    assert admin["description_localizations"] == {"ja": "ボット管理者用ツール"}
    ban = next(option for option in admin["options"] if option["name"] == "ban")
    assert ban["description_localizations"] == {"ja": "ユーザーのボット利用を禁止する"}
