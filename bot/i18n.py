"""The message catalogue: every text a user reads, in their language (gettext), English where none is shipped."""
from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

DOMAIN = "memebot"
LOCALES = Path(__file__).parent / "locales"
# The languages with a catalogue in locales/ (README, Languages: how to add one).
LANGUAGES = ("ja",)
ENGLISH = "en"

Texts = gettext.NullTranslations
# English needs no catalogue: the msgids are its texts.
ENGLISH_TEXTS = Texts()


def N_(message: str) -> str:
    """Mark a text for the catalogue where it is defined; it is translated where it is shown."""
    return message


def language_of(code: str | None) -> str:
    """The shipped language for a platform's code ("ja", "ja-JP", "en-US", None), English if none fits."""
    language = (code or "").replace("_", "-").split("-")[0].lower()
    return language if language in LANGUAGES else ENGLISH


def texts(code: str | None) -> Texts:
    """The catalogue for a platform's language code."""
    language = language_of(code)
    return ENGLISH_TEXTS if language == ENGLISH else _catalogue(language)


@cache  # keyed by the shipped language, not the code: a few entries however many codes users have
def _catalogue(language: str) -> Texts:
    return gettext.translation(DOMAIN, LOCALES, languages=[language])
