"""The store's race-free primitives, hit by fifty transactions at once with no photo checks to spread them out."""
import asyncio

from sqlalchemy import func, select

from bot.store import quota
from bot.store.database import Database
from bot.store.migrate import upgrade
from bot.store.models import User
from bot.store.quota import Owner
from bot.store.rows import get_or_create

AT_ONCE = 50


async def _migrated(database_url):
    await upgrade(database_url)
    return Database(database_url)


async def test_fifty_first_contacts_at_once_create_one_row(database_url):
    db = await _migrated(database_url)

    async def contact():
        async with db.transaction() as session:
            return (await get_or_create(session, User, platform="telegram", platform_user_id="1001")).id

    try:
        ids = await asyncio.gather(*[contact() for _ in range(AT_ONCE)])
        async with db.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(User)) == 1
        assert set(ids) == {ids[0]}
    finally:
        await db.close()


async def test_fifty_spends_at_once_stop_exactly_at_the_limit(database_url):
    db = await _migrated(database_url)
    async with db.transaction() as session:
        owner = Owner.user((await get_or_create(session, User, platform="telegram", platform_user_id="1001")).id)

    async def spend():
        async with db.transaction() as session:
            return await quota.spend(session, owner, quota.today(), limit=5)

    try:
        assert sum(await asyncio.gather(*[spend() for _ in range(AT_ONCE)])) == 5
        async with db.transaction() as session:
            assert await quota.used(session, owner, quota.today()) == 5
    finally:
        await db.close()
