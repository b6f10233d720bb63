"""`GET /healthz` and `GET /metrics`: whether what the process needs answers, and the Prometheus figures."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.asyncio import Redis
from sqlalchemy import func, select, text

from bot import metrics
from bot.queue.protocol import RenderQueue
from bot.store.database import Database
from bot.store.models import Job, JobState

log = logging.getLogger(__name__)

HEALTH_TIMEOUT_SECONDS = 3.0  # a part slower than this to answer counts as down

Check = Callable[[], Awaitable[object]]


def store_check(db: Database) -> Check:
    """The database answers a query."""

    async def check() -> None:
        async with db.transaction() as session:
            await session.execute(text("SELECT 1"))

    return check


def queue_check(queue: RenderQueue) -> Check:
    """The render queue has started (its backend is known only then)."""

    async def check() -> str:
        return queue.backend

    return check


def broker_check(redis: Redis) -> Check:
    """The cluster's Redis answers a ping."""

    async def check() -> object:
        return await redis.ping()

    return check


def health_handler(checks: dict[str, Check]) -> Callable[[web.Request], Awaitable[web.Response]]:
    """200 and {"status": "ok", ...} when every check passes; 503 naming the parts that do not."""

    async def healthz(request: web.Request) -> web.Response:
        results = await asyncio.gather(*(_passes(name, check) for name, check in checks.items()))
        parts = dict(zip(checks, results, strict=True))
        down = [name for name, ok in parts.items() if not ok]
        body = {"status": "down" if down else "ok", "down": down} | {name: "ok" if ok else "down"
                                                                    for name, ok in parts.items()}
        return web.json_response(body, status=503 if down else 200)

    return healthz


def metrics_handler(db: Database | None) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Prometheus text format; the queue's gauges are read from the database (the truth) at each scrape."""

    async def scrape(request: web.Request) -> web.Response:
        if db is not None:
            async with db.transaction() as session:
                counts = dict((await session.execute(
                    select(Job.state, func.count()).where(Job.state.in_([JobState.QUEUED, JobState.RUNNING]))
                    .group_by(Job.state))).all())
            metrics.QUEUE_DEPTH.set(counts.get(JobState.QUEUED, 0))
            metrics.JOBS_RUNNING.set(counts.get(JobState.RUNNING, 0))
        return web.Response(body=generate_latest(metrics.REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST})

    return scrape


async def _passes(name: str, check: Check) -> bool:
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
            await check()
    except Exception as error:  # whatever it is, the part is down; the log says why (never a URL or password)
        log.warning("health check: %s is down (%s)", name, type(error).__name__)
        return False
    return True
