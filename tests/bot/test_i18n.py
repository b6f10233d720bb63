"""The message catalogue: every text translated in each shipped language, placeholders kept, the .mo files the
bot reads compiled from the .po sources, and the language chosen from a platform's code."""
from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LANGUAGES, LOCALES, language_of, texts
from tests.conftest import REPO

PLACEHOLDER = re.compile(r"{[^{}]*}")


def _catalogue(language: str):
    with (LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as source:
        return read_po(source, locale=language)


def _template():
    with (LOCALES / f"{DOMAIN}.pot").open("rb") as source:
        return read_po(source)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_msgid_of_the_template_is_translated_with_the_same_placeholders(language):
    catalogue = _catalogue(language)
    for message in _template():
        if not message.id:
            continue
        translated = catalogue.get(message.id)
        assert translated is not None and not translated.fuzzy, f"{message.id!r} is not in {language}"
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = translated.string if isinstance(translated.string, tuple) else (translated.string,)
        assert all(strings), f"{message.id!r} has no {language} translation"
        for string in strings:
            assert sorted(PLACEHOLDER.findall(string)) == sorted(PLACEHOLDER.findall(ids[-1])), (message.id, string)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_shipped_mo_file_is_compiled_from_the_po_file(language):
    compiled = io.BytesIO()
    write_mo(compiled, _catalogue(language))
    assert (LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.mo").read_bytes() == compiled.getvalue(), (
        "run `make catalogue`"
    )


def test_the_template_holds_every_marked_text(tmp_path):
    extracted = tmp_path / "memebot.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "--no-location", "--sort-output",
                    "-k", "N_", "-k", "InputError", "-o", str(extracted), "bot", "inference/face.py",
                    "inference/image_io.py"], cwd=REPO, check=True, capture_output=True)
    with extracted.open("rb") as source:
        marked = {message.id for message in read_po(source) if message.id}
    assert marked == {message.id for message in _template() if message.id}, "run `make catalogue`"


def test_a_platform_code_picks_its_language_and_anything_else_english():
    assert [language_of(code) for code in ("ja", "ja-JP", "JA_jp", "en-US", "xx", "", None)] == [
        "ja", "ja", "ja", "en", "en", "en", "en"]
    assert texts("ja-JP").gettext("Deleted.") == "削除しました。"
    assert texts("xx").gettext("Deleted.") == "Deleted."
