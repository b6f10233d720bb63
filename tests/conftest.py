"""Fixtures shared by every test folder: the repository's shipped demo media, and fresh server databases."""
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.servers import postgres_admin, postgres_admin_url, redis_client, redis_test_url

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def shipped_templates() -> Path:
    """The repository's templates folder (read-only for tests)."""
    return REPO / "templates"


@pytest.fixture(scope="session")
def demo_photo(shipped_templates: Path) -> Path:
    """The drawn singer photo that ships with the demo template."""
    return shipped_templates / "demo-singer.png"


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """The URL of a new, empty PostgreSQL database of this test's own, dropped after it."""
    name = f"memebot_test_{uuid.uuid4().hex}"
    admin = await postgres_admin()
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(postgres_admin_url()).set(database=name).render_as_string(hide_password=False)
        # FORCE ends the connections a test left open (a killed bot's, a pool not disposed).
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    """The URL of the test Redis database, emptied before and after the test."""
    client = await redis_client()
    try:
        await client.flushdb()
        yield redis_test_url()
        await client.flushdb()
    finally:
        await client.aclose()
