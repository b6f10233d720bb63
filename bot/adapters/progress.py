"""An admin's template ingest shown as it goes, shared by the adapters: stage and percent, edited now and then."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from types import TracebackType

from bot.adapters.follow import STATUS_EDIT_INTERVAL_SECONDS
from bot.adapters.messages import ingest_status_text

log = logging.getLogger(__name__)


class IngestProgress:
    """Passes an ingest's newest stage and progress to `show`, at most every few seconds and never the same twice.

    Use it as `async with`; hand `report` to the ingest as its progress callback.
    """

    def __init__(self, slug: str, show: Callable[[str], Awaitable[object]]) -> None:
        self._slug = slug
        self._show = show
        self._loop = asyncio.get_running_loop()
        self._latest = ("starting", 0.0)
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def report(self, stage: str, fraction: float) -> None:
        """The ingest's progress callback; it runs in the ingest's thread."""
        self._latest = (stage, fraction)  # one assignment: the event loop reads a whole pair
        self._loop.call_soon_threadsafe(self._changed.set)

    async def __aenter__(self) -> IngestProgress:
        self._task = asyncio.create_task(self._show_changes())
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    async def _show_changes(self) -> None:
        shown = None
        while True:
            await self._changed.wait()
            self._changed.clear()
            text = ingest_status_text(self._slug, *self._latest)
            if text != shown:  # the percentage often does not move between reports
                try:
                    await self._show(text)
                    shown = text
                except Exception:  # a missed progress edit must not abandon the ingest
                    log.warning("could not show the progress of adding %s", self._slug, exc_info=True)
            await asyncio.sleep(STATUS_EDIT_INTERVAL_SECONDS)  # edits are rate-limited
