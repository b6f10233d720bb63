"""The link that adds memebot to a Discord server, with the permissions it needs and no more."""
from __future__ import annotations

import discord

# See the channels, answer in them and in their threads, and attach the videos. Slash commands need no permission
# of their own (the applications.commands scope), and replies to interactions need none at all.
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, send_messages_in_threads=True, attach_files=True,
)
INVITE_SCOPES = ("bot", "applications.commands")


def invite_url(application_id: int) -> str:
    """https://discord.com/oauth2/authorize?client_id=<id>&scope=bot+applications.commands&permissions=<value>"""
    return discord.utils.oauth_url(application_id, permissions=INVITE_PERMISSIONS, scopes=INVITE_SCOPES)
