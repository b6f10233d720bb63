"""/memebot-admin: templates, limits, bans and the per-server switch, each checked by the service itself."""
from __future__ import annotations

from pathlib import Path

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.adapters.discord.choices import template_choices
from bot.adapters.discord.downloads import download
from bot.adapters.discord.identity import chat_ref, user_ref
from bot.adapters.discord.language import texts_of
from bot.adapters.discord.sing import SING_COMMAND
from bot.adapters.messages import (
    ban_text,
    chat_switched_text,
    limit_text,
    size_text,
    template_added_text,
    template_removed_text,
)
from bot.adapters.progress import IngestProgress
from bot.i18n import N_
from bot.service import MemeService, NotAllowed, UserFacingError
from inference.api import MAX_CLIP_BYTES


# Discord hides the group from members without Manage Server; the service still checks every call itself.
@app_commands.default_permissions(manage_guild=True)
class Admin(commands.GroupCog, group_name="memebot-admin", group_description=locale_str(N_("Bot admin tools"))):
    """Bot admins (MEMEBOT_ADMINS) manage templates, limits and bans; server managers switch the bot on and off."""

    def __init__(self, service: MemeService, downloads: Path) -> None:
        super().__init__()
        self._service = service
        self._downloads = downloads

    @app_commands.command(name="add-template",
                          description=locale_str(N_("Add a song template from a video clip of a singing face")))
    @app_commands.describe(
        clip=locale_str(N_("A video of one face singing, with its sound")),
        name=locale_str(N_("Short name users pick it by, e.g. baka-mitai")),
        title=locale_str(N_("The song's title as users see it")),
        start=locale_str(N_("Where the song starts in the clip, in seconds")),
        end=locale_str(N_("Where it ends, in seconds")),
        replace=locale_str(N_("Replace a template with the same name")),
    )
    async def add_template(
        self,
        interaction: discord.Interaction,
        clip: discord.Attachment,
        name: str,
        title: str | None = None,
        start: float | None = None,
        end: float | None = None,
        replace: bool = False,
    ) -> None:
        actor = user_ref(interaction.user)
        if not self._service.admin.is_admin(actor):
            raise NotAllowed()  # before fetching a clip that could be 200 MB
        await interaction.response.defer(ephemeral=True, thinking=True)
        too_large = UserFacingError(N_("That clip is too large; clips up to {limit} are accepted."),
                                    limit=size_text(MAX_CLIP_BYTES))
        video = await download(clip, self._downloads, MAX_CLIP_BYTES, too_large)
        try:
            async with IngestProgress(name, lambda text: interaction.edit_original_response(content=text)) as progress:
                added = await self._service.admin.add_template(
                    actor, name, video, title=title, start=start, end=end, replace=replace, progress=progress.report
                )
        finally:
            video.unlink(missing_ok=True)
        added_text = template_added_text(texts_of(interaction), added, SING_COMMAND)
        await interaction.edit_original_response(content=added_text)

    @app_commands.command(name="remove-template", description=locale_str(N_("Remove a template an admin added")))
    @app_commands.describe(name=locale_str(N_("The template to remove")))
    async def remove_template(self, interaction: discord.Interaction, name: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._service.admin.remove_template(user_ref(interaction.user), name)
        await interaction.edit_original_response(content=template_removed_text(texts_of(interaction), name))

    @remove_template.autocomplete("name")
    async def _template_choices(self, interaction: discord.Interaction, typed: str) -> list[app_commands.Choice[str]]:
        return await template_choices(self._service, typed)

    @app_commands.command(name="set-limit",
                          description=locale_str(N_("Set a user's or this server's daily video limit")))
    @app_commands.describe(
        limit=locale_str(N_("Videos a day, 0 for unlimited; leave out to go back to the default")),
        user=locale_str(N_("Whose limit; leave out for this server's")),
    )
    async def set_limit(
        self,
        interaction: discord.Interaction,
        limit: app_commands.Range[int, 0] | None = None,
        user: discord.User | None = None,
    ) -> None:
        actor = user_ref(interaction.user)
        t = texts_of(interaction)
        if user is None:
            await self._service.admin.set_chat_limit(actor, chat_ref(interaction), limit)
            whom = t.gettext("This server") if interaction.guild_id else t.gettext("This chat")
        else:
            await self._service.admin.set_user_limit(actor, user_ref(user), limit)
            whom = user.mention
        await interaction.response.send_message(limit_text(t, whom, limit), ephemeral=True)

    @app_commands.command(description=locale_str(N_("Switch the bot off in this server")))
    async def off(self, interaction: discord.Interaction) -> None:
        await self._switch(interaction, enabled=False)

    @app_commands.command(description=locale_str(N_("Switch the bot back on in this server")))
    async def on(self, interaction: discord.Interaction) -> None:
        await self._switch(interaction, enabled=True)

    @app_commands.command(description=locale_str(N_("Stop a user from using the bot")))
    async def ban(self, interaction: discord.Interaction, user: discord.User) -> None:
        await self._service.admin.ban(user_ref(interaction.user), user_ref(user))
        text = ban_text(texts_of(interaction), user_ref(user), banned=True)
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(description=locale_str(N_("Let a banned user use the bot again")))
    async def unban(self, interaction: discord.Interaction, user: discord.User) -> None:
        await self._service.admin.unban(user_ref(interaction.user), user_ref(user))
        text = ban_text(texts_of(interaction), user_ref(user), banned=False)
        await interaction.response.send_message(text, ephemeral=True)

    async def _switch(self, interaction: discord.Interaction, *, enabled: bool) -> None:
        # Discord computes the member's permissions in the interaction itself, so this cannot be forged by the client.
        manages_server = interaction.guild_id is not None and interaction.permissions.manage_guild
        await self._service.admin.set_chat_enabled(
            user_ref(interaction.user), chat_ref(interaction), enabled, actor_is_chat_admin=manages_server
        )
        await interaction.response.send_message(chat_switched_text(texts_of(interaction), enabled), ephemeral=True)
