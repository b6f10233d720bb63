"""Refusals an adapter sends to the user as they are: each error's message is written for a person."""
from __future__ import annotations


class UserFacingError(Exception):
    """A request the bot will not carry out; `message` says why, in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Banned(UserFacingError):
    """The user is banned from the bot."""

    def __init__(self) -> None:
        super().__init__("You are not allowed to use this bot.")


class ChatDisabled(UserFacingError):
    """The chat's admins switched the bot off here."""

    def __init__(self) -> None:
        super().__init__("The admins of this chat have switched the bot off here.")


class ConsentRequired(UserFacingError):
    """The user has not accepted the current consent statement; `statement` is the text to show."""

    def __init__(self, statement: str) -> None:
        super().__init__(statement)
        self.statement = statement


class UnknownTemplate(UserFacingError):
    """No template has that name."""

    def __init__(self, slug: str, available: list[str]) -> None:
        choices = ", ".join(available) if available else "none yet"
        super().__init__(f"I don't know a song called {slug!r}. You can pick: {choices}.")


class BadPhoto(UserFacingError):
    """The photo cannot be used; the message says what to send instead."""


class PhotoTooLarge(BadPhoto):
    """The photo is over MEMEBOT_MAX_PHOTO_BYTES (adapters may say so before fetching it)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"That photo is too large; please send one under {max_bytes / 1_000_000:g} MB.")


class QuotaExceeded(UserFacingError):
    """The user has used all of today's renders."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"You have used all {limit} of your videos for today; more from midnight UTC.")


class ChatQuotaExceeded(UserFacingError):
    """The chat has used all of today's renders."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"This chat has used all {limit} of its videos for today; more from midnight UTC.")


class TooManyJobs(UserFacingError):
    """The user already has as many renders waiting or running as allowed."""

    def __init__(self, limit: int) -> None:
        waiting = "a video" if limit == 1 else f"{limit} videos"
        super().__init__(f"You already have {waiting} on the way; please wait until it is done.")


class NotAllowed(UserFacingError):
    """The user may not do that (an admin command, or someone else's job)."""

    def __init__(self, message: str = "Only bot admins can do that.") -> None:
        super().__init__(message)


class PhotoExpired(UserFacingError):
    """The photo of an earlier video is no longer kept (MEMEBOT_PHOTO_KEEP_MINUTES), or its job is gone."""

    def __init__(self, keep_minutes: int) -> None:
        kept = f"I keep photos only {keep_minutes} minutes after their video" if keep_minutes else "I don't keep photos"
        super().__init__(f"That button has expired: {kept}. Please send the photo again.")
