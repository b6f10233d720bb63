"""What can follow a video: deleting it, another song or a new try with the same photo while it is kept."""
from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.i18n import N_
from bot.service.errors import NotAllowed, PhotoExpired
from bot.service.identity import ChatRef, UserRef, user_row
from bot.service.renders import CachedRender, QueuedRender, Renders
from bot.store.database import Database
from bot.store.jobs import Jobs
from bot.store.models import Job

NOT_YOURS_TO_DELETE = N_("Only the person who asked for this video, or an admin of this chat, can delete it.")
NOT_YOUR_PHOTO = N_("Only the person who sent this photo can sing it again.")


class Followups:
    """The rules behind the buttons under a video: who may delete it, and whether its photo can sing again."""

    def __init__(self, db: Database, settings: Settings, renders: Renders) -> None:
        self._db = db
        self._settings = settings
        self._renders = renders

    @property
    def photos_kept(self) -> bool:
        """Whether photos stay after their render (MEMEBOT_PHOTO_KEEP_MINUTES > 0), so "Another song" is offered."""
        return self._settings.photo_keep_minutes > 0

    async def delete(self, presser: UserRef, requester: UserRef, job_id: int, *, presser_is_chat_admin: bool) -> None:
        """Allow deleting the video message (raise NotAllowed otherwise), and delete the job's kept photo now."""
        bot_admin = self._settings.is_admin(presser.platform, presser.id)
        if presser != requester and not presser_is_chat_admin and not bot_admin:
            raise NotAllowed(NOT_YOURS_TO_DELETE)
        async with self._db.transaction() as session:
            job = await Jobs(session).get(job_id)
            if job is None or job.photo_path is None or job.user_id != (await user_row(session, requester)).id:
                return  # a cached video's job may be someone else's: their photo is theirs to delete
            photo = Path(job.photo_path)
            await Jobs(session).forget_photo(job_id)
        photo.unlink(missing_ok=True)

    async def sing_again(
        self, user: UserRef, chat: ChatRef, job_id: int, template: str | None, reply_to: dict[str, Any] | None = None
    ) -> QueuedRender | CachedRender:
        """Render the photo of the user's job again, to `template` (None: the same song), as `Renders.request` does.

        Raises PhotoExpired when the photo is no longer kept, NotAllowed for someone else's job.
        """
        job, photo = await self.kept_photo(user, job_id)
        return await self._renders.request(user, chat, template or job.template_slug, self._copy(photo), reply_to)

    async def kept_photo(self, user: UserRef, job_id: int) -> tuple[Job, Path]:
        """The user's job and its photo, still kept; PhotoExpired or NotAllowed (someone else's job) if not."""
        async with self._db.transaction() as session:
            job = await Jobs(session).get(job_id)
            owner_id = (await user_row(session, user)).id
        if job is None or job.photo_path is None or not Path(job.photo_path).is_file():
            raise PhotoExpired(self._settings.photo_keep_minutes)
        if job.user_id != owner_id:
            raise NotAllowed(NOT_YOUR_PHOTO)
        return job, Path(job.photo_path)

    async def template_of(self, job_id: int) -> str | None:
        """The song a job sang, while the job exists."""
        async with self._db.transaction() as session:
            job = await Jobs(session).get(job_id)
        return None if job is None else job.template_slug

    def _copy(self, photo: Path) -> Path:
        """A copy for the new request to take over; the kept photo stays with its job until the sweep."""
        self._settings.photos_dir.mkdir(parents=True, exist_ok=True)
        copy = self._settings.photos_dir / f"{uuid.uuid4().hex}{photo.suffix}"
        shutil.copyfile(photo, copy)
        return copy
