"""Bot admins add a song from a clip and remove it again; nobody else can."""
import pytest

from bot.adapters.telegram.admin import ADD_TEMPLATE_SYNTAX, ADD_TEMPLATE_USAGE
from synth.demo import write_driving_clip

pytestmark = pytest.mark.asyncio(loop_scope="package")


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> bytes:
    return write_driving_clip(tmp_path_factory.mktemp("clip") / "clip.mp4", seconds=1.0).read_bytes()


async def test_an_admin_adds_a_song_from_a_clip_and_removes_it(telegram, clip):
    admin = telegram.admin()
    upload = admin.sends_video(clip, caption='/addtemplate tiny-song "Tiny Song" 0 1')
    result = await admin.sees("✅ Added tiny-song — Tiny Song (1.0 s)", timeout=60)
    assert result["reply_to_message"]["message_id"] == upload["message_id"]
    shown = telegram.api.history(result)
    assert shown[0].startswith("⚙️ tiny-song: downloading") and any("tracking the face" in text for text in shown)

    admin.says("/templates")
    await admin.sees("• tiny-song — Tiny Song (1 s)")
    admin.says("/removetemplate tiny-song")
    await admin.sees("Removed tiny-song; it can no longer be picked.")
    assert "tiny-song" not in [template.slug for template in await telegram.service.templates.list()]


async def test_only_admins_add_songs_and_nothing_is_downloaded_for_others(telegram, clip):
    xavier = telegram.person("Xavier")
    xavier.sends_video(clip, caption="/addtemplate mine")
    await xavier.sees("Only bot admins can do that.")
    xavier.says("/removetemplate demo")
    await telegram.api.wait_for(lambda: len(telegram.api.bot_messages(xavier.chat_id)) == 2)
    assert [m["text"] for m in telegram.api.bot_messages(xavier.chat_id)] == ["Only bot admins can do that."] * 2
    assert telegram.api.calls_to("getFile") == []


async def test_an_admin_gets_the_syntax_when_the_clip_is_missing(telegram):
    admin = telegram.admin()
    admin.says("/addtemplate baka-mitai")
    await admin.sees(ADD_TEMPLATE_USAGE.format(syntax=ADD_TEMPLATE_SYNTAX))
