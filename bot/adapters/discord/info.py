"""What a user can ask about: /templates, /quota, /cancel, /privacy, /forgetme and /help, all answered privately."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.adapters.discord.confirm import ask
from bot.adapters.discord.identity import chat_ref, user_ref
from bot.adapters.discord.language import texts_of
from bot.adapters.discord.sing import SING_COMMAND
from bot.adapters.messages import (
    FORGET_ME_QUESTION,
    FORGOTTEN,
    MORE_SONGS_BUTTON,
    NOTHING_FORGOTTEN,
    cancel_text,
    help_text,
    preview_caption,
    quota_text,
    templates_text,
)
from bot.i18n import N_, Texts
from bot.service import MemeService

# Discord takes at most 10 files a message; the listing attaches one preview clip per song, a page at a time.
MAX_PREVIEW_FILES = 10
MORE_SONGS_TIMEOUT_SECONDS = 600.0
FORGET_ME_TIMEOUT_SECONDS = 120.0


class Info(commands.Cog):
    """Listings, limits, the privacy summary, and forgetting a user."""

    def __init__(self, service: MemeService) -> None:
        self._service = service

    @app_commands.command(description=locale_str(N_("The songs a face can sing, with previews")))
    async def templates(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.show_templates(interaction, 0)

    async def show_templates(self, interaction: discord.Interaction, page: int) -> None:
        """One page of songs in the private answer: each preview clip attached, its title, length and credits."""
        templates = await self._service.templates.list()
        shown = templates[page * MAX_PREVIEW_FILES:(page + 1) * MAX_PREVIEW_FILES]
        previews = [discord.File(t.preview_video, filename=f"{t.slug}{t.preview_video.suffix}")
                    for t in shown if t.preview_video.is_file()]
        t = texts_of(interaction)
        text = "\n\n".join([templates_text(t, shown, SING_COMMAND), *(preview_caption(song) for song in shown)])
        more = len(templates) > (page + 1) * MAX_PREVIEW_FILES
        await interaction.edit_original_response(content=text, attachments=previews,
                                                 view=_MoreSongs(self, t, page + 1) if more else None)

    @app_commands.command(description=locale_str(N_("How many videos you can still make today")))
    async def quota(self, interaction: discord.Interaction) -> None:
        usage = await self._service.renders.usage(user_ref(interaction.user), chat_ref(interaction))
        await interaction.response.send_message(quota_text(texts_of(interaction), usage), ephemeral=True)

    @app_commands.command(description=locale_str(N_("What I keep about you, and for how long")))
    async def privacy(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(self._service.privacy.summary(texts_of(interaction)), ephemeral=True)

    @app_commands.command(description=locale_str(N_("Delete everything I have about you")))
    async def forgetme(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        t = texts_of(interaction)
        if await ask(interaction, t.gettext(FORGET_ME_QUESTION), t.gettext("Forget me"), t.gettext("Keep"),
                     FORGET_ME_TIMEOUT_SECONDS):
            await self._service.privacy.forget_me(user_ref(interaction.user))
            await interaction.edit_original_response(content=t.gettext(FORGOTTEN), view=None)
        else:
            await interaction.edit_original_response(content=t.gettext(NOTHING_FORGOTTEN), view=None)

    @app_commands.command(description=locale_str(N_("Cancel your videos still waiting in line here")))
    async def cancel(self, interaction: discord.Interaction) -> None:
        cancelled = await self._service.renders.cancel_waiting(user_ref(interaction.user), chat_ref(interaction))
        await interaction.response.send_message(cancel_text(texts_of(interaction), cancelled), ephemeral=True)

    @app_commands.command(description=locale_str(N_("How to use this bot")))
    async def help(self, interaction: discord.Interaction) -> None:
        text = help_text(texts_of(interaction), SING_COMMAND, self._service.settings.label)
        await interaction.response.send_message(text, ephemeral=True)


class _MoreSongs(discord.ui.View):
    """The button to the next page of /templates, in the same private message."""

    def __init__(self, info: Info, t: Texts, page: int) -> None:
        super().__init__(timeout=MORE_SONGS_TIMEOUT_SECONDS)
        self._info = info
        self._page = page
        self.more.label = t.gettext(MORE_SONGS_BUTTON)

    @discord.ui.button(style=discord.ButtonStyle.secondary)
    async def more(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.defer()
        await self._info.show_templates(interaction, self._page)
