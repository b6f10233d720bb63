"""What the adapter reads from text: /addtemplate's arguments, commands in captions; and which limits apply."""
import datetime

import pytest
from telegram import Chat, Message

from bot.adapters.telegram.admin import TemplateSpec, parse_template_spec
from bot.adapters.telegram.captions import CaptionCommand, caption_command
from bot.adapters.telegram.limits import CLOUD_LIMITS, SELF_HOSTED_LIMITS, limits_for
from bot.service import UserFacingError


@pytest.mark.parametrize(("text", "spec"), [
    ('baka-mitai "Baka Mitai" 12.5 27', TemplateSpec("baka-mitai", "Baka Mitai", 12.5, 27.0)),
    ("Baka-Mitai 1:05 1:30.5 Baka Mitai", TemplateSpec("baka-mitai", "Baka Mitai", 65.0, 90.5)),
    ('luft "99 Luftballons"', TemplateSpec("luft", "99 Luftballons", None, None)),
    ("short 3", TemplateSpec("short", None, 3.0, None)),
])
def test_the_addtemplate_syntax(text, spec):
    assert parse_template_spec(text) == spec


@pytest.mark.parametrize("text", ["", "x 1 2 3", 'x "unclosed'])
def test_a_wrong_addtemplate_gets_the_syntax(text):
    with pytest.raises(UserFacingError, match="Send a video with the caption"):
        parse_template_spec(text)


@pytest.mark.parametrize(("caption", "command"), [
    ("/sing demo", CaptionCommand("sing", "demo")),
    ("/Sing@Memebot_Test_Bot  demo\nplease", CaptionCommand("sing", "demo\nplease")),
    ("/sing", CaptionCommand("sing", "")),
    ("/sing@other_bot demo", None),
    ("my holiday /sing demo", None),
    (None, None),
])
def test_a_command_in_a_caption(caption, command):
    message = Message(1, datetime.datetime.now(datetime.UTC), Chat(1, Chat.PRIVATE), caption=caption)
    assert caption_command(message, "memebot_test_bot") == command


def test_a_self_hosted_bot_api_server_lifts_the_file_limits():
    assert limits_for("https://api.telegram.org") == limits_for("https://api.telegram.org/") == CLOUD_LIMITS
    assert CLOUD_LIMITS.download_bytes == 20_000_000 and CLOUD_LIMITS.upload_bytes == 50_000_000
    assert limits_for("http://localhost:8081") == SELF_HOSTED_LIMITS
    assert SELF_HOSTED_LIMITS.download_bytes is None and SELF_HOSTED_LIMITS.upload_bytes == 2_000_000_000
