"""The render limits: per user and per chat per UTC day, and jobs in flight per user."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.service.errors import ChatQuotaExceeded, QuotaExceeded, TooManyJobs
from bot.service.identity import identity_hash
from bot.store import quota
from bot.store.jobs import Jobs
from bot.store.models import Chat, User
from bot.store.quota import Owner


@dataclass(frozen=True)
class Reservation:
    """What a queued job spent, so a failure can give it back."""

    day: date
    chat_charged: bool


@dataclass(frozen=True)
class Usage:
    """Today's numbers for a user in a chat; a limit of 0 means unlimited."""

    used: int
    limit: int
    chat_used: int
    chat_limit: int
    in_flight: int
    max_in_flight: int


class Quotas:
    """Works out each user's and chat's limits and reserves renders against them."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def is_admin(self, user: User) -> bool:
        return self._settings.is_admin(user.platform, user.platform_user_id)

    def user_limit(self, user: User) -> int:
        """Renders a day for this user; 0 = unlimited."""
        if user.daily_limit is not None:
            return user.daily_limit
        return self._settings.admin_daily_quota if self.is_admin(user) else self._settings.user_daily_quota

    def chat_limit(self, chat: Chat) -> int:
        """Renders a day in this chat; 0 = unlimited."""
        return chat.daily_limit if chat.daily_limit is not None else self._settings.chat_daily_quota

    async def reserve(self, session: AsyncSession, user: User, chat: Chat) -> Reservation:
        """Spend one render of the user's and the chat's allowance, or raise why not.

        Call inside the transaction that inserts the job: an error rolls the spending back.
        """
        day = quota.today()
        await self._take_back_forgotten(session, user, day)
        # Spending first also locks the user's counter row, so the in-flight count below cannot race.
        limit = self.user_limit(user)
        if not await quota.spend(session, Owner.user(user.id), day, limit):
            raise QuotaExceeded(limit)
        if await Jobs(session).count_active(user.id) >= self._settings.max_jobs_in_flight:
            raise TooManyJobs(self._settings.max_jobs_in_flight)
        # Bot admins do not use up a chat's allowance.
        chat_charged = not self.is_admin(user)
        if chat_charged and not await quota.spend(session, Owner.chat(chat.id), day, self.chat_limit(chat)):
            raise ChatQuotaExceeded(self.chat_limit(chat))
        return Reservation(day, chat_charged)

    async def _take_back_forgotten(self, session: AsyncSession, user: User, day: date) -> None:
        """A user who asked to be forgotten today and came back still has today's videos counted."""
        digest = identity_hash(self._settings.data_dir, user.platform, user.platform_user_id)
        await quota.take_back_forgotten(session, user.id, digest, day)

    async def usage(self, session: AsyncSession, user: User, chat: Chat) -> Usage:
        """Today's numbers, for a "how many do I have left" command."""
        day = quota.today()
        await self._take_back_forgotten(session, user, day)
        return Usage(
            used=await quota.used(session, Owner.user(user.id), day),
            limit=self.user_limit(user),
            chat_used=await quota.used(session, Owner.chat(chat.id), day),
            chat_limit=self.chat_limit(chat),
            in_flight=await Jobs(session).count_active(user.id),
            max_in_flight=self._settings.max_jobs_in_flight,
        )
