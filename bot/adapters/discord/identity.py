"""Discord users and chats as the service knows them."""
from __future__ import annotations

import discord

from bot.service import ChatRef, UserRef

PLATFORM = "discord"


def user_ref(user: discord.abc.Snowflake) -> UserRef:
    """The service's name for a Discord user (MEMEBOT_ADMINS lists them as discord:<user id>)."""
    return UserRef(PLATFORM, str(user.id))


def chat_ref(interaction: discord.Interaction) -> ChatRef:
    """The server an interaction came from, or its DM channel: limits and the on/off switch are per server."""
    return ChatRef(PLATFORM, str(interaction.guild_id or interaction.channel_id))
