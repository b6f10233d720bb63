"""Asking for consent on first use: the service's statement with Accept and Decline buttons."""
from __future__ import annotations

import discord

from bot.adapters.discord.confirm import ask
from bot.adapters.messages import CONSENT_DECLINED
from bot.service import MemeService, UserRef

# Long enough to read the statement; well within the 15 minutes the /sing interaction lives.
CONSENT_TIMEOUT_SECONDS = 300.0
CONSENT_TIMED_OUT = "No answer, so no video. Ask again whenever you're ready."


async def ask_consent(interaction: discord.Interaction, service: MemeService, user: UserRef) -> bool:
    """Show the statement privately; record an Accept and return True, or say why nothing happens and return False."""
    answer = await ask(interaction, service.consent.statement(), "Accept", "Decline", CONSENT_TIMEOUT_SECONDS)
    if answer:
        await service.consent.accept(user)
        return True
    why_not = CONSENT_DECLINED if answer is False else CONSENT_TIMED_OUT
    await interaction.edit_original_response(content=why_not, view=None)
    return False
