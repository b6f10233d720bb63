"""In-process fan-out of job events to whoever listens to a job."""
from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from bot.queue.events import JobEvent

Inbox = asyncio.Queue[JobEvent | None]  # None: the queue stopped, stop listening


class Subscriptions:
    """Inboxes per job id; publishing never blocks."""

    def __init__(self) -> None:
        self._inboxes: defaultdict[int, set[Inbox]] = defaultdict(set)

    @contextmanager
    def listen(self, job_id: int) -> Iterator[Inbox]:
        """An inbox receiving the job's events while the block runs."""
        inbox: Inbox = asyncio.Queue()
        self._inboxes[job_id].add(inbox)
        try:
            yield inbox
        finally:
            self._inboxes[job_id].discard(inbox)
            if not self._inboxes[job_id]:
                del self._inboxes[job_id]

    def job_ids(self) -> list[int]:
        """Jobs someone is listening to."""
        return list(self._inboxes)

    def publish(self, event: JobEvent) -> None:
        """Hand the event to everyone listening to its job."""
        for inbox in self._inboxes.get(event.job_id, ()):
            inbox.put_nowait(event)

    def close(self) -> None:
        """Tell every listener the queue stopped."""
        for inboxes in self._inboxes.values():
            for inbox in inboxes:
                inbox.put_nowait(None)
