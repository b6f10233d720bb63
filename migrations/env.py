"""Alembic environment: runs on a connection handed over by bot.store.migrate, or on its own for the alembic CLI."""
import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from bot.config import Settings
from bot.store.database import create_engine
from bot.store.models import Base

config = context.config


def run_migrations(connection: Connection) -> None:
    """Run the pending migrations on `connection`."""
    # Batch mode rebuilds tables on SQLite, which cannot ALTER most things in place.
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_on_own_engine(database_url: str) -> None:
    """Open an engine for the alembic CLI, migrate, close it."""
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        await connection.run_sync(run_migrations)
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("memebot migrations run online only: use `memebot db upgrade`")
elif (connection := config.attributes.get("connection")) is not None:
    run_migrations(connection)
else:
    asyncio.run(run_on_own_engine(Settings.from_env().database_url))
