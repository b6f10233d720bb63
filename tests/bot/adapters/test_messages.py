"""The shared texts name the label the operator configured (MEMEBOT_LABEL), word for word."""
from bot.adapters.messages import done_text, help_text, label_note


def test_the_note_under_a_video_names_the_configured_label():
    assert label_note("Deepfake — made by a machine") == (
        'Made by AI (the video is labelled "Deepfake — made by a machine"). Please share it kindly.'
    )
    assert done_text("Baka Mitai", "KI-generiert") == (
        '✅ Baka Mitai: done! Made by AI (the video is labelled "KI-generiert"). Please share it kindly.'
    )


def test_help_names_the_configured_label():
    assert help_text("/sing", "KI-generiert").splitlines()[-1] == (
        'Only use photos of yourself, or of people who agreed. Every video is labelled "KI-generiert".'
    )
