"""`memebot worker` with the small FOMM renderer, so a cluster test can batch real renders quickly on a CPU."""
import asyncio
import logging

from bot.config import Settings
from bot.worker.cluster import serve_worker

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(serve_worker(Settings.from_env(), factory="tests.bot.small_fomm:SmallFOMM"))
