"""Following jobs in the background until delivered: new ones from /sing, undelivered ones after a restart."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import discord

from bot.adapters.discord.delivery import Delivery
from bot.adapters.discord.identity import PLATFORM
from bot.adapters.discord.reply import Reply
from bot.adapters.follow import JobFollowers
from bot.service import MemeService


class DiscordFollowers(JobFollowers[Reply]):
    """Each job's status edited in its user's private message, its outcome posted by a `Delivery`."""

    platform = PLATFORM

    def __init__(self, client: discord.Client, service: MemeService, scratch: Path) -> None:
        super().__init__(service)
        self._client = client
        self._scratch = scratch

    def delivery(self, where: Reply) -> Delivery:
        return Delivery(self._client, self._service, where, self._scratch)

    def where_from(self, reply_to: dict[str, Any]) -> Reply:
        return Reply.from_json(reply_to)
