"""Where a job's news goes, kept with the job (as its reply_to) so a restarted bot can still deliver it."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

import discord

from bot.i18n import ENGLISH, Texts, language_of, texts

# Time to upload a video before the interaction token dies: later than this, the token is not trusted.
TOKEN_MARGIN = timedelta(minutes=1)


@dataclass(frozen=True)
class Reply:
    """The user's private status message (editable with the interaction token until it expires), and where they are."""

    token: str
    message_id: int
    channel_id: int
    user_id: int
    expires_at: datetime
    upload_limit: int
    template_title: str
    language: str = ENGLISH  # the user's, for the texts (jobs stored before languages have none)

    @property
    def texts(self) -> Texts:
        return texts(self.language)

    @classmethod
    def to_interaction(cls, interaction: discord.Interaction, message_id: int, template_title: str) -> Reply:
        """Replies to this interaction, whose private message is `message_id`."""
        assert interaction.channel_id is not None  # slash commands always come from a channel
        return cls(
            token=interaction.token,
            message_id=message_id,
            channel_id=interaction.channel_id,
            user_id=interaction.user.id,
            expires_at=interaction.expires_at,
            upload_limit=interaction.filesize_limit,
            template_title=template_title,
            language=language_of(interaction.locale.value),
        )

    def token_alive(self, seconds_from_now: float = 0.0) -> bool:
        """Whether the token will still work (with the margin) that many seconds from now."""
        return discord.utils.utcnow() + timedelta(seconds=seconds_from_now) + TOKEN_MARGIN < self.expires_at

    def to_json(self) -> dict[str, Any]:
        """For the job's reply_to column."""
        return asdict(self) | {"expires_at": self.expires_at.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        """The Reply a job's reply_to holds."""
        return cls(**data | {"expires_at": datetime.fromisoformat(data["expires_at"])})
