"""The adapter suites are slow and reach the database only through the service: they run on SQLite alone."""
import pytest


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """SQLite only, instead of the bot core's SQLite and PostgreSQL."""
    return sqlite_url
