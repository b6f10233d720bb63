"""Race-free get-or-create, portable across SQLite and PostgreSQL."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert

from bot.store.models import Base

ModelT = TypeVar("ModelT", bound=Base)

_INSERTS: dict[str, Callable[[Any], postgresql.Insert | sqlite.Insert]] = {
    "sqlite": sqlite.insert, "postgresql": postgresql.insert,
}


def insert_ignoring_conflicts(session: AsyncSession, model: type[Base], values: dict[str, Any]) -> Insert:
    """An INSERT that does nothing if a row with the same unique `values` exists."""
    dialect = session.get_bind().dialect.name
    if dialect not in _INSERTS:
        raise NotImplementedError(f"memebot supports SQLite and PostgreSQL, not {dialect}")
    return _INSERTS[dialect](model).values(**values).on_conflict_do_nothing(index_elements=list(values))


async def get_or_create(session: AsyncSession, model: type[ModelT], **identity: Any) -> ModelT:
    """The row matching `identity` (its unique columns), inserted first if it is missing."""
    query = select(model).filter_by(**identity)
    if (row := (await session.execute(query)).scalar_one_or_none()) is not None:
        return row
    # Two requests may both see no row; the insert that loses the race does nothing.
    await session.execute(insert_ignoring_conflicts(session, model, identity))
    return (await session.execute(query)).scalar_one()
