"""The invite link: the permissions memebot needs (see the channel, send there and in threads, attach the video),
logged for the running application when the bot starts."""
import logging

import discord

from bot.adapters.discord.invite import INVITE_PERMISSIONS, invite_url
from tests.bot.adapters.discord.fake_discord import APPLICATION_ID

PERMISSIONS = 274877942784  # what the README's invite link carries


def test_the_invite_asks_for_exactly_what_memebot_uses():
    # Discord's bits: View Channel 1 << 10, Send Messages 1 << 11, Attach Files 1 << 15, Send Messages in Threads 1 << 38.
    assert INVITE_PERMISSIONS.value == (1 << 10) | (1 << 11) | (1 << 15) | (1 << 38) == PERMISSIONS
    assert INVITE_PERMISSIONS.view_channel and INVITE_PERMISSIONS.send_messages_in_threads
    # 51200 was Send Messages + Embed Links + Attach Files: no View Channels, and Embed Links memebot never uses.
    assert discord.Permissions(51200) == discord.Permissions(send_messages=True, embed_links=True, attach_files=True)


def test_the_invite_url_adds_the_bot_with_its_slash_commands():
    assert invite_url(1234) == ("https://discord.com/oauth2/authorize?client_id=1234"
                                f"&scope=bot+applications.commands&permissions={PERMISSIONS}")


async def test_the_running_application_s_invite_url_is_logged_at_start(start_bot, caplog):
    with caplog.at_level(logging.INFO, logger="bot.adapters.discord.adapter"):
        await start_bot()
    expected = (f"invite memebot to a Discord server: https://discord.com/oauth2/authorize?client_id={APPLICATION_ID}"
                f"&scope=bot+applications.commands&permissions={PERMISSIONS}")
    assert expected in [record.getMessage() for record in caplog.records]
