"""Sharding: the bot opens as many gateway shards as GET /gateway/bot asks for, and commands work on each."""
from tests.bot.adapters.discord.fake_discord import GUILD_ID

USER = 7001


async def test_the_bot_identifies_every_shard_discord_asks_for_and_answers_on_each(fake_discord, start_bot):
    fake_discord.shard_count = 2
    await start_bot()
    assert sorted(identify["shard"] for identify in fake_discord.identifies) == [[0, 2], [1, 2]]
    assert fake_discord.connected_shards() == [0, 1]
    assert fake_discord.calls_to("GET", "/gateway/bot")

    in_server = await fake_discord.command("templates", USER)  # on the server's shard
    assert in_server.shard == fake_discord.shard_of(GUILD_ID, 2) == 1
    assert "demo — Demo Song" in (await fake_discord.answer(in_server)).content
    in_dm = await fake_discord.command("help", USER, in_dm=True)  # DMs arrive on shard 0
    assert in_dm.shard == 0
    assert "/sing NAME" in (await fake_discord.answer(in_dm)).content
