"""The shared texts name the label the operator configured (MEMEBOT_LABEL), word for word, in each language, and
a failure's reason reads in the user's language wherever it was written."""
from bot.adapters.messages import done_text, help_text, label_note, status_text
from bot.i18n import texts
from bot.queue.events import Failed
from bot.queue.lifecycle import TIMED_OUT

ENGLISH, JAPANESE = texts("en-US"), texts("ja")


def test_the_note_under_a_video_names_the_configured_label():
    assert label_note(ENGLISH, "Deepfake — made by a machine") == (
        'Made by AI (the video is labelled "Deepfake — made by a machine"). Please share it kindly.'
    )
    assert done_text(ENGLISH, "Baka Mitai", "KI-generiert") == (
        '✅ Baka Mitai: done! Made by AI (the video is labelled "KI-generiert"). Please share it kindly.'
    )
    assert done_text(JAPANESE, "Baka Mitai", "AI生成") == (
        "✅ Baka Mitai：できました！ AIで作った動画です（「AI生成」と表示されています）。"
        "思いやりを持って共有してください。"
    )


def test_help_names_the_configured_label():
    assert help_text(ENGLISH, "/sing", "KI-generiert").splitlines()[-1] == (
        'Only use photos of yourself, or of people who agreed. Every video is labelled "KI-generiert".'
    )
    assert help_text(JAPANESE, "/sing", "KI-generiert").splitlines()[-1] == (
        "使うのは自分の写真か、本人の同意を得た写真だけにしてください。動画にはすべて「KI-generiert」と表示されます。"
    )


def test_a_failure_says_why_in_the_users_language_and_that_the_quota_came_back():
    timed_out, too_small = Failed(7, TIMED_OUT), Failed(8, "The face in that photo is too small to animate; crop "
                                                            "closer or send a larger photo.")
    assert status_text(ENGLISH, timed_out, "Baka Mitai") == (
        "❌ Baka Mitai: The render took too long and was stopped. Your quota was refunded.")
    assert status_text(JAPANESE, timed_out, "Baka Mitai") == (
        "❌ Baka Mitai：動画の作成に時間がかかりすぎたため、中止しました。利用回数は戻しておきました。")
    assert "顔は小さすぎて" in status_text(JAPANESE, too_small, "Baka Mitai")
