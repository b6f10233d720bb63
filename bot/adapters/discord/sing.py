"""/sing: a face photo and a song template in, a singing video out."""
from __future__ import annotations

from pathlib import Path

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord.choices import template_choices
from bot.adapters.discord.consent import ask_consent
from bot.adapters.discord.downloads import download
from bot.adapters.discord.identity import chat_ref, user_ref
from bot.adapters.discord.jobs import DiscordFollowers
from bot.adapters.discord.reply import Reply
from bot.adapters.messages import CHECKING_PHOTO
from bot.service import CachedRender, MemeService, PhotoTooLarge

SING_COMMAND = "/sing"


class Sing(commands.Cog):
    """The one command that makes videos."""

    def __init__(self, service: MemeService, followers: DiscordFollowers, downloads: Path) -> None:
        self._service = service
        self._followers = followers
        self._downloads = downloads

    @app_commands.command(description="Make the face in a photo sing a song")
    @app_commands.describe(template="The song", image="A photo of a face: yours, or of someone who agreed")
    async def sing(self, interaction: discord.Interaction, template: str, image: discord.Attachment) -> None:
        """Consent if needed, check the photo, queue the render; a background task follows it to the video."""
        # Private until the video: consent, refusals and progress are nobody else's business.
        await interaction.response.defer(ephemeral=True, thinking=True)
        user = user_ref(interaction.user)
        song = await self._service.templates.get(template)
        if await self._service.consent.needs_consent(user) and not await ask_consent(interaction, self._service, user):
            return
        checking = await interaction.edit_original_response(content=CHECKING_PHOTO, view=None)
        max_bytes = self._service.settings.max_photo_bytes
        photo = await download(image, self._downloads, max_bytes, PhotoTooLarge(max_bytes))
        reply = Reply.to_interaction(interaction, checking.id, song.title)
        ticket = await self._service.renders.request(user, chat_ref(interaction), template, photo, reply.to_json())
        if isinstance(ticket, CachedRender):
            await self._followers.delivery(reply).send_video(ticket.output, ticket.job_id)  # sung before
        else:
            self._followers.follow(ticket.job_id, reply)

    @sing.autocomplete("template")
    async def _template_choices(self, interaction: discord.Interaction, typed: str) -> list[app_commands.Choice[str]]:
        return await template_choices(self._service, typed)
