"""Render requests: every rule a photo passes before it is queued, and the delivery bookkeeping after."""
from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot import metrics
from bot.config import Settings
from bot.i18n import N_
from bot.queue import joblog
from bot.queue.protocol import RenderQueue, WorkerFailed
from bot.service.consent import Consent
from bot.service.errors import (
    BadPhoto,
    Banned,
    ChatDisabled,
    ConsentRequired,
    NotAllowed,
    PhotoTooLarge,
    UnknownTemplate,
    UserFacingError,
)
from bot.service.identity import ChatRef, UserRef, chat_row, user_row
from bot.service.quota import Quotas, Usage
from bot.store.database import Database
from bot.store.jobs import Jobs
from bot.store.models import Job, Template, utcnow
from inference.api import InputError
from inference.templates.template import META_FILE as TEMPLATE_META_FILE

# A second face at least this large next to the largest makes the choice of face a guess (as at template ingest);
# smaller ones (people in the background) are left as they are.
SIMILAR_FACE_RATIO = 0.75
SEVERAL_FACES = N_("I see {count} faces of similar size in that photo and can animate only one. "
                    "Please send a photo where the face to animate is the largest, or crop it.")


@dataclass(frozen=True)
class QueuedRender:
    """The request is in line (position 1 runs next; 0: it already started); follow it with `queue.subscribe`."""

    job_id: int
    position: int


@dataclass(frozen=True)
class CachedRender:
    """Exactly this photo was already sung to the same song: here is that video (and its job), at no cost."""

    output: Path
    job_id: int


@dataclass(frozen=True)
class PendingDelivery:
    """A job whose outcome the user has not been given, with the adapter's note of where to send it."""

    job_id: int
    reply_to: dict[str, Any] | None


