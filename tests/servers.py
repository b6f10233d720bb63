"""The PostgreSQL and Redis servers some tests need: where they are, and what a test does when one is down."""
from __future__ import annotations

import os
from typing import NoReturn

import asyncpg
import pytest
import redis.asyncio
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
CONNECT_TIMEOUT_SECONDS = 3.0

# Reasons a server was found down, so later tests skip or fail at once instead of waiting out the timeout again.
_down: dict[str, str] = {}


def postgres_admin_url() -> str:
    """The SQLAlchemy URL of a database on which the tests may create and drop databases."""
    return os.environ.get("MEMEBOT_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


def redis_test_url() -> str:
    """The Redis database the tests may flush."""
    return os.environ.get("MEMEBOT_TEST_REDIS_URL") or DEFAULT_REDIS_URL


def unavailable(reason: str) -> NoReturn:
    """Fail the test on CI, whose servers must be running; elsewhere skip it."""
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


async def postgres_admin() -> asyncpg.Connection:
    """A plain asyncpg connection to the admin database, or the test is failed or skipped."""
    url = postgres_admin_url()
    if url in _down:
        unavailable(_down[url])
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        return await asyncpg.connect(dsn, timeout=CONNECT_TIMEOUT_SECONDS)
    except (OSError, TimeoutError, asyncpg.PostgresError) as error:
        _down[url] = f"PostgreSQL at {make_url(url)!r} is unreachable: {error!r} (set MEMEBOT_TEST_POSTGRES_URL)"
    unavailable(_down[url])  # outside the except: the report shows the reason, not a chained traceback


async def redis_client() -> redis.asyncio.Redis:
    """A client of the test Redis database that answered a PING, or the test is failed or skipped."""
    url = redis_test_url()
    if url in _down:
        unavailable(_down[url])
    client = redis.asyncio.Redis.from_url(
        url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS, socket_timeout=CONNECT_TIMEOUT_SECONDS
    )
    try:
        await client.ping()
        return client
    except (OSError, redis.RedisError) as error:
        await client.aclose()
        _down[url] = f"Redis at {url} is unreachable: {error!r} (set MEMEBOT_TEST_REDIS_URL)"
    unavailable(_down[url])
