"""Schema migrations, callable from a running event loop (start-up and `memebot db upgrade`)."""
from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from bot.store.database import create_engine

# The repository's top-level migrations/ folder, installed as this package (see pyproject.toml).
MIGRATIONS_DIR = Path(str(resources.files("bot.store.migrations")))


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config built in code, so no alembic.ini is needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


async def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate the database at `database_url` up to `revision`."""
    await _run(database_url, lambda config: command.upgrade(config, revision))


async def downgrade(database_url: str, revision: str) -> None:
    """Migrate the database at `database_url` down to `revision` ("base" empties it)."""
    await _run(database_url, lambda config: command.downgrade(config, revision))


async def _run(database_url: str, migrate: Callable[[Config], None]) -> None:
    engine = create_engine(database_url)
    try:
        # Alembic is synchronous; run_sync hands it a plain connection on the async driver.
        async with engine.begin() as connection:
            await connection.run_sync(lambda sync_connection: migrate(alembic_config(sync_connection)))
    finally:
        await engine.dispose()
