"""Private answers to an interaction, and what the user is told when a command fails."""
from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.adapters.discord.language import texts_of
from bot.adapters.messages import SOMETHING_WENT_WRONG
from bot.service import UserFacingError

log = logging.getLogger(__name__)


async def say_privately(interaction: discord.Interaction, text: str) -> None:
    """Answer so only the user sees it: the first response, or an edit of the (ephemeral) one already sent."""
    if interaction.response.is_done():
        await interaction.edit_original_response(content=text, view=None, attachments=[])
    else:
        await interaction.response.send_message(text, ephemeral=True)


async def report_error(interaction: discord.Interaction, error: Exception) -> None:
    """Tell the user why a command or button failed: the service's own words, or an apology for a bug (logged)."""
    cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    t = texts_of(interaction)
    if isinstance(cause, UserFacingError):
        text = cause.text(t)
    else:
        log.error("interaction %s of user %s failed", interaction.id, interaction.user.id, exc_info=cause)
        text = t.gettext(SOMETHING_WENT_WRONG)
    try:
        await say_privately(interaction, text)
    except discord.HTTPException:  # e.g. the interaction expired; nothing else to tell
        log.warning("could not tell user %s what went wrong", interaction.user.id, exc_info=True)
