"""The buttons under a video (Delete, Another song, Report) and under a failed render (Try again).

Each is a DynamicItem: its custom id holds the job (and requester), so a press is understood after a restart too.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, cast

import discord
from discord.ext import commands

from bot.adapters.discord.identity import PLATFORM, chat_ref, user_ref
from bot.adapters.discord.language import texts_of
from bot.adapters.discord.replies import report_error
from bot.adapters.discord.reply import Reply
from bot.adapters.messages import (
    ANOTHER_SONG_BUTTON,
    CHECKING_PHOTO,
    DELETE_BUTTON,
    PICK_ANOTHER_SONG,
    REPORT_BUTTON,
    REPORT_QUESTION,
    REPORTED,
    TRY_AGAIN_BUTTON,
    VIDEO_DELETED,
    report_notice_text,
)
from bot.i18n import ENGLISH_TEXTS, Texts
from bot.service import REPORT_REASONS, CachedRender, MemeService, UserRef

if TYPE_CHECKING:  # jobs -> delivery -> these buttons
    from bot.adapters.discord.jobs import DiscordFollowers

log = logging.getLogger(__name__)
# Discord shows at most 25 options in a select menu.
MAX_SONG_OPTIONS = 25


class VideoButtons(commands.Cog):
    """Holds what the buttons need; discord.py builds the buttons themselves from each press's custom id."""

    def __init__(self, service: MemeService, followers: DiscordFollowers) -> None:
        self.service = service
        self.followers = followers

    async def sing_again(self, interaction: discord.Interaction, job_id: int, template: str | None) -> None:
        """The photo of the job, sung again, followed like a /sing; its status is this press's private message."""
        user = user_ref(interaction.user)
        await self.service.followups.kept_photo(user, job_id)  # refused before anything is shown
        await interaction.response.defer(ephemeral=True, thinking=True)
        song = template or await self.service.followups.template_of(job_id) or ""
        titles = {t.slug: t.title for t in await self.service.templates.list()}
        checking = await interaction.edit_original_response(content=texts_of(interaction).gettext(CHECKING_PHOTO),
                                                            view=None)
        reply = Reply.to_interaction(interaction, checking.id, titles.get(song, song))
        ticket = await self.service.followups.sing_again(user, chat_ref(interaction), job_id, song, reply.to_json())
        if isinstance(ticket, CachedRender):
            await self.followers.delivery(reply).send_video(ticket.output, ticket.job_id)
        else:
            self.followers.follow(ticket.job_id, reply)


def video_view(t: Texts, job_id: int, requester: int, *, another_song: bool) -> discord.ui.View:
    """The buttons under a delivered video, labelled in the requester's language."""
    view = discord.ui.View(timeout=None)
    view.add_item(DeleteButton(job_id, requester, t))
    if another_song:
        view.add_item(AnotherSongButton(job_id, t))
    view.add_item(ReportButton(job_id, t))
    return view


def try_again_view(t: Texts, job_id: int) -> discord.ui.View:
    """The button under a failed render's message."""
    view = discord.ui.View(timeout=None)
    view.add_item(TryAgainButton(job_id, t))
    return view


def _cog(interaction: discord.Interaction) -> VideoButtons:
    client = interaction.client
    assert isinstance(client, commands.AutoShardedBot), "the Discord adapter runs an AutoShardedBot"
    cog = client.get_cog(VideoButtons.__cog_name__)
    assert isinstance(cog, VideoButtons), "the adapter adds VideoButtons before it connects"
    return cog


class DeleteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"memebot:vd:(?P<job>\d+):(?P<user>\d+)"):
    """🗑 Delete: the requester, a server member who may manage messages, or a bot admin."""

    def __init__(self, job_id: int, requester: int, t: Texts) -> None:
        super().__init__(discord.ui.Button(label=t.gettext(DELETE_BUTTON), style=discord.ButtonStyle.secondary,
                                           custom_id=f"memebot:vd:{job_id}:{requester}"))
        self.job_id, self.requester = job_id, requester

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> DeleteButton:
        return cls(int(match["job"]), int(match["user"]), texts_of(interaction))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _answering(interaction, self._press(interaction))

    async def _press(self, interaction: discord.Interaction) -> None:
        chat_admin = interaction.guild_id is not None and interaction.permissions.manage_messages
        await _cog(interaction).service.followups.delete(
            user_ref(interaction.user), UserRef(PLATFORM, str(self.requester)), self.job_id,
            presser_is_chat_admin=chat_admin,
        )
        await interaction.response.defer()
        await interaction.delete_original_response()  # for a button, the message it is on
        await interaction.followup.send(texts_of(interaction).gettext(VIDEO_DELETED), ephemeral=True)


class AnotherSongButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"memebot:va:(?P<job>\d+)"):
    """🎶 Another song: the songs, privately, for the photo the service kept."""

    def __init__(self, job_id: int, t: Texts) -> None:
        super().__init__(discord.ui.Button(label=t.gettext(ANOTHER_SONG_BUTTON), style=discord.ButtonStyle.primary,
                                           custom_id=f"memebot:va:{job_id}"))
        self.job_id = job_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> AnotherSongButton:
        return cls(int(match["job"]), texts_of(interaction))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _answering(interaction, self._press(interaction))

    async def _press(self, interaction: discord.Interaction) -> None:
        service = _cog(interaction).service
        await service.followups.kept_photo(user_ref(interaction.user), self.job_id)
        templates = (await service.templates.list())[:MAX_SONG_OPTIONS]
        view = discord.ui.View(timeout=None)
        view.add_item(SongSelect(self.job_id, [discord.SelectOption(label=song.title[:100], value=song.slug)
                                               for song in templates]))
        await interaction.response.send_message(texts_of(interaction).gettext(PICK_ANOTHER_SONG), view=view,
                                                ephemeral=True)


class SongSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"memebot:vs:(?P<job>\d+)"):
    """The song picked for the photo of a job."""

    def __init__(self, job_id: int, options: list[discord.SelectOption] | None = None) -> None:
        super().__init__(discord.ui.Select(custom_id=f"memebot:vs:{job_id}", options=options or []))
        self.job_id = job_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> SongSelect:
        return cls(int(match["job"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _answering(interaction, self._press(interaction))

    async def _press(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).sing_again(interaction, self.job_id, _picked(interaction))


class TryAgainButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"memebot:vt:(?P<job>\d+)"):
    """↻ Try again: the same photo and song."""

    def __init__(self, job_id: int, t: Texts) -> None:
        super().__init__(discord.ui.Button(label=t.gettext(TRY_AGAIN_BUTTON), style=discord.ButtonStyle.primary,
                                           custom_id=f"memebot:vt:{job_id}"))
        self.job_id = job_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> TryAgainButton:
        return cls(int(match["job"]), texts_of(interaction))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _answering(interaction, self._press(interaction))

    async def _press(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).sing_again(interaction, self.job_id, None)


class ReportButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"memebot:vr:(?P<job>\d+)"):
    """⚠ Report: anyone who sees the video; the reasons are asked privately."""

    def __init__(self, job_id: int, t: Texts) -> None:
        super().__init__(discord.ui.Button(label=t.gettext(REPORT_BUTTON), style=discord.ButtonStyle.danger,
                                           custom_id=f"memebot:vr:{job_id}"))
        self.job_id = job_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> ReportButton:
        return cls(int(match["job"]), texts_of(interaction))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _answering(interaction, self._press(interaction))

    async def _press(self, interaction: discord.Interaction) -> None:
        t = texts_of(interaction)
        view = discord.ui.View(timeout=None)
        view.add_item(ReasonSelect(self.job_id, [discord.SelectOption(label=t.gettext(text), value=code)
                                                 for code, text in REPORT_REASONS.items()]))
        await interaction.response.send_message(t.gettext(REPORT_QUESTION), view=view, ephemeral=True)


class ReasonSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"memebot:rr:(?P<job>\d+)"):
    """The reason of a report: recorded, and told to each bot admin on Discord by DM."""

    def __init__(self, job_id: int, options: list[discord.SelectOption] | None = None) -> None:
        super().__init__(discord.ui.Select(custom_id=f"memebot:rr:{job_id}", options=options or []))
        self.job_id = job_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> ReasonSelect:
        return cls(int(match["job"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _answering(interaction, self._press(interaction))

    async def _press(self, interaction: discord.Interaction) -> None:
        reason, reporter = _picked(interaction), user_ref(interaction.user)
        admins = await _cog(interaction).service.reports.report(reporter, self.job_id, reason)
        await interaction.response.edit_message(content=texts_of(interaction).gettext(REPORTED), view=None)
        where = f"Discord channel <#{interaction.channel_id}>"
        # The admins' languages are unknown here: they read the notice in English.
        notice = report_notice_text(ENGLISH_TEXTS, reporter, self.job_id, REPORT_REASONS[reason], where)
        for admin in admins:
            try:
                await (await interaction.client.create_dm(discord.Object(int(admin.id)))).send(notice)
            except discord.HTTPException:  # e.g. an admin who shares no server with the bot
                log.warning("cannot tell admin %s about a report", admin, exc_info=True)


async def _answering(interaction: discord.Interaction, press: Awaitable[None]) -> None:
    """Run a press; a refusal or a bug is told to the presser, as for commands (views would only log it)."""
    try:
        await press
    except Exception as error:
        await report_error(interaction, error)


ITEMS = (DeleteButton, AnotherSongButton, SongSelect, TryAgainButton, ReportButton, ReasonSelect)


def _picked(interaction: discord.Interaction) -> str:
    """The one value chosen in a select menu."""
    data = cast(dict[str, Any], interaction.data or {})  # a select's data: {"custom_id": ..., "values": [...]}
    values = data.get("values") or [""]
    return str(values[0])