class Renders:
    """Takes render requests from any adapter and keeps track of what was delivered."""

    def __init__(self, db: Database, settings: Settings, queue: RenderQueue, consent: Consent) -> None:
        self._db = db
        self._settings = settings
        self._queue = queue
        self._consent = consent
        self._quotas = Quotas(settings)

    @metrics.counts_requests(UserFacingError, CachedRender)
    async def request(
        self, user: UserRef, chat: ChatRef, template: str, photo: Path, reply_to: dict[str, Any] | None = None
    ) -> QueuedRender | CachedRender:
        """Check every rule, then queue a render of `photo` singing `template`, or return a cached video.

        The service takes over the photo file: it is moved into the data folder and deleted as soon as
        its render ends, or right away if the request is refused. `reply_to` is stored as it is and
        handed back by `undelivered`, so the adapter can deliver after a restart.
        Raises a UserFacingError (Banned, ChatDisabled, ConsentRequired, UnknownTemplate, BadPhoto,
        QuotaExceeded, ChatQuotaExceeded, TooManyJobs) whose message can be sent as is.
        """
        photo = self._take(photo)
        outcome: QueuedRender | CachedRender | None = None
        try:
            outcome = await self._request(user, chat, template, photo, reply_to)
            return outcome
        finally:
            if not isinstance(outcome, QueuedRender):
                photo.unlink(missing_ok=True)

    async def cancel(self, user: UserRef, job_id: int) -> bool:
        """Cancel the user's job if it has not started; False if it already started or ended."""
        async with self._db.transaction() as session:
            job = await Jobs(session).get(job_id)
            owner = await user_row(session, user)
        if job is None or (job.user_id != owner.id and not self._quotas.is_admin(owner)):
            raise NotAllowed(N_("That is not one of your videos."))
        return await self._queue.cancel(job_id)

    async def cancel_waiting(self, user: UserRef, chat: ChatRef) -> bool | None:
        """Cancel the user's videos still waiting in this chat: True if any was, False if they all started,
        None if none is on the way."""
        async with self._db.transaction() as session:
            user_id = (await user_row(session, user)).id
            jobs = await Jobs(session).on_the_way(user_id, (await chat_row(session, chat)).id)
        if not jobs:
            return None
        return any([await self._queue.cancel(job.id) for job in jobs])  # a list: every waiting one is cancelled

    async def usage(self, user: UserRef, chat: ChatRef) -> Usage:
        """How many videos the user and the chat have made today, and may make."""
        async with self._db.transaction() as session:
            return await self._quotas.usage(session, await user_row(session, user), await chat_row(session, chat))

    async def undelivered(self, platform: str) -> list[PendingDelivery]:
        """Jobs of this platform whose outcome is still to be delivered, e.g. after a restart.

        Subscribe to each and deliver its outcome, then call `mark_delivered`.
        """
        async with self._db.transaction() as session:
            return [PendingDelivery(job.id, job.reply_to) for job in await Jobs(session).undelivered(platform)]

    async def mark_delivered(self, job_id: int) -> bool:
        """Acknowledge that the user got the job's video or failure message; False if already acknowledged."""
        async with self._db.transaction() as session:
            return await Jobs(session).mark_delivered(job_id)

    async def fit_to_upload(self, video: Path, max_bytes: int, scratch: Path) -> Path | None:
        """`video` if it fits an upload limit, else a smaller copy in `scratch` (the caller's to delete), or None."""
        return await self._queue.fit_to_upload(video, max_bytes, scratch)

    def _take(self, photo: Path) -> Path:
        """Move the adapter's file into the data folder under a name that says nothing about the user."""
        self._settings.photos_dir.mkdir(parents=True, exist_ok=True)
        kept = self._settings.photos_dir / f"{uuid.uuid4().hex}{photo.suffix.lower()}"
        shutil.move(photo, kept)
        return kept

    async def _request(
        self, user: UserRef, chat: ChatRef, template: str, photo: Path, reply_to: dict[str, Any] | None
    ) -> QueuedRender | CachedRender:
        await self._check_allowed(user, chat, template)
        if photo.stat().st_size > self._settings.max_photo_bytes:
            raise PhotoTooLarge(self._settings.max_photo_bytes)
        photo_sha256 = await asyncio.to_thread(_sha256, photo)
        cache_key = await self._cache_key(photo_sha256, template)
        retained_since = utcnow() - timedelta(hours=self._settings.output_retention_hours)
        async with self._db.transaction() as session:
            cached = await Jobs(session).cached_output(cache_key, retained_since)
        if cached is not None:
            job_id, output = cached
            return CachedRender(output, job_id)
        try:
            info = await self._queue.inspect_photo(photo)  # in a worker: the bot never decodes what users send
        except (InputError, WorkerFailed) as error:
            raise BadPhoto(str(error)) from None
        if len(info.face_sides) > 1 and info.face_sides[1] >= SIMILAR_FACE_RATIO * info.face_sides[0]:
            raise BadPhoto(SEVERAL_FACES, count=len(info.face_sides))
        async with self._db.transaction() as session:
            owner, where = await user_row(session, user), await chat_row(session, chat)
            reservation = await self._quotas.reserve(session, owner, where)
            job = Job(
                user_id=owner.id,
                chat_id=where.id,
                template_slug=template,
                backend=self._queue.backend,
                photo_path=str(photo),
                photo_sha256=photo_sha256,
                cache_key=cache_key,
                face=list(info.face),
                reply_to=reply_to,
                quota_day=reservation.day,
                chat_charged=reservation.chat_charged,
            )
            session.add(job)
        joblog.accepted(job.id, user.platform, template, job.backend)
        metrics.accepted(job.backend)
        await self._queue.submit(job.id)
        async with self._db.transaction() as session:
            return QueuedRender(job.id, await Jobs(session).position(job.id))

    async def _cache_key(self, photo_sha256: str, template: str) -> str:
        """A digest of every input that shapes the video, so a cached video is reused only where a render would
        make the very same one: the exact photo (the video shows all of it, not only the face), the template's
        version, the backend and its weights, and the label."""
        async with self._db.transaction() as session:
            row = await session.get(Template, template)
        meta = Path(row.path) / TEMPLATE_META_FILE if row is not None else None
        template_version = await asyncio.to_thread(_sha256, meta) if meta is not None and meta.is_file() else ""
        weights = await asyncio.to_thread(_file_identity, self._settings.checkpoint)
        inputs = [photo_sha256, template, template_version, self._queue.backend, weights, self._settings.label]
        return hashlib.sha256(json.dumps(inputs).encode()).hexdigest()

    async def _check_allowed(self, user: UserRef, chat: ChatRef, template: str) -> None:
        """The checks that need no photo: ban, chat switch, consent, template."""
        async with self._db.transaction() as session:
            owner, where = await user_row(session, user), await chat_row(session, chat)
            if owner.banned:
                raise Banned()
            if not where.enabled:
                raise ChatDisabled()
            if not await self._consent.has_current(session, owner.id):
                raise ConsentRequired(self._consent.statement)
            if await session.get(Template, template) is None:
                available = await session.scalars(select(Template.slug).order_by(Template.slug))
                raise UnknownTemplate(template, list(available))


def _file_identity(path: Path | None) -> str:
    """Path, size and modification time: a new checkpoint under the same name counts as other weights."""
    if path is None:
        return ""
    if not path.is_file():  # a cluster bot need not hold the workers' checkpoint
        return str(path)
    status = path.stat()
    return f"{path}:{status.st_size}:{status.st_mtime_ns}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
