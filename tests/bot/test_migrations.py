"""Migrations build exactly the schema the models describe, and take it down again, on SQLite and PostgreSQL."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from bot.store.database import Database
from bot.store.migrate import downgrade, upgrade
from bot.store.models import Base, Job


async def _differences_from_the_models(db):
    async with db.engine.connect() as connection:
        return await connection.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))


async def test_upgrade_matches_the_models_and_downgrade_removes_everything(database_url):
    await upgrade(database_url)
    db = Database(database_url)
    try:
        assert await _differences_from_the_models(db) == []
        await downgrade(database_url, "base")
        async with db.engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        assert tables == ["alembic_version"]
        await upgrade(database_url)  # and up again on the same database
        assert await _differences_from_the_models(db) == []
    finally:
        await db.close()


async def test_every_sqlite_connection_enforces_foreign_keys_in_wal_mode(sqlite_url):
    await upgrade(sqlite_url)
    db = Database(sqlite_url)
    try:
        async with db.engine.connect() as connection:
            assert (await connection.scalar(text("PRAGMA journal_mode"))) == "wal"
            assert (await connection.scalar(text("PRAGMA foreign_keys"))) == 1
        with pytest.raises(IntegrityError):
            async with db.transaction() as session:
                session.add(Job(user_id=999, chat_id=999, template_slug="none", backend="landmarks",
                                photo_sha256="0" * 64))
    finally:
        await db.close()
