"""The server fixtures: a fresh Redis database, and a clear skip (on CI: failure) when a server is down."""
import pytest
import redis.asyncio

from tests.servers import postgres_admin, redis_client

UNREACHABLE = {  # port 1: refused at once
    "MEMEBOT_TEST_POSTGRES_URL": "postgresql+asyncpg://postgres@127.0.0.1:1/postgres",
    "MEMEBOT_TEST_REDIS_URL": "redis://127.0.0.1:1/15",
}


async def test_redis_url_is_an_empty_database_of_its_own(redis_url):
    client = redis.asyncio.Redis.from_url(redis_url)
    try:
        assert await client.dbsize() == 0
        await client.set("memebot:probe", "left behind")  # the fixture flushes it afterwards
    finally:
        await client.aclose()


@pytest.mark.parametrize(("ci", "outcome"), [("", pytest.skip.Exception), ("true", pytest.fail.Exception)])
@pytest.mark.parametrize(("connect", "server"), [(postgres_admin, "PostgreSQL"), (redis_client, "Redis")])
async def test_a_server_that_is_down_skips_the_test_but_fails_it_on_ci(monkeypatch, ci, outcome, connect, server):
    monkeypatch.setenv("CI", ci)
    for name, url in UNREACHABLE.items():
        monkeypatch.setenv(name, url)
    with pytest.raises(outcome, match=f"^{server} at .* is unreachable"):
        await connect()
