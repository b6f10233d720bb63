"""Serving an operator application on MEMEBOT_HTTP_HOST:MEMEBOT_HTTP_PORT for as long as a block runs."""
from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from bot.config import Settings

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def serving(settings: Settings, app: web.Application) -> AsyncIterator[web.AppRunner]:
    """Listen while the block runs (MEMEBOT_HTTP_PORT must be set); then close every connection."""
    assert settings.http_port is not None, "the operator page needs MEMEBOT_HTTP_PORT"
    runner = web.AppRunner(app, access_log=None)  # the access log would show nothing an operator needs
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.http_host, settings.http_port)
        await site.start()
        log.info("operator page on http://%s:%d/", settings.http_host, settings.http_port)
        yield runner
    finally:
        await runner.cleanup()
