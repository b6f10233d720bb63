"""A bot whose render never ends: it says "started" and waits to be killed, like a bot that crashes mid-render."""
import asyncio
import sys

from bot.config import Settings
from bot.queue import LocalRenderQueue, Started
from bot.store.database import Database


async def main(job_id: int) -> None:
    settings = Settings.from_env()
    queue = LocalRenderQueue(Database(settings.database_url), settings, factory="tests.bot.renderers:Hanging")
    await queue.start()
    async for event in queue.subscribe(job_id):
        if isinstance(event, Started):
            print("started", flush=True)
            await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
