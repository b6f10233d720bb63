"""The consent statement, and who has accepted which version of it."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.i18n import ENGLISH_TEXTS, N_, Texts
from bot.queue.protocol import RenderQueue
from bot.service.identity import UserRef, user_row
from bot.service.privacy import cancel_queued_jobs, photo_kept_text
from bot.store.database import Database
from bot.store.models import ConsentRecord

# Change the wording? Bump MEMEBOT_CONSENT_VERSION too, so everyone is asked again.
STATEMENT = N_(
    "Before I animate a face, please confirm that:\n"
    "- you are the person in the photo, or you have their permission to use it;\n"
    "- you will not use the video to harass, deceive or sexualise anyone;\n"
    '- you understand that every video is marked "{label}".\n'
    "{photo_kept}\n"
    "You can withdraw this at any time, and ask me to forget everything about you. (Consent version {version}.)"
)


class Consent:
    """Records acceptances and withdrawals; only an acceptance of the current version counts."""

    def __init__(self, db: Database, settings: Settings, queue: RenderQueue) -> None:
        self._db = db
        self._settings = settings
        self._queue = queue

    @property
    def version(self) -> str:
        return self._settings.consent_version

    def statement(self, t: Texts = ENGLISH_TEXTS) -> str:
        """The text to show before asking for consent, in the catalogue `t`'s language."""
        return t.gettext(STATEMENT).format(label=self._settings.label, version=self.version,
                                           photo_kept=photo_kept_text(t, self._settings.photo_keep_minutes))

    async def needs_consent(self, user: UserRef) -> bool:
        """Whether the user must (again) accept before rendering."""
        async with self._db.transaction() as session:
            return not await self.has_current(session, (await user_row(session, user)).id)

    async def accept(self, user: UserRef) -> None:
        """Record that the user accepts the current statement."""
        await self._record(user, accepted=True)

    async def withdraw(self, user: UserRef) -> None:
        """Record that the user withdraws consent and cancel their waiting videos; they are asked again before
        the next render."""
        user_id = await self._record(user, accepted=False)
        await cancel_queued_jobs(self._db, self._queue, user_id)

    async def has_current(self, session: AsyncSession, user_id: int) -> bool:
        """Whether the user's latest consent record accepts the current version."""
        latest = await session.scalar(
            select(ConsentRecord)
            .where(ConsentRecord.user_id == user_id)
            .order_by(ConsentRecord.at.desc(), ConsentRecord.id.desc())
            .limit(1)
        )
        return latest is not None and latest.accepted and latest.version == self.version

    async def _record(self, user: UserRef, *, accepted: bool) -> int:
        """Add the record; the user's row id."""
        async with self._db.transaction() as session:
            row = await user_row(session, user)
            session.add(ConsentRecord(user_id=row.id, version=self.version, accepted=accepted))
            return row.id
