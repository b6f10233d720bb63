"""`memebot run`: every configured adapter, the render queue and its workers, in one process and one event loop."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from bot.adapters.base import Adapter
from bot.config import Settings
from bot.service import MemeService
from bot.web import bot_app, serving

log = logging.getLogger(__name__)
NO_TOKEN_MESSAGE = (
    "no chat platform is configured: set MEMEBOT_DISCORD_TOKEN and/or MEMEBOT_TELEGRAM_TOKEN "
    "(in the environment or a .env file), then run `memebot run` again"
)


def configured_adapters(settings: Settings, service: MemeService) -> list[Adapter]:
    """An adapter for every platform that has a token."""
    adapters: list[Adapter] = []
    if settings.discord_token:
        from bot.adapters.discord import DiscordAdapter

        adapters.append(DiscordAdapter(settings, service))
    if settings.telegram_token:
        from bot.adapters.telegram import TelegramAdapter

        adapters.append(TelegramAdapter(settings, service))
    return adapters


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run until SIGTERM/SIGINT (or `stop` is set): then stop taking work, let renders finish, close cleanly."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with MemeService.running(settings) as service, contextlib.AsyncExitStack() as started:
            for adapter in configured_adapters(settings, service):
                await adapter.start()
                # Stopped in reverse order on the way out, also when a later adapter fails to start.
                started.push_async_callback(adapter.stop)
                log.info("%s adapter is serving", adapter.name)
            if settings.http_port:
                await started.enter_async_context(serving(settings, bot_app(service)))
            log.info("memebot is running (%s backend); stop with Ctrl-C or SIGTERM", service.queue.backend)
            await stop.wait()
            log.info("stopping: no new work; running renders get %.0f s", settings.shutdown_grace_seconds)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
