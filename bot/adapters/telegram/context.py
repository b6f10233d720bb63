"""The context every handler gets, with the service and the adapter's own parts typed (PTB's ContextTypes)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from telegram.ext import CallbackContext, ExtBot

from bot.adapters.telegram.limits import FileLimits
from bot.service import MemeService

if TYPE_CHECKING:
    from bot.adapters.telegram.delivery import Deliveries

SERVICE = "service"
DELIVERIES = "deliveries"
LIMITS = "limits"
DOWNLOADS = "downloads"


class MemeContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[str, Any]]):
    """CallbackContext with what the adapter put into bot_data."""

    @property
    def service(self) -> MemeService:
        return self.bot_data[SERVICE]

    @property
    def deliveries(self) -> Deliveries:
        return self.bot_data[DELIVERIES]

    @property
    def limits(self) -> FileLimits:
        return self.bot_data[LIMITS]

    @property
    def downloads(self) -> Path:
        """The folder files are downloaded into, emptied at each start."""
        return self.bot_data[DOWNLOADS]
