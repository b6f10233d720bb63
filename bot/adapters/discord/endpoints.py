"""Pointing discord.py at the configured REST and gateway URLs: a proxy in production, a fake Discord in tests."""
from __future__ import annotations

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route


def use_endpoints(api_url: str, gateway_url: str) -> None:
    """Send REST calls (webhooks and interaction callbacks too) to `api_url`; connect to the gateway at `gateway_url`.

    discord.py keeps both as class attributes, so this holds for every client in the process; memebot runs one.
    The adapter asks GET /gateway/bot only for the shard count and connects every shard to DEFAULT_GATEWAY, so a
    REST proxy need not rewrite the URL in that answer. Resumes go to READY's resume_gateway_url, which a gateway
    proxy should rewrite too.
    """
    Route.BASE = api_url.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
