"""Reading the audit log: entries since a time, by or about one person, oldest first."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import AuditEntry

FORGET_ME = "forget_me"
# Forget-me requests are logged under this actor and target: they are counted, never tied to the person.
NOBODY = "-"


async def audit_entries(session: AsyncSession, since: datetime | None = None,
                        user: str | None = None) -> list[AuditEntry]:
    """The entries at or after `since` whose actor or target is `user` ("platform:id"), oldest first."""
    query = select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if user is not None:
        query = query.where(or_(AuditEntry.actor == user, AuditEntry.target == user))
    return list(await session.scalars(query))
