"""A yes/no question under a private message, answered with two buttons."""
from __future__ import annotations

import discord

from bot.adapters.discord.replies import report_error


class Confirm(discord.ui.View):
    """Two buttons; `answer` is True or False once one is pressed (the buttons then go), None on timeout."""

    def __init__(self, yes: str, no: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.answer: bool | None = None
        self.yes.label = yes
        self.no.label = no

    @discord.ui.button(style=discord.ButtonStyle.success)
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._answer(interaction, True)

    @discord.ui.button(style=discord.ButtonStyle.secondary)
    async def no(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._answer(interaction, False)

    async def _answer(self, interaction: discord.Interaction, answer: bool) -> None:
        self.answer = answer
        self.stop()
        await interaction.response.edit_message(view=None)

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        await report_error(interaction, error)


async def ask(interaction: discord.Interaction, question: str, yes: str, no: str, timeout: float) -> bool | None:
    """Put the question in the interaction's private message and wait: True, False, or None if nobody answered."""
    view = Confirm(yes, no, timeout)
    await interaction.edit_original_response(content=question, view=view)
    await view.wait()
    return view.answer
