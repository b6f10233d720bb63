"""/sing and the "Make it sing" message menu: a face photo and a song template in, a singing video out."""
from __future__ import annotations

from pathlib import Path

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.adapters.discord.choices import template_choices
from bot.adapters.discord.consent import ask_consent
from bot.adapters.discord.downloads import download
from bot.adapters.discord.identity import chat_ref, user_ref
from bot.adapters.discord.jobs import DiscordFollowers
from bot.adapters.discord.language import texts_of
from bot.adapters.discord.replies import report_error, say_privately
from bot.adapters.discord.reply import Reply
from bot.adapters.messages import CHECKING_PHOTO, NO_IMAGE_IN_MESSAGE, PICK_A_SONG
from bot.i18n import N_
from bot.service import CachedRender, MemeService, PhotoTooLarge

SING_COMMAND = "/sing"
MAKE_IT_SING = N_("Make it sing")
# Discord shows at most 25 options in a select menu; the menu lives as long as the interaction that showed it.
MAX_SONG_OPTIONS = 25
SONG_MENU_TIMEOUT_SECONDS = 600.0


class Sing(commands.Cog):
    """The one command that makes videos."""

    def __init__(self, service: MemeService, followers: DiscordFollowers, downloads: Path) -> None:
        self._service = service
        self._followers = followers
        self._downloads = downloads
        # Cogs cannot declare message menus: the adapter adds this one to the command tree.
        self.menu = app_commands.ContextMenu(name=locale_str(MAKE_IT_SING), callback=self.make_it_sing)
        self.menu.allowed_installs = app_commands.AppInstallationType(guild=True, user=True)
        self.menu.allowed_contexts = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True)

    @app_commands.command(description=locale_str(N_("Make the face in a photo sing a song")))
    @app_commands.describe(template=locale_str(N_("The song")),
                           image=locale_str(N_("A photo of a face: yours, or of someone who agreed")))
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def sing(self, interaction: discord.Interaction, template: str, image: discord.Attachment) -> None:
        """Consent if needed, check the photo, queue the render; a background task follows it to the video."""
        # Private until the video: consent, refusals and progress are nobody else's business.
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.render(interaction, template, image)

    async def make_it_sing(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """The message menu: the first image attached to the message, then a song picked privately."""
        image = next((a for a in message.attachments if (a.content_type or "").startswith("image/")), None)
        if image is None:
            await say_privately(interaction, texts_of(interaction).gettext(NO_IMAGE_IN_MESSAGE))
            return
        templates = (await self._service.templates.list())[:MAX_SONG_OPTIONS]
        options = [discord.SelectOption(label=song.title[:100], value=song.slug) for song in templates]
        await interaction.response.send_message(texts_of(interaction).gettext(PICK_A_SONG),
                                                view=_SongMenu(self, image, options), ephemeral=True)

    async def render(self, interaction: discord.Interaction, template: str, image: discord.Attachment) -> None:
        """After the interaction was deferred privately: consent, the photo, the request, and its following."""
        user = user_ref(interaction.user)
        song = await self._service.templates.get(template)
        if await self._service.consent.needs_consent(user) and not await ask_consent(interaction, self._service, user):
            return
        checking = await interaction.edit_original_response(content=texts_of(interaction).gettext(CHECKING_PHOTO),
                                                            view=None)
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


class _SongMenu(discord.ui.View):
    """The songs for an image picked with "Make it sing"; the pick goes on like /sing."""

    def __init__(self, sing: Sing, image: discord.Attachment, options: list[discord.SelectOption]) -> None:
        super().__init__(timeout=SONG_MENU_TIMEOUT_SECONDS)
        self._sing = sing
        self._image = image
        self._menu: discord.ui.Select[_SongMenu] = discord.ui.Select(options=options)
        self._menu.callback = self._picked  # type: ignore[method-assign]  # discord.py's way for a built item
        self.add_item(self._menu)

    async def _picked(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._sing.render(interaction, self._menu.values[0], self._image)

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        await report_error(interaction, error)
