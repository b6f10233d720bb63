"""What a user can ask about: /templates, /quota, /cancel, /privacy, /forgetme and /help, all answered privately."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord.confirm import ask
from bot.adapters.discord.identity import chat_ref, user_ref
from bot.adapters.discord.sing import SING_COMMAND
from bot.adapters.messages import (
    FORGET_ME_QUESTION,
    FORGOTTEN,
    NOTHING_FORGOTTEN,
    cancel_text,
    help_text,
    quota_text,
    templates_text,
)
from bot.service import MemeService

# Discord takes at most 10 files a message; the listing attaches one preview picture per song.
MAX_PREVIEW_FILES = 10
FORGET_ME_TIMEOUT_SECONDS = 120.0


class Info(commands.Cog):
    """Listings, limits, the privacy summary, and forgetting a user."""

    def __init__(self, service: MemeService) -> None:
        self._service = service

    @app_commands.command(description="The songs a face can sing, with previews")
    async def templates(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        templates = await self._service.templates.list()
        previews = [
            discord.File(t.preview_image, filename=f"{t.slug}{t.preview_image.suffix}")
            for t in templates[:MAX_PREVIEW_FILES]
            if t.preview_image.is_file()
        ]
        await interaction.edit_original_response(content=templates_text(templates, SING_COMMAND), attachments=previews)

    @app_commands.command(description="How many videos you can still make today")
    async def quota(self, interaction: discord.Interaction) -> None:
        usage = await self._service.renders.usage(user_ref(interaction.user), chat_ref(interaction))
        await interaction.response.send_message(quota_text(usage), ephemeral=True)

    @app_commands.command(description="What I keep about you, and for how long")
    async def privacy(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(self._service.privacy.summary(), ephemeral=True)

    @app_commands.command(description="Delete everything I have about you")
    async def forgetme(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        if await ask(interaction, FORGET_ME_QUESTION, "Forget me", "Keep", FORGET_ME_TIMEOUT_SECONDS):
            await self._service.privacy.forget_me(user_ref(interaction.user))
            await interaction.edit_original_response(content=FORGOTTEN, view=None)
        else:
            await interaction.edit_original_response(content=NOTHING_FORGOTTEN, view=None)

    @app_commands.command(description="Cancel your videos still waiting in line here")
    async def cancel(self, interaction: discord.Interaction) -> None:
        cancelled = await self._service.renders.cancel_waiting(user_ref(interaction.user), chat_ref(interaction))
        await interaction.response.send_message(cancel_text(cancelled), ephemeral=True)

    @app_commands.command(description="How to use this bot")
    async def help(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(help_text(SING_COMMAND, self._service.settings.label), ephemeral=True)
