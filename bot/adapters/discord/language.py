"""Each Discord user's texts, in the language their Discord is set to, and the commands' translations."""
from __future__ import annotations

import discord
from discord import app_commands

from bot.i18n import ENGLISH, Texts, language_of, texts


def texts_of(interaction: discord.Interaction) -> Texts:
    """The catalogue for the user's `interaction.locale` (English where memebot ships none)."""
    return texts(interaction.locale.value)


class CatalogueTranslator(app_commands.Translator):
    """Command and option descriptions (and menu names) from the catalogue, for each shipped language."""

    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        if language_of(locale.value) == ENGLISH:
            return None  # the string itself is the English text
        translated = texts(locale.value).gettext(string.message)
        return translated if translated != string.message else None  # untranslated: Discord shows the English
