"""Asking for consent on first use: the service's statement with Accept and Decline buttons."""
from __future__ import annotations

import discord

from bot.adapters.discord.confirm import ask
from bot.adapters.discord.language import texts_of
from bot.adapters.messages import CONSENT_DECLINED
from bot.i18n import N_
from bot.service import MemeService, UserRef

# Long enough to read the statement; well within the 15 minutes the /sing interaction lives.
CONSENT_TIMEOUT_SECONDS = 300.0
CONSENT_TIMED_OUT = N_("No answer, so no video. Ask again whenever you're ready.")


async def ask_consent(interaction: discord.Interaction, service: MemeService, user: UserRef) -> bool:
    """Show the statement privately; record an Accept and return True, or say why nothing happens and return False."""
    t = texts_of(interaction)
    answer = await ask(interaction, service.consent.statement(t), t.gettext("Accept"), t.gettext("Decline"),
                       CONSENT_TIMEOUT_SECONDS)
    if answer:
        await service.consent.accept(user)
        return True
    why_not = CONSENT_DECLINED if answer is False else CONSENT_TIMED_OUT
    await interaction.edit_original_response(content=t.gettext(why_not), view=None)
    return False
