"""Photos and clips in Telegram messages, downloaded into the data folder within Telegram's limits."""
from __future__ import annotations

import contextlib
import mimetypes
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from telegram import Bot, Message
from telegram.error import BadRequest

from bot.adapters.telegram.limits import FileTooLarge


@dataclass(frozen=True)
class Attachment:
    """A file in a message as Telegram describes it, before it is downloaded."""

    file_id: str
    size: int | None
    suffix: str


def photo_in(message: Message) -> Attachment | None:
    """The message's photo in its largest size, or an image sent as a file (for full quality)."""
    if message.photo:
        largest = message.photo[-1]
        return Attachment(largest.file_id, largest.file_size, ".jpg")  # Telegram recompresses photos to JPEG
    return _document(message, "image/")


def clip_in(message: Message) -> Attachment | None:
    """The message's video, or a video sent as a file."""
    if message.video:
        video = message.video
        return Attachment(video.file_id, video.file_size, _suffix(video.file_name, video.mime_type) or ".mp4")
    return _document(message, "video/")


def _document(message: Message, mime_prefix: str) -> Attachment | None:
    document = message.document
    if document is None or not (document.mime_type or "").startswith(mime_prefix):
        return None
    return Attachment(document.file_id, document.file_size, _suffix(document.file_name, document.mime_type))


def _suffix(file_name: str | None, mime_type: str | None) -> str:
    if file_name and Path(file_name).suffix:
        return Path(file_name).suffix.lower()
    return (mimetypes.guess_extension(mime_type) if mime_type else None) or ""


@contextlib.asynccontextmanager
async def downloaded(
    bot: Bot, attachment: Attachment, folder: Path, limit_bytes: int | None, name: str
) -> AsyncIterator[Path]:
    """Download the file as `name` + its suffix into a fresh folder under `folder`, deleted again on exit."""
    # The service moves a photo away when it takes it; whatever is still here on exit was not taken.
    if limit_bytes is not None and attachment.size is not None and attachment.size > limit_bytes:
        raise FileTooLarge(limit_bytes)
    try:
        remote = await bot.get_file(attachment.file_id)
    except BadRequest as error:
        if "too big" in error.message.lower() and limit_bytes is not None:  # the message did not say its size
            raise FileTooLarge(limit_bytes) from None
        raise
    folder.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=folder))  # 0700: nobody else on the machine reads the photo
    try:
        path = scratch / f"{name}{attachment.suffix}"
        await remote.download_to_drive(path)
        yield path
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def clear_downloads(folder: Path) -> None:
    """Delete what a crash left half-downloaded: nobody's photo stays on disk unasked."""
    shutil.rmtree(folder, ignore_errors=True)
