"""Following jobs in the background until delivered: new ones from /sing, undelivered ones after a restart."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import discord

from bot.adapters.discord.delivery import Delivery
from bot.adapters.discord.reply import Reply
from bot.adapters.follow import follow_job
from bot.service import MemeService

log = logging.getLogger(__name__)


class JobFollowers:
    """One task per job in flight; stopping cancels them, and the next start resumes what was not delivered."""

    def __init__(self, client: discord.Client, service: MemeService, scratch: Path) -> None:
        self._client = client
        self._service = service
        self._scratch = scratch
        self._tasks: set[asyncio.Task[None]] = set()

    def delivery(self, reply: Reply) -> Delivery:
        """How to show a job to the user `reply` names."""
        return Delivery(self._client, reply, self._scratch)

    def follow(self, job_id: int, reply: Reply) -> None:
        """Show the job's status and deliver its outcome, in the background."""
        delivery = self.delivery(reply)
        task = asyncio.create_task(
            follow_job(self._service, job_id, delivery.show_status, delivery.deliver), name=f"discord-job-{job_id}"
        )
        self._tasks.add(task)
        task.add_done_callback(self._forget)

    async def resume(self) -> int:
        """Follow every Discord job whose outcome was not delivered (e.g. before a restart); how many."""
        pending = await self._service.renders.undelivered("discord")
        for job in pending:
            assert job.reply_to is not None  # /sing always stores one
            self.follow(job.job_id, Reply.from_json(job.reply_to))
        return len(pending)

    async def stop(self) -> None:
        """Stop following; undelivered jobs stay undelivered until the next start."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _forget(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s failed; it is delivered on the next start", task.get_name(), exc_info=task.exception())
