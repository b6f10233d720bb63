"""Template folders as files: valid names, the clip size limit, atomic moves, and sweeping what killed ingests left
(nothing here decodes media, so the bot may use it)."""
from __future__ import annotations

import re
import shutil
import time
import uuid
from pathlib import Path

from inference.errors import InputError

# The largest clip an admin may send for a template; adapters check it before downloading.
MAX_CLIP_BYTES = 200 * 1024 * 1024
SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
# A template is built in a hidden sibling `.<slug>.building-*` and renamed into place; a replaced or removed one is
# renamed aside to `.<slug>.replaced-*` before it is deleted. Only a killed process leaves these behind: they are
# swept once this old (far longer than any ingest takes, so one still running in another process is never touched).
WORK_FOLDER_PATTERN = re.compile(r"\.[a-z0-9][a-z0-9-]{0,39}\.(building|replaced)-[A-Za-z0-9_]+")
STALE_WORK_SECONDS = 24 * 3600.0


class TemplateExists(InputError):
    """A template of that name exists already (and replacing it was not asked for)."""

    def __init__(self, slug: str) -> None:
        super().__init__(f"A template called '{slug}' exists already; pick another name or replace it.")


def check_slug(slug: str) -> None:
    """Template names are short lowercase words joined by dashes, so they work as commands everywhere."""
    if not SLUG_PATTERN.fullmatch(slug):
        raise InputError(f"'{slug}' is not a valid template name: use lowercase letters, digits and dashes (max 40).")


def move_aside(folder: Path, slug: str) -> Path:
    """Rename a template folder to a hidden sibling (which no listing shows) in one step, before deleting it."""
    aside = folder.parent / f".{slug}.replaced-{uuid.uuid4().hex[:12]}"
    folder.rename(aside)
    return aside


def sweep_stale_work(parent: Path | str, max_age: float = STALE_WORK_SECONDS) -> list[Path]:
    """Delete the hidden work folders that killed ingests left in `parent`, once older than `max_age` seconds."""
    parent = Path(parent)
    if not parent.is_dir():
        return []
    removed = []
    cutoff = time.time() - max_age
    for entry in parent.iterdir():
        if not WORK_FOLDER_PATTERN.fullmatch(entry.name) or not entry.is_dir() or entry.is_symlink():
            continue
        try:
            if entry.stat().st_mtime >= cutoff:
                continue
            shutil.rmtree(entry)
        except FileNotFoundError:  # another process swept it first
            continue
        removed.append(entry)
    return removed
