"""Job outcomes on Telegram: a status message edited as the job moves, then the video (or why not), exactly once."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, ReplyParameters
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden

from bot.adapters.follow import JobFollowers
from bot.adapters.messages import done_text, label_note, status_text, video_too_large_text
from bot.adapters.telegram.buttons import try_again_keyboard, video_keyboard
from bot.adapters.telegram.identity import PLATFORM
from bot.adapters.telegram.limits import FileLimits
from bot.i18n import ENGLISH, Texts, texts
from bot.queue import Failed, Finished, JobEvent
from bot.service import CachedRender, MemeService, QueuedRender

log = logging.getLogger(__name__)

# Telegram shows a chat action for 5 s or until the bot's next message; uploads can take longer.
CHAT_ACTION_REPEAT_SECONDS = 4.0


@dataclass(frozen=True)
class StatusMessage:
    """Where a job's status and video go; stored with the job (its `reply_to`) so a restart can still deliver."""

    chat_id: int
    message_id: int  # the bot's status message, a reply to the photo
    photo_message_id: int
    user_id: int
    title: str
    language: str = ENGLISH  # the requester's, for the texts (jobs stored before languages have none)

    @property
    def texts(self) -> Texts:
        return texts(self.language)

    def as_reply_to(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_reply_to(cls, reply_to: dict[str, Any]) -> StatusMessage:
        return cls(**reply_to)


class Deliveries(JobFollowers[StatusMessage]):
    """Follows jobs in background tasks and gives each outcome to its user once."""

    platform = PLATFORM

    def __init__(self, bot: Bot, service: MemeService, limits: FileLimits, scratch: Path) -> None:
        super().__init__(service)
        self._bot = bot
        self._limits = limits
        self._scratch = scratch

    def delivery(self, where: StatusMessage) -> _JobDelivery:
        return _JobDelivery(self._bot, where, self.send_video, self._service.followups.photos_kept)

    def where_from(self, reply_to: dict[str, Any]) -> StatusMessage:
        return StatusMessage.from_reply_to(reply_to)

    async def take(self, outcome: QueuedRender | CachedRender, where: StatusMessage) -> None:
        """Send a cached video now, or follow a queued job (its first event is its place in the queue)."""
        if isinstance(outcome, CachedRender):
            await self.send_video(where, outcome.output, outcome.job_id)
        else:
            self.follow(outcome.job_id, where)

    async def send_video(self, where: StatusMessage, output: Path, job_id: int) -> None:
        """Send the video of the job as a reply to the photo, with its buttons, shrunk if over the upload limit (or
        say why it cannot be sent)."""
        status = _StatusEditor(self._bot, where)
        video = await self._service.renders.fit_to_upload(output, self._limits.upload_bytes, self._scratch)
        if video is None:
            await status.show(video_too_large_text(where.texts, output.stat().st_size, self._limits.upload_bytes),
                              final=True)
            return
        try:
            async with _showing(self._bot, where.chat_id, ChatAction.UPLOAD_VIDEO):
                await self._bot.send_video(
                    where.chat_id,
                    video,
                    caption=label_note(where.texts, self._service.settings.label),
                    supports_streaming=True,
                    reply_markup=video_keyboard(where.texts, job_id, where.user_id,
                                                another_song=self._service.followups.photos_kept),
                    reply_parameters=ReplyParameters(where.photo_message_id, allow_sending_without_reply=True),
                )
        except (Forbidden, BadRequest) as error:  # blocked, or the chat is gone: trying again will not help
            log.warning("cannot send the video to chat %s: %s", where.chat_id, error.message)
            return
        finally:
            if video != output:
                video.unlink(missing_ok=True)
        await status.show(done_text(where.texts, where.title, self._service.settings.label), final=True)


class _JobDelivery:
    """One job's status message, edited as the job moves, and its outcome."""

    def __init__(
        self, bot: Bot, where: StatusMessage, send_video: Callable[[StatusMessage, Path, int], Awaitable[None]],
        try_again: bool,
    ) -> None:
        self._where = where
        self._status = _StatusEditor(bot, where)
        self._send_video = send_video
        self._try_again = try_again

    async def show_status(self, event: JobEvent) -> None:
        await self._status.show(status_text(self._where.texts, event, self._where.title))

    async def deliver(self, event: JobEvent) -> None:
        if isinstance(event, Finished):
            await self._send_video(self._where, event.output, event.job_id)
        else:
            t = self._where.texts
            buttons = try_again_keyboard(t, event.job_id) if isinstance(event, Failed) and self._try_again else None
            await self._status.show(status_text(t, event, self._where.title), final=True, buttons=buttons)


class _StatusEditor:
    """Edits one status message, skipping repeats; a final text is sent anew if the message is gone."""

    def __init__(self, bot: Bot, where: StatusMessage) -> None:
        self._bot = bot
        self._where = where
        self._shown: str | None = None

    async def show(self, text: str, *, final: bool = False, buttons: InlineKeyboardMarkup | None = None) -> None:
        if text == self._shown:
            return
        try:
            await self._bot.edit_message_text(
                text, chat_id=self._where.chat_id, message_id=self._where.message_id, reply_markup=buttons
            )
        except BadRequest as error:
            if "not modified" in error.message:
                pass  # after a restart the message may show this already
            elif final:
                await self._bot.send_message(
                    self._where.chat_id,
                    text,
                    reply_markup=buttons,
                    reply_parameters=ReplyParameters(self._where.photo_message_id, allow_sending_without_reply=True),
                )
            else:
                raise
        self._shown = text


@contextlib.asynccontextmanager
async def _showing(bot: Bot, chat_id: int, action: str) -> AsyncIterator[None]:
    """Keep a chat action ("sending a video…") showing until the block ends."""

    async def repeat() -> None:
        while True:
            await bot.send_chat_action(chat_id, action)
            await asyncio.sleep(CHAT_ACTION_REPEAT_SECONDS)

    task = asyncio.create_task(repeat())
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)  # a failed chat action is no reason to fail the video
