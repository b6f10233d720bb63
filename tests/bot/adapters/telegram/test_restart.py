"""A bot stopped in the middle of a render delivers the video after its restart, exactly once."""
import pytest

from bot.adapters.messages import done_text
from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram.limits import CLOUD_LIMITS
from bot.i18n import ENGLISH_TEXTS
from bot.service import MemeService
from tests.bot.adapters.telegram.conftest import DEMO_TITLE, all_delivered, fresh_face_png, telegram_settings, user_ref
from tests.bot.adapters.telegram.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.asyncio(loop_scope="package")


@pytest.mark.parametrize(("grace", "rendered_again"), [
    pytest.param(0.05, True, id="render cut short, run again"),
    pytest.param(60.0, False, id="render finished while the bot stopped"),
])
async def test_a_restart_mid_render_still_delivers_the_video_once(make_settings, grace, rendered_again):
    api = FakeBotApi()
    await api.start()
    settings = telegram_settings(make_settings(shutdown_grace_seconds=grace), api)
    yara = api.person(4242, "Yara")
    try:
        async with MemeService.running(settings) as service:
            await service.consent.accept(user_ref(yara))
            adapter = TelegramAdapter(settings, service, limits=CLOUD_LIMITS)
            await adapter.start()
            yara.sends_photo(fresh_face_png(), caption="/sing demo")
            status = await yara.sees("rendering", timeout=60)
            await adapter.stop()
        # The service stopped too: the render was handed back to the queue, or finished within its grace.
        assert api.videos(yara.chat_id) == []

        async with MemeService.running(settings) as service:
            adapter = TelegramAdapter(settings, service, limits=CLOUD_LIMITS)
            await adapter.start()
            await yara.sees(done_text(ENGLISH_TEXTS, DEMO_TITLE, "AI-generated"), timeout=120)
            await all_delivered(service)
            await adapter.stop()
    finally:
        await api.stop()
    assert len(api.calls_to("sendVideo", yara.chat_id)) == 1
    shown = api.history(status)  # the same status message, edited on after the restart
    assert any("starting again after a restart" in text for text in shown) == rendered_again
    assert shown[-1] == done_text(ENGLISH_TEXTS, DEMO_TITLE, "AI-generated")
