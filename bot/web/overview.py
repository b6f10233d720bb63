"""What the dashboard shows, read from the database: jobs, workers, failures and today's usage per chat.

Only what an operator needs: job states, templates, workers and reasons, people and chats as their platform ids;
never a photo, a video or a path to one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, UnaryExpression, select
from sqlalchemy.orm import aliased

from bot.store.database import Database
from bot.store.models import ACTIVE_STATES, Chat, Job, JobState, QuotaUsage, User
from bot.store.quota import today

RECENT_JOBS = 50  # the queue table: every active job, then the latest ended ones up to this many
RECENT_FAILURES = 20
LOCAL_WORKER = "this machine"  # the local queue's render processes record no worker name


@dataclass(frozen=True)
class JobRow:
    """One line of the queue table."""

    id: int
    state: str
    template: str
    backend: str
    user: str  # platform:id
    chat: str
    worker: str | None
    attempts: int
    created_at: datetime
    error: str | None


@dataclass(frozen=True)
class ChatUsage:
    """Renders a chat used today."""

    chat: str
    used: int


async def jobs(db: Database, limit: int = RECENT_JOBS) -> list[JobRow]:
    """Active jobs (oldest first), then the most recent others."""
    active = await _jobs(db, Job.state.in_(ACTIVE_STATES), Job.id.asc(), limit)
    ended = await _jobs(db, Job.state.not_in(ACTIVE_STATES), Job.id.desc(), max(limit - len(active), 0))
    return active + ended


async def failures(db: Database, limit: int = RECENT_FAILURES) -> list[JobRow]:
    """The latest failed jobs, with their reasons."""
    return await _jobs(db, Job.state == JobState.FAILED, Job.id.desc(), limit)


def workers(rows: list[JobRow]) -> dict[str, list[int]]:
    """Each worker that is rendering, and its jobs."""
    busy: dict[str, list[int]] = {}
    for row in rows:
        if row.state == JobState.RUNNING:
            busy.setdefault(row.worker or LOCAL_WORKER, []).append(row.id)
    return busy


async def usage_today(db: Database) -> list[ChatUsage]:
    """Renders per chat today (UTC), most first."""
    async with db.transaction() as session:
        result = await session.execute(
            select(Chat.platform, Chat.platform_chat_id, QuotaUsage.used)
            .join(Chat, Chat.id == QuotaUsage.chat_id)
            .where(QuotaUsage.day == today(), QuotaUsage.used > 0)
            .order_by(QuotaUsage.used.desc(), Chat.platform_chat_id))
        return [ChatUsage(f"{platform}:{chat_id}", used) for platform, chat_id, used in result]


async def _jobs(db: Database, where: ColumnElement[bool], order: UnaryExpression[Any], limit: int) -> list[JobRow]:
    if limit == 0:
        return []
    owner, place = aliased(User), aliased(Chat)
    async with db.transaction() as session:
        result = await session.execute(
            select(Job, owner.platform, owner.platform_user_id, place.platform, place.platform_chat_id)
            .join(owner, owner.id == Job.user_id).join(place, place.id == Job.chat_id)
            .where(where).order_by(order).limit(limit))
        return [
            JobRow(job.id, job.state.value, job.template_slug, job.backend, f"{user_platform}:{user_id}",
                   f"{chat_platform}:{chat_id}", job.worker, job.attempts, job.created_at, job.error)
            for job, user_platform, user_id, chat_platform, chat_id in result
        ]
