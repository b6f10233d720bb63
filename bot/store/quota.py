"""Daily render counters, spent and refunded with conditional UPDATEs so concurrent requests never overspend."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import ForgottenUsage, Job, QuotaUsage
from bot.store.rows import insert_ignoring_conflicts


def today() -> date:
    """The quota day: days roll over at midnight UTC."""
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class Owner:
    """Whose counter: a user's or a chat's."""

    column: str
    id: int

    @classmethod
    def user(cls, user_id: int) -> Owner:
        return cls("user_id", user_id)

    @classmethod
    def chat(cls, chat_id: int) -> Owner:
        return cls("chat_id", chat_id)


async def spend(session: AsyncSession, owner: Owner, day: date, limit: int) -> bool:
    """Count one more render for `owner` on `day`, unless `limit` (0 = unlimited) is reached."""
    await session.execute(insert_ignoring_conflicts(session, QuotaUsage, {owner.column: owner.id, "day": day}))
    statement = update(QuotaUsage).where(_is(owner, day)).values(used=QuotaUsage.used + 1)
    if limit:
        statement = statement.where(QuotaUsage.used < limit)
    # One UPDATE checks and increments, so two requests can never both take the last render.
    return cast(CursorResult[Any], await session.execute(statement)).rowcount == 1  # an UPDATE's result


async def remember_forgotten(session: AsyncSession, user_id: int, identity_hash: str, day: date) -> None:
    """Keep what the user (about to be forgotten) used on `day`, under `identity_hash` alone."""
    count = await used(session, Owner.user(user_id), day)
    if count:
        await session.execute(insert_ignoring_conflicts(session, ForgottenUsage, {"identity_hash": identity_hash,
                                                                                  "day": day}))
        await session.execute(
            update(ForgottenUsage)
            .where(ForgottenUsage.identity_hash == identity_hash, ForgottenUsage.day == day)
            .values(used=ForgottenUsage.used + count)
        )


async def take_back_forgotten(session: AsyncSession, user_id: int, identity_hash: str, day: date) -> None:
    """Count what a returning user used on `day` before they were forgotten as theirs again."""
    carried = await session.execute(
        delete(ForgottenUsage)
        .where(ForgottenUsage.identity_hash == identity_hash, ForgottenUsage.day == day)
        .returning(ForgottenUsage.used)
    )
    count = sum(row[0] for row in carried)
    if count:
        await session.execute(insert_ignoring_conflicts(session, QuotaUsage, {"user_id": user_id, "day": day}))
        await session.execute(
            update(QuotaUsage).where(_is(Owner.user(user_id), day)).values(used=QuotaUsage.used + count)
        )


async def used(session: AsyncSession, owner: Owner, day: date) -> int:
    """Renders counted for `owner` on `day`."""
    count = await session.scalar(select(QuotaUsage.used).where(_is(owner, day)))
    return count or 0


async def refund(session: AsyncSession, job: Job) -> None:
    """Give back what `job` spent when it was queued."""
    if job.quota_day is None:
        return
    owners = [Owner.user(job.user_id)] + ([Owner.chat(job.chat_id)] if job.chat_charged else [])
    for owner in owners:
        await session.execute(
            update(QuotaUsage)
            .where(_is(owner, job.quota_day), QuotaUsage.used > 0)
            .values(used=QuotaUsage.used - 1)
        )


async def forget_before(session: AsyncSession, day: date) -> None:
    """Delete the counters of days before `day`: no refund reaches back that far."""
    await session.execute(delete(QuotaUsage).where(QuotaUsage.day < day))
    await session.execute(delete(ForgottenUsage).where(ForgottenUsage.day < day))


def _is(owner: Owner, day: date):
    return (getattr(QuotaUsage, owner.column) == owner.id) & (QuotaUsage.day == day)
