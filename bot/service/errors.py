"""Refusals an adapter sends to the user: each error's message is written for a person, in the catalogue's words."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.i18n import ENGLISH_TEXTS, N_, Texts


class UserFacingError(Exception):
    """A request the bot will not carry out; `message` says why, in plain English, `text` in the user's language.

    `template` is a catalogue msgid with `{name}` placeholders filled from `params`; a message from elsewhere (e.g.
    an inference error) is translated if the catalogue has it, and shown as it is otherwise.
    """

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params = params
        self.message = template.format(**params) if params else template
        super().__init__(self.message)

    def text(self, t: Texts) -> str:
        """The message in the catalogue `t`'s language."""
        translated = t.gettext(self.template)
        return translated.format(**self.params) if self.params else translated


class Banned(UserFacingError):
    """The user is banned from the bot."""

    def __init__(self) -> None:
        super().__init__(N_("You are not allowed to use this bot."))


class ChatDisabled(UserFacingError):
    """The chat's admins switched the bot off here."""

    def __init__(self) -> None:
        super().__init__(N_("The admins of this chat have switched the bot off here."))


class ConsentRequired(UserFacingError):
    """The user has not accepted the current consent statement; its text is the statement to show."""

    def __init__(self, statement: Callable[[Texts], str]) -> None:
        super().__init__(statement(ENGLISH_TEXTS))
        self._statement = statement

    def text(self, t: Texts) -> str:
        return self._statement(t)


class UnknownTemplate(UserFacingError):
    """No template has that name."""

    def __init__(self, slug: str, available: list[str]) -> None:
        if available:
            super().__init__(N_("I don't know a song called '{slug}'. You can pick: {choices}."),
                             slug=slug, choices=", ".join(available))
        else:
            super().__init__(N_("I don't know a song called '{slug}', and there are no songs yet."), slug=slug)


class BadPhoto(UserFacingError):
    """The photo cannot be used; the message says what to send instead."""


class PhotoTooLarge(BadPhoto):
    """The photo is over MEMEBOT_MAX_PHOTO_BYTES (adapters may say so before fetching it)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(N_("That photo is too large; please send one under {megabytes} MB."),
                         megabytes=f"{max_bytes / 1_000_000:g}")


class QuotaExceeded(UserFacingError):
    """The user has used all of today's renders."""

    def __init__(self, limit: int) -> None:
        super().__init__(N_("You have used all {limit} of your videos for today; more from midnight UTC."), limit=limit)


class ChatQuotaExceeded(UserFacingError):
    """The chat has used all of today's renders."""

    def __init__(self, limit: int) -> None:
        super().__init__(N_("This chat has used all {limit} of its videos for today; more from midnight UTC."),
                         limit=limit)


class TooManyJobs(UserFacingError):
    """The user already has as many renders waiting or running as allowed."""

    def __init__(self, limit: int) -> None:
        if limit == 1:
            super().__init__(N_("You already have a video on the way; please wait until it is done."))
        else:
            super().__init__(N_("You already have {limit} videos on the way; please wait until one is done."),
                             limit=limit)


class NotAllowed(UserFacingError):
    """The user may not do that (an admin command, or someone else's job)."""

    def __init__(self, template: str = N_("Only bot admins can do that.")) -> None:
        super().__init__(template)


class PhotoExpired(UserFacingError):
    """The photo of an earlier video is no longer kept (MEMEBOT_PHOTO_KEEP_MINUTES), or its job is gone."""

    def __init__(self, keep_minutes: int) -> None:
        if keep_minutes:
            super().__init__(N_("That button has expired: I keep photos only {minutes} minutes after their video. "
                                "Please send the photo again."), minutes=keep_minutes)
        else:
            super().__init__(N_("That button has expired: I don't keep photos. Please send the photo again."))
