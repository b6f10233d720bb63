"""Migrations build exactly the schema the models describe, and take it down again."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from bot.store.database import Database
from bot.store.migrate import downgrade, upgrade
from bot.store.models import Base, Job


@pytest.fixture
def url(tmp_path):
    return f"sqlite+aiosqlite:///{tmp_path / 'memebot.db'}"


async def test_upgrade_matches_the_models_and_downgrade_removes_everything(url):
    await upgrade(url)
    db = Database(url)
    try:
        async with db.engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
            assert differences == []
        await downgrade(url, "base")
        async with db.engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        assert tables == ["alembic_version"]
        await upgrade(url)  # and up again on the same file
    finally:
        await db.close()


async def test_every_connection_enforces_foreign_keys_in_wal_mode(url):
    await upgrade(url)
    db = Database(url)
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
