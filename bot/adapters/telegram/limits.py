"""Telegram's file size limits for bots, and the words for files beyond them."""
from __future__ import annotations

from dataclasses import dataclass

from bot.adapters.messages import MB, size_text
from bot.config import DEFAULT_TELEGRAM_API_URL
from bot.i18n import N_
from bot.service import UserFacingError

# https://core.telegram.org/bots/api#getfile and #sending-files (Telegram says "MB"; decimal is the safe reading).
CLOUD_DOWNLOAD_LIMIT_BYTES = 20 * MB
CLOUD_UPLOAD_LIMIT_BYTES = 50 * MB
# A self-hosted Bot API server (github.com/tdlib/telegram-bot-api, in --local mode) downloads any size
# and uploads up to 2000 MB.
SELF_HOSTED_UPLOAD_LIMIT_BYTES = 2000 * MB


@dataclass(frozen=True)
class FileLimits:
    """What the Bot API server lets a bot download (None: no limit) and upload."""

    download_bytes: int | None
    upload_bytes: int


CLOUD_LIMITS = FileLimits(CLOUD_DOWNLOAD_LIMIT_BYTES, CLOUD_UPLOAD_LIMIT_BYTES)
SELF_HOSTED_LIMITS = FileLimits(None, SELF_HOSTED_UPLOAD_LIMIT_BYTES)


def limits_for(api_url: str) -> FileLimits:
    """Telegram's own limits for api.telegram.org; a self-hosted server's for any other URL."""
    return CLOUD_LIMITS if api_url.rstrip("/") == DEFAULT_TELEGRAM_API_URL else SELF_HOSTED_LIMITS


class FileTooLarge(UserFacingError):
    """A file the bot may not download from Telegram."""

    def __init__(self, limit_bytes: int) -> None:
        super().__init__(N_("That file is larger than the {limit} Telegram lets me download; please send a smaller "
                            "one."), limit=size_text(limit_bytes))
