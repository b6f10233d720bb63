"""Telegram in the user's language (their app's language_code): a whole request in Japanese, English for a
language memebot does not ship, and the command menus and descriptions per language."""
import io

import pytest
from PIL import Image

from bot.adapters.messages import PICK_A_SONG
from tests.bot.adapters.telegram.conftest import DEMO_TITLE, fresh_face_png

pytestmark = pytest.mark.asyncio(loop_scope="package")


async def test_a_whole_request_in_japanese(telegram):
    hana = telegram.person("Hana", language_code="ja")
    photo = hana.sends_photo(fresh_face_png())
    picker = await hana.sees("🎶 この顔にどの曲を歌わせますか？")
    assert picker["reply_to_message"]["message_id"] == photo["message_id"]

    hana.presses(picker, DEMO_TITLE)
    consent = await hana.sees("顔を動かす前に、次のことを確認してください：")
    statement = consent["text"]  # the message changes on: it becomes the status
    assert "すべての動画に「AI-generated」と表示されることを理解している。" in statement
    assert "写真は、動画ができてから（または失敗してから）10分間保存します。" in statement
    assert telegram.api.buttons(consent) == ["✅ 同意する", "✖️ 同意しない"]
    hana.presses(consent, "✅ 同意する")

    [video] = await telegram.api.wait_for(lambda: telegram.api.videos(hana.chat_id), timeout=120)
    assert video["caption"] == (
        "AIで作った動画です（「AI-generated」と表示されています）。思いやりを持って共有してください。")
    assert telegram.api.buttons(video) == ["🗑 削除", "🎶 別の曲", "⚠ 報告"]
    status = await hana.sees(f"✅ {DEMO_TITLE}：できました！")
    shown = telegram.api.history(status)
    assert shown[:3] == ["🎶 この顔にどの曲を歌わせますか？", "🔎 写真を確認しています…", statement]
    assert any(text.startswith(f"🎤 {DEMO_TITLE}：") and "▓" in text for text in shown), shown
    assert shown[-1] == (f"✅ {DEMO_TITLE}：できました！ AIで作った動画です（「AI-generated」と表示されています）。"
                         "思いやりを持って共有してください。")

    hana.presses(video, "🎶 別の曲")
    await hana.sees("🎶 次はこの顔にどの曲を歌わせますか？")
    hana.says("/privacy")
    await hana.sees("あなたについて保存する情報：")
    hana.says("/quota")
    await hana.sees("今日あなたが作った動画：5本中1本、このチャット全体：30本中1本。")
    photos = telegram.service.settings.photos_dir
    kept = set(photos.iterdir())  # hana's photo, and any other test's still kept for Another song
    hana.presses(video, "🗑 削除")  # the kept photo goes with it
    await telegram.api.wait_for(lambda: "削除しました。" in telegram.api.answers())
    assert len(kept - set(photos.iterdir())) == 1


async def test_a_refusal_and_the_help_in_japanese(telegram):
    kenji = telegram.person("Kenji", language_code="ja-JP")
    await telegram.consenting(kenji)
    kenji.sends_photo(fresh_face_png(), caption="/sing nosuchsong")
    await kenji.sees("「nosuchsong」という曲は知りません。選べる曲：demo")
    wall = io.BytesIO()
    Image.new("RGB", (300, 300), (127, 127, 127)).save(wall, "PNG")
    kenji.sends_photo(wall.getvalue(), caption="/sing demo")  # inference's refusal, translated by the adapter
    no_face = "その写真には顔が見つかりませんでした。明るい場所で正面から撮った、はっきりした写真でお試しください。"
    await kenji.sees(no_face)
    kenji.says("/help")
    help_text = await kenji.sees("顔写真を送って曲を選ぶと、その顔が歌う動画を作ります。")
    assert "グループでは、写真にキャプション /sing 曲名 を付けて送るか" in help_text["text"]
    kenji.says("hello")
    await kenji.sees("顔写真を送ってくれたら、歌わせる曲の候補を出します。詳しくは /help をどうぞ。")


async def test_a_language_memebot_does_not_ship_gets_english(telegram):
    xavier = telegram.person("Xavier", language_code="xx")
    xavier.sends_photo(fresh_face_png())
    picker = await xavier.sees(PICK_A_SONG)
    xavier.presses(picker, DEMO_TITLE)
    consent = await xavier.sees("Before I animate a face, please confirm that:")
    assert telegram.api.buttons(consent) == ["✅ I accept", "✖️ Decline"]


async def test_the_menus_and_descriptions_in_each_language(telegram):
    def menus(language: str | None) -> dict[str, dict[str, str]]:
        return {(call.params.get("scope") or {}).get("type", "default"):
                {c["command"]: c["description"] for c in call.params["commands"]}
                for call in telegram.api.calls_to("setMyCommands") if call.params.get("language_code") == language}

    english, japanese = menus(None), menus("ja")
    assert english.keys() == japanese.keys() == {"default", "all_chat_administrators", "chat"}
    for scope, commands in english.items():
        assert japanese[scope].keys() == commands.keys()  # the same commands, described in Japanese
    assert english["default"]["sing"] == "sing a song: with a photo, or in a reply to one"
    assert japanese["default"]["sing"] == "曲を歌わせる：写真と一緒に、または写真への返信で"
    assert japanese["all_chat_administrators"]["off"] == "このグループで私をオフにする"
    assert japanese["chat"]["ban"] == "利用を禁止する：その人への返信で、または USER_ID"

    descriptions = {call.params.get("language_code"): call.params["description"]
                    for call in telegram.api.calls_to("setMyDescription")}
    assert descriptions[None].startswith("Send me a face photo and pick a song")
    assert descriptions["ja"].startswith("顔写真を送って曲を選ぶと、その顔が歌う短い動画を作ります")
    short = {call.params.get("language_code"): call.params["short_description"]
             for call in telegram.api.calls_to("setMyShortDescription")}
    assert short == {None: "I make a face photo sing a song (AI-generated, labelled).",
                     "ja": "顔写真に曲を歌わせます（AI生成の表示付き）。"}
