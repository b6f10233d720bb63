"""The operator page's aiohttp applications: the bot's (health, metrics, dashboard) and a cluster worker's."""
from __future__ import annotations

from aiohttp import web
from redis.asyncio import Redis

from bot.config import Settings
from bot.service import MemeService
from bot.store.database import Database
from bot.web.dashboard import Dashboard
from bot.web.health import Check, broker_check, health_handler, metrics_handler, queue_check, store_check

NO_DASHBOARD = "The dashboard is off: set MEMEBOT_ADMIN_TOKEN to log in here. /healthz and /metrics answer."


def bot_app(service: MemeService) -> web.Application:
    """`memebot run`'s page: /healthz and /metrics, and the dashboard when MEMEBOT_ADMIN_TOKEN is set."""
    checks: dict[str, Check] = {"store": store_check(service.db), "queue": queue_check(service.queue)}
    app = _base(service.settings, checks, metrics_of=service.db)
    if service.settings.admin_token:
        dashboard = Dashboard(service, service.settings.admin_token)
        app.add_routes(dashboard.routes())

        async def close_dashboard(app: web.Application) -> None:
            await dashboard.close()

        app.on_shutdown.append(close_dashboard)
    else:
        app.router.add_get("/", _no_dashboard)
    return app


def worker_app(settings: Settings) -> web.Application:
    """`memebot worker`'s page: its own /healthz (the store and the broker) and /metrics (its renders)."""
    db = Database(settings.database_url)
    app = _base(settings, {"store": store_check(db)}, metrics_of=None)

    async def close_db(app: web.Application) -> None:
        await db.close()

    app.on_cleanup.append(close_db)
    return app


def _base(settings: Settings, checks: dict[str, Check], metrics_of: Database | None) -> web.Application:
    app = web.Application()
    if settings.broker_url:
        redis = Redis.from_url(settings.broker_url)
        checks = checks | {"broker": broker_check(redis)}

        async def close_redis(app: web.Application) -> None:
            await redis.aclose()

        app.on_cleanup.append(close_redis)
    app.router.add_get("/healthz", health_handler(checks))
    app.router.add_get("/metrics", metrics_handler(metrics_of))
    return app


async def _no_dashboard(request: web.Request) -> web.Response:
    return web.Response(text=NO_DASHBOARD, status=404)
