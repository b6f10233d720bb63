"""`memebot worker` with the Slow renderer, so cluster tests can kill or cut off a worker in the middle of a render."""
import asyncio
import logging

from bot.config import Settings
from bot.worker.cluster import serve_worker

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(serve_worker(Settings.from_env(), factory="tests.bot.renderers:Slow"))
