"""The informational commands, forgetting a user, and syncing the command set only when it changed."""
import pytest

from bot.adapters.discord import DiscordAdapter
from bot.adapters.discord.sync import SYNCED_COMMANDS_FILE
from bot.service import UserRef
from tests.bot.adapters.discord.conftest import consenting

pytestmark = pytest.mark.asyncio(loop_scope="module")
USER = 4001
GUILDS_INTENT = 1 << 0


async def test_templates_lists_the_songs_with_their_previews(shared):
    listing = await shared.fake.answer(await shared.fake.command("templates", USER))
    assert listing.ephemeral and "demo — Demo Song (synthesised) (7 s)" in listing.content
    assert [upload.filename for upload in listing.uploads] == ["demo.jpg"]


async def test_privacy_quota_and_help_answer_privately(shared):
    privacy = await shared.fake.answer(await shared.fake.command("privacy", USER))
    assert privacy.ephemeral and "What I keep about you" in privacy.content
    quota = await shared.fake.answer(await shared.fake.command("quota", USER))
    assert quota.ephemeral and "Today you made 0 of 5 videos" in quota.content
    cancel = await shared.fake.answer(await shared.fake.command("cancel", USER))
    assert cancel.ephemeral and cancel.content == "You have no video on the way here."
    help_ = await shared.fake.answer(await shared.fake.command("help", USER))
    assert help_.ephemeral and help_.content == (
        "Send me a face photo and pick a song: I'll make that face sing it.\n"
        "• /sing NAME with a photo — sing a song\n"
        "• /templates — the songs you can pick\n"
        "• /quota — how many videos you have left today\n"
        "• /cancel — drop a video still waiting in line\n"
        "• /privacy — what I keep and for how long\n"
        "• /forgetme — delete everything I have about you\n"
        'Only use photos of yourself, or of people who agreed. Every video is labelled "AI-generated".'
    )


async def test_forgetme_asks_first_then_forgets_consent_too(shared):
    await consenting(shared.bot, USER)
    kept = await shared.fake.command("forgetme", USER)
    await shared.fake.click(await shared.fake.answer(kept, "cannot be undone"), "Keep")
    await shared.fake.answer(kept, "nothing was deleted")
    assert not await shared.bot.service.consent.needs_consent(UserRef("discord", str(USER)))

    forget = await shared.fake.command("forgetme", USER)
    await shared.fake.click(await shared.fake.answer(forget, "cannot be undone"), "Forget me")
    answer = await shared.fake.answer(forget, "I have forgotten you")
    assert answer.buttons() == {}
    assert await shared.bot.service.consent.needs_consent(UserRef("discord", str(USER)))


async def test_the_bot_asks_for_no_privileged_intent(shared):
    (identify,) = shared.fake.identifies
    assert identify["intents"] == GUILDS_INTENT
    assert identify["shard"] == [0, 1]  # the sharded client, with the one shard Discord asked for


async def test_the_commands_are_synced_once_and_again_only_when_they_change(shared):
    assert len(shared.fake.calls_to("PUT", "/applications/")) == 1  # when the shared bot started
    names = {command["name"] for command in shared.fake.commands}
    assert names == {"sing", "templates", "quota", "cancel", "privacy", "forgetme", "help", "memebot-admin",
                     "Make it sing"}

    await _restart_adapter(shared)
    assert len(shared.fake.calls_to("PUT", "/applications/")) == 1

    (shared.bot.service.settings.data_dir / "discord" / SYNCED_COMMANDS_FILE).write_text("an older command set\n")
    await _restart_adapter(shared)
    assert len(shared.fake.calls_to("PUT", "/applications/")) == 2


async def _restart_adapter(shared):
    """Start a second adapter on the same service and data folder, as a restarted bot would, then stop it."""
    adapter = DiscordAdapter(shared.bot.service.settings, shared.bot.service)
    await adapter.start()
    await adapter.stop()
