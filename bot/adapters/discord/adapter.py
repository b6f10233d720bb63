"""The Discord adapter: a discord.py bot whose slash commands call the service, started inside memebot's loop.

The bot is sharded automatically: Discord allows at most 2,500 servers a shard and says how many shards to open
in GET /gateway/bot; every shard runs in this one process and event loop.
"""
from __future__ import annotations

import asyncio
import logging
import shutil

import aiohttp
import discord
from discord.ext import commands

from bot.adapters.discord.admin import Admin
from bot.adapters.discord.buttons import ITEMS, VideoButtons
from bot.adapters.discord.endpoints import use_endpoints
from bot.adapters.discord.info import Info
from bot.adapters.discord.invite import invite_url
from bot.adapters.discord.jobs import DiscordFollowers
from bot.adapters.discord.language import CatalogueTranslator
from bot.adapters.discord.replies import report_error
from bot.adapters.discord.sing import Sing
from bot.adapters.discord.sync import sync_if_changed
from bot.config import Settings
from bot.service import MemeService
from bot.startup import StartupError, one_line

log = logging.getLogger(__name__)
READY_TIMEOUT_SECONDS = 120.0
IDENTIFY_INTERVAL_SECONDS = 5.0  # discord.py waits this long before each shard's IDENTIFY after the first


class DiscordAdapter:
    """Serves slash commands over the gateway; REST and gateway URLs come from the settings."""

    name = "discord"

    def __init__(self, settings: Settings, service: MemeService) -> None:
        if not settings.discord_token:
            raise ValueError("the Discord adapter needs MEMEBOT_DISCORD_TOKEN")
        self._settings = settings
        self._service = service
        self._state_dir = settings.data_dir / "discord"
        self._downloads = self._state_dir / "downloads"
        # Slash commands need no privileged intent; Guilds only keeps discord.py's state complete.
        # Interactions carry what the commands need, so startup does not wait for each server's data.
        self._bot = commands.AutoShardedBot(
            command_prefix=commands.when_mentioned, intents=discord.Intents(guilds=True), help_command=None,
            guild_ready_timeout=0.0,
        )
        self._bot.tree.error(report_error)
        self._followers = DiscordFollowers(self._bot, service, self._state_dir)
        self._connection: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Log in, sync the commands if they changed, connect, then resume the jobs not yet delivered."""
        use_endpoints(self._settings.discord_api_url, self._settings.discord_gateway_url)
        # What a crash left half-downloaded or not yet handed to the service: nobody's photo stays on disk unasked.
        shutil.rmtree(self._downloads, ignore_errors=True)
        try:
            await self._connect()
        except BaseException:
            await self._bot.close()  # no half-open HTTP session or gateway left behind
            raise
        if resumed := await self._followers.resume():
            log.info("following %d Discord jobs not delivered before the restart", resumed)

    async def stop(self) -> None:
        """Stop following jobs and disconnect; undelivered jobs are resumed on the next start."""
        await self._followers.stop()
        await self._bot.close()
        if self._connection is not None:
            await asyncio.gather(self._connection, return_exceptions=True)

    async def _connect(self) -> None:
        await self._login()
        # Only the shard count is taken from GET /gateway/bot: with a count set, discord.py connects every shard to
        # DEFAULT_GATEWAY (MEMEBOT_DISCORD_GATEWAY_URL) instead of the URL in that answer, which a REST proxy
        # would pass through from Discord unchanged.
        self._bot.shard_count, _, _ = await self._bot.http.get_bot_gateway()
        log.info("connecting %d Discord shard(s)", self._bot.shard_count)
        await self._bot.tree.set_translator(CatalogueTranslator())  # command descriptions in each shipped language
        sing = Sing(self._service, self._followers, self._downloads)
        await self._bot.add_cog(sing)
        self._bot.tree.add_command(sing.menu)
        await self._bot.add_cog(Info(self._service))
        await self._bot.add_cog(Admin(self._service, self._downloads))
        await self._bot.add_cog(VideoButtons(self._service, self._followers))
        self._bot.add_dynamic_items(*ITEMS)  # buttons of videos sent before this start work too
        assert self._bot.application_id is not None  # login fetched it
        log.info("invite memebot to a Discord server: %s", invite_url(self._bot.application_id))
        await sync_if_changed(self._bot.tree, self._bot.application_id, self._state_dir)
        self._connection = asyncio.create_task(self._bot.connect(), name="discord-gateway")
        self._connection.add_done_callback(_log_if_disconnected)
        # Ready once every shard is: the shards identify one after another.
        timeout = READY_TIMEOUT_SECONDS + IDENTIFY_INTERVAL_SECONDS * (self._bot.shard_count - 1)
        ready = asyncio.create_task(self._bot.wait_until_ready())
        await asyncio.wait({ready, self._connection}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if ready.done():
            return
        ready.cancel()
        if self._connection.done():
            self._connection.result()  # raises why it could not connect (e.g. a privileged intent was refused)
            raise RuntimeError("the Discord gateway closed before the bot was ready")
        raise TimeoutError(f"the Discord gateway did not get ready in {timeout:.0f} s")

    async def _login(self) -> None:
        """Log in; a refused token or an API out of reach is a StartupError that says which setting to check."""
        assert self._settings.discord_token is not None
        api = self._settings.discord_api_url
        try:
            await self._bot.login(self._settings.discord_token)
        except discord.LoginFailure as error:
            raise StartupError(f"Discord rejected MEMEBOT_DISCORD_TOKEN ({error}); copy the bot's token again from "
                               "the Developer Portal (Bot, Reset Token)") from None
        except discord.HTTPException as error:
            raise StartupError(f"the Discord API at {api} (MEMEBOT_DISCORD_API_URL) refused to log in: "
                               f"{error.status} {one_line(error.text) or error.response.reason}") from None
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            raise StartupError(f"cannot reach the Discord API at {api} (MEMEBOT_DISCORD_API_URL): "
                               f"{one_line(str(error)) or type(error).__name__}") from None


def _log_if_disconnected(connection: asyncio.Task[None]) -> None:
    # discord.py reconnects by itself; it gives up only on errors such as a revoked token.
    if not connection.cancelled() and connection.exception() is not None:
        log.error("the Discord gateway closed for good; no more commands arrive", exc_info=connection.exception())
