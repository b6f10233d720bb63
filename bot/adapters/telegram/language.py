"""Each Telegram user's texts, in the language their Telegram app is set to."""
from __future__ import annotations

from telegram import User

from bot.i18n import Texts, texts


def texts_of(user: User) -> Texts:
    """The catalogue for the user's `language_code` (English where memebot ships none)."""
    return texts(user.language_code)
