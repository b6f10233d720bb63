"""One job shown to its user: status edits in their private message, then the video posted publicly."""
from __future__ import annotations

import logging
from pathlib import Path

import discord

from bot.adapters.discord.buttons import try_again_view, video_view
from bot.adapters.discord.reply import Reply
from bot.adapters.messages import done_text, status_text, video_too_large_text
from bot.i18n import N_
from bot.queue import Failed, Finished, JobEvent, Progress
from bot.service import MemeService

log = logging.getLogger(__name__)

# Discord's upload limit in a DM with the bot, where no server boost applies.
DM_UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024
VIDEO_FILENAME = "memebot.mp4"
LATE_NOTE = N_("This takes longer than Discord lets me update this message: I'll post the video here and mention you.")
LATE_DELIVERY_NOTE = N_("(too late to reply to your command, so here it is)")


class Delivery:
    """Edits the private status message while the interaction token lives; the outcome goes public.

    With the token alive the video is a followup to the command; after it, a channel message that
    mentions the user, or a DM where the bot cannot post in that channel.
    """

    def __init__(self, client: discord.Client, service: MemeService, reply: Reply, scratch: Path) -> None:
        self._client = client
        self._service = service
        self._reply = reply
        self._scratch = scratch

    @property
    def _webhook(self) -> discord.Webhook:
        assert self._client.application_id is not None  # known once logged in
        return discord.Webhook.partial(self._client.application_id, self._reply.token, client=self._client)

    async def show_status(self, event: JobEvent) -> None:
        """Edit the private message, unless the token is too close to expiring."""
        if not self._reply.token_alive():
            return
        t = self._reply.texts
        text = status_text(t, event, self._reply.template_title)
        if isinstance(event, Progress) and event.eta_seconds and not self._reply.token_alive(event.eta_seconds):
            text += f"\n{t.gettext(LATE_NOTE)}"
        await self._webhook.edit_message(self._reply.message_id, content=text, view=None)

    async def deliver(self, event: JobEvent) -> None:
        """Send the job's outcome: the video of a Finished job, or what happened instead."""
        if isinstance(event, Finished):
            await self.send_video(event.output, event.job_id)
        else:
            try_again = isinstance(event, Failed) and self._service.followups.photos_kept
            t = self._reply.texts
            view = try_again_view(t, event.job_id) if try_again else None
            await self._send(status_text(t, event, self._reply.template_title), None,
                             late=not self._reply.token_alive(), view=view)

    async def send_video(self, output: Path, job_id: int) -> None:
        """Post the job's video publicly with its buttons, shrunk if it exceeds the upload limit, or say privately
        why it cannot be sent."""
        late = not self._reply.token_alive()  # decided once, so the size limit and the route agree
        # A late video may end up in a DM, where no server boost raises the limit.
        limit = min(self._reply.upload_limit, DM_UPLOAD_LIMIT_BYTES) if late else self._reply.upload_limit
        video = await self._service.renders.fit_to_upload(output, limit, self._scratch)
        t = self._reply.texts
        try:
            if video is None:
                await self._send(video_too_large_text(t, output.stat().st_size, limit), None, late)
            else:
                buttons = video_view(t, job_id, self._reply.user_id, another_song=self._service.followups.photos_kept)
                await self._send(done_text(t, self._reply.template_title, self._service.settings.label), video, late,
                                 view=buttons)
        finally:
            if video not in (None, output):
                video.unlink(missing_ok=True)

    async def _send(self, text: str, video: Path | None, late: bool, view: discord.ui.View | None = None) -> None:
        """The outcome: a video goes public with `view` under it; a text stays in the private message, with `view`."""
        if late:
            await self._send_late(text, video, view)
            return
        if video is not None:
            await self._webhook.send(text, file=discord.File(video, filename=VIDEO_FILENAME), wait=True,
                                     view=view or discord.utils.MISSING)
        try:
            private_view = view if video is None else None
            await self._webhook.edit_message(self._reply.message_id, content=text, view=private_view)
        except discord.HTTPException:  # the outcome is out; a stale private status is no reason to send it again
            log.warning("could not update the status message of user %s", self._reply.user_id, exc_info=True)

    async def _send_late(self, text: str, video: Path | None, view: discord.ui.View | None) -> None:
        content = f"<@{self._reply.user_id}> {text} {self._reply.texts.gettext(LATE_DELIVERY_NOTE)}"
        mention_only_them = discord.AllowedMentions(users=[discord.Object(self._reply.user_id)])
        channel = self._client.get_partial_messageable(self._reply.channel_id)
        try:
            await channel.send(content, file=_file(video), allowed_mentions=mention_only_them,  # type: ignore[arg-type]  # see _file
                               view=view)  # type: ignore[arg-type]  # None: no buttons, as at run time
            return
        except (discord.Forbidden, discord.NotFound):
            log.info("cannot post in channel %s; sending user %s a DM", self._reply.channel_id, self._reply.user_id)
        dm = await self._client.create_dm(discord.Object(self._reply.user_id))
        await dm.send(text, file=_file(video), view=view)  # type: ignore[arg-type]  # see _file; view None: no buttons


def _file(video: Path | None) -> discord.File | None:
    # send() takes file=None (no attachment) at run time, though its overloads type file as File.
    return discord.File(video, filename=VIDEO_FILENAME) if video is not None else None
