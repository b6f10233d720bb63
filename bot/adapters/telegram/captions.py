"""Commands written in the caption of a photo or video, which Telegram's command handlers do not look at."""
from __future__ import annotations

from dataclasses import dataclass

from telegram import Message


@dataclass(frozen=True)
class CaptionCommand:
    """`/name rest…`: the command's name (lowercase) and the text after it."""

    name: str
    rest: str

    @property
    def args(self) -> list[str]:
        return self.rest.split()


def caption_command(message: Message, bot_username: str) -> CaptionCommand | None:
    """The command the caption starts with, unless it is addressed to another bot (`/sing@OtherBot`)."""
    first, *rest = (message.caption or "").split(maxsplit=1) or [""]
    if not first.startswith("/") or len(first) < 2:
        return None
    name, _, addressee = first[1:].partition("@")
    if addressee and addressee.lower() != bot_username.lower():
        return None
    return CaptionCommand(name.lower(), rest[0] if rest else "")
