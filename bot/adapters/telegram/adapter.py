"""TelegramAdapter: python-telegram-bot started by hand, so it shares `memebot run`'s event loop with the others."""
from __future__ import annotations

import logging

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Updater

from bot.adapters.telegram import admin, commands, followups, reports, sing
from bot.adapters.telegram.context import DELIVERIES, DOWNLOADS, LIMITS, SERVICE, MemeContext
from bot.adapters.telegram.delivery import Deliveries
from bot.adapters.telegram.errors import report_error
from bot.adapters.telegram.files import clear_downloads
from bot.adapters.telegram.identity import PLATFORM
from bot.adapters.telegram.limits import FileLimits, limits_for
from bot.config import Settings
from bot.service import MemeService
from bot.startup import StartupError, one_line

log = logging.getLogger(__name__)

# A 429 answer says how long to wait; waiting and retrying beats losing a video until the next restart.
RATE_LIMIT_RETRIES = 3
# Videos go up to 50 MB (2000 MB to a self-hosted server): give an upload more than PTB's default 20 s.
UPLOAD_TIMEOUT_SECONDS = 300.0
DOWNLOADS_FOLDER = "telegram-downloads"


class TelegramAdapter:
    """memebot on Telegram by long polling."""

    name = PLATFORM

    def __init__(self, settings: Settings, service: MemeService, *, limits: FileLimits | None = None) -> None:
        if not settings.telegram_token:
            raise ValueError("the Telegram adapter needs MEMEBOT_TELEGRAM_TOKEN")
        # PTB appends the token to both URLs: <api>/bot<token>/getMe, <file url>/bot<token>/<file path>.
        self._application: Application = (
            ApplicationBuilder()
            .token(settings.telegram_token)
            .base_url(f"{settings.telegram_api_url.rstrip('/')}/bot")
            .base_file_url(f"{settings.telegram_file_url.rstrip('/')}/bot")
            .rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
            .media_write_timeout(UPLOAD_TIMEOUT_SECONDS)
            .concurrent_updates(True)  # one user's download or ingest must not hold up everyone else
            .context_types(ContextTypes(context=MemeContext))
            .build()
        )
        self._api_url = settings.telegram_api_url
        self._service = service
        limits = limits or limits_for(settings.telegram_api_url)
        self._downloads = settings.data_dir / DOWNLOADS_FOLDER
        self._deliveries = Deliveries(self._application.bot, service, limits, scratch=self._downloads)
        self._application.bot_data.update(
            {SERVICE: service, DELIVERIES: self._deliveries, LIMITS: limits, DOWNLOADS: self._downloads}
        )
        self._application.add_handlers([
            *sing.HANDLERS, *followups.HANDLERS, *reports.HANDLERS, *commands.HANDLERS, *admin.HANDLERS,
            commands.FALLBACK, followups.EXPIRED,
        ])
        self._application.add_error_handler(report_error)

    @property
    def _updater(self) -> Updater:
        updater = self._application.updater
        assert updater is not None, "ApplicationBuilder makes an Updater unless told not to"
        return updater

    async def start(self) -> None:
        """Connect, start polling, and resume the deliveries a restart interrupted."""
        clear_downloads(self._downloads)
        try:
            await self._application.initialize()
            admins = [int(admin.id) for admin in self._service.admin.admins_on(PLATFORM) if admin.id.isdigit()]
            await commands.set_menus(self._application.bot, admins)
            await self._application.start()
            await self._updater.start_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY])
            await self._deliveries.resume()
        except BaseException as error:
            await self.stop()  # no half-started polling or HTTP session left behind
            if isinstance(error, TelegramError):
                raise self._startup_error(error) from None
            raise
        log.info("serving Telegram as @%s", self._application.bot.username)

    def _startup_error(self, error: TelegramError) -> StartupError:
        """Why the start failed, in one line naming the setting to check (never the token: PTB's URLs hold it)."""
        reason = one_line(error.message)
        if isinstance(error, InvalidToken):
            # PTB's getMe words it "The token `<token>` was rejected by the server."; the server's words are inside.
            if isinstance(error.__cause__, TelegramError):
                reason = one_line(error.__cause__.message)
            return StartupError(f"Telegram rejected MEMEBOT_TELEGRAM_TOKEN ({reason}); check the token @BotFather "
                                f"gave you, and that MEMEBOT_TELEGRAM_API_URL {self._api_url} is a Bot API server")
        # PTB words a failed connection "httpx.ConnectError: ..."; an HTTP error answer is a NetworkError too.
        if isinstance(error, TimedOut) or (isinstance(error, NetworkError) and error.message.startswith("httpx.")):
            return StartupError(f"cannot reach the Telegram Bot API at {self._api_url} (MEMEBOT_TELEGRAM_API_URL): "
                                f"{reason}")
        return StartupError(f"the Telegram Bot API at {self._api_url} (MEMEBOT_TELEGRAM_API_URL) answered an "
                            f"error while memebot started: {reason}")

    async def stop(self) -> None:
        """Stop polling, let running handlers finish, stop following jobs (the next start resumes them)."""
        # Each step only if it was reached: a start that failed half-way is undone with this too.
        if self._updater.running:
            await self._updater.stop()
        if self._application.running:
            await self._application.stop()
        await self._deliveries.stop()
        await self._application.shutdown()  # does nothing if it was never initialized
