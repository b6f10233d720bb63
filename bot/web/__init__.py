"""The operator page: health, Prometheus metrics and a live dashboard served over aiohttp (MEMEBOT_HTTP_PORT)."""
from bot.web.app import bot_app, worker_app
from bot.web.server import serving

__all__ = ["bot_app", "serving", "worker_app"]
