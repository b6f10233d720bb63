"""/memebot-admin: templates from a clip with progress, and limits; non-admins are refused by the service itself."""
import itertools

import pytest

from synth.demo import write_driving_clip
from tests.bot.adapters.discord.conftest import ADMIN_ID
from tests.bot.adapters.discord.fake_discord import ADMINISTRATOR, MANAGE_GUILD

pytestmark = pytest.mark.asyncio(loop_scope="module")
_users = itertools.count(3001)


@pytest.fixture(scope="module")
def clip_attachment(tmp_path_factory):
    clip = write_driving_clip(tmp_path_factory.mktemp("clips") / "conductor.mp4", seconds=1.0)
    return clip.read_bytes()


async def test_a_non_admin_cannot_add_a_template_even_as_server_administrator(shared, clip_attachment):
    clip = shared.fake.attachment(clip_attachment, "sneaky.mp4", "video/mp4")
    command = await shared.fake.command(
        "memebot-admin add-template", next(_users), {"clip": clip, "name": "sneaky"}, permissions=ADMINISTRATOR
    )
    await shared.fake.answer(command, "Only bot admins can do that.")
    assert "sneaky.mp4" not in shared.fake.cdn_downloads
    assert "sneaky" not in [t.slug for t in await shared.bot.service.templates.list()]


async def test_an_admin_adds_a_template_from_a_clip_watching_its_progress_then_removes_it(shared, clip_attachment):
    clip = shared.fake.attachment(clip_attachment, "conductor.mp4", "video/mp4")
    options = {"clip": clip, "name": "conductor", "title": "The Conductor", "end": 1.0}
    command = await shared.fake.command("memebot-admin add-template", ADMIN_ID, options)
    added = await shared.fake.answer(command, "Added conductor", timeout=120)
    assert "The Conductor" in added.content
    assert any("conductor:" in text and "%" in text for text in added.history), added.history

    choices = await shared.fake.command("sing", ADMIN_ID, {"template": "cond", "image": clip}, focused="template")
    (callback,) = await shared.fake.wait_for(lambda: choices.callbacks)
    assert callback["type"] == 8
    assert callback["data"]["choices"] == [{"name": "The Conductor (conductor)", "value": "conductor"}]

    removal = await shared.fake.command("memebot-admin remove-template", ADMIN_ID, {"name": "conductor"})
    await shared.fake.answer(removal, "Removed conductor")
    assert "conductor" not in [t.slug for t in await shared.bot.service.templates.list()]


async def test_limits_for_a_user_and_for_the_server_show_in_their_quota(shared):
    user_id = next(_users)
    for_user = await shared.fake.command("memebot-admin set-limit", ADMIN_ID, {"limit": 3, "user": user_id})
    await shared.fake.answer(for_user, f"<@{user_id}> may now make 3 videos a day")
    for_server = await shared.fake.command("memebot-admin set-limit", ADMIN_ID, {"limit": 0})
    await shared.fake.answer(for_server, "This server may now make unlimited videos a day")
    quota = await shared.fake.answer(await shared.fake.command("quota", user_id))
    assert "made 0 of 3 videos; this chat made 0 of unlimited" in quota.content

    refused = await shared.fake.command("memebot-admin set-limit", user_id, {"limit": 100, "user": user_id})
    await shared.fake.answer(refused, "Only bot admins can do that.")
    back = await shared.fake.command("memebot-admin set-limit", ADMIN_ID, {})
    await shared.fake.answer(back, "back to the default")


async def test_discord_shows_the_admin_group_only_to_server_managers(shared):
    (group,) = [c for c in shared.fake.commands if c["name"] == "memebot-admin"]
    assert int(group["default_member_permissions"]) == MANAGE_GUILD
