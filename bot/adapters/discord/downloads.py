"""Fetching a user's attachment into the bot's data folder, refusing oversized ones before any byte is fetched."""
from __future__ import annotations

import re
import uuid
from pathlib import Path

import discord

from bot.service import UserFacingError

# Keep a short, safe file extension (ffmpeg and Pillow sniff the content anyway).
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")


async def download(attachment: discord.Attachment, folder: Path, max_bytes: int, too_large: UserFacingError) -> Path:
    """Save the attachment under a random name in `folder`; raise `too_large` if Discord says it exceeds `max_bytes`."""
    if attachment.size > max_bytes:
        raise too_large
    folder.mkdir(parents=True, exist_ok=True)
    extension = _EXTENSION.search(attachment.filename)
    path = folder / f"{uuid.uuid4().hex}{extension.group(0).lower() if extension else ''}"
    try:
        await attachment.save(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path
