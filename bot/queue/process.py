"""The event loop's handle on one render worker process: start, render, kill."""
from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from bot.queue.worker import Broke, FrameProgress, Ready, Rejected, serve
from inference.api import RenderRequest, RenderResult

STOP_TIMEOUT_SECONDS = 5.0


class RendererCrashed(Exception):
    """The worker process died (segfault, os._exit, out of memory, killed)."""


class RenderRejected(Exception):
    """The renderer refused the input; str(error) is the user-facing reason."""


class RenderBroke(Exception):
    """The render raised an unexpected error; the worker process is still fine."""


class RenderProcess:
    """One worker process that builds the renderer once; "spawn" so CUDA works in it."""

    def __init__(self, factory: str, renderer_options: dict[str, Any]) -> None:
        self._factory = factory
        self._renderer_options = renderer_options
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None
        self.backend: str | None = None

    async def start(self) -> str:
        """Spawn the process and wait until its renderer is built; returns the backend."""
        context = multiprocessing.get_context("spawn")
        self._connection, child_end = context.Pipe()
        self._process = context.Process(
            target=serve, args=(child_end, self._factory, self._renderer_options), name="memebot-render", daemon=True
        )
        self._process.start()
        child_end.close()  # so the parent sees end-of-file when the child dies
        try:
            ready = await self._receive()
        except RendererCrashed as crash:
            await self.kill()
            raise RendererCrashed(f"the renderer could not be built: {crash}; its own error is on stderr") from None
        except BaseException:
            await self.kill()
            raise
        if not isinstance(ready, Ready):
            await self.kill()
            raise RendererCrashed(f"the render process sent {ready!r} instead of getting ready")
        self.backend = ready.backend
        return ready.backend

    async def render(self, request: RenderRequest, on_progress: Callable[[int, int], None]) -> RenderResult:
        """Render `request`, calling `on_progress(done, total)` as frames are made."""
        assert self._connection is not None, "start() the process first"
        try:
            self._connection.send(request)
        except OSError as error:
            raise RendererCrashed(f"the render process is gone ({error})") from error
        while True:
            match await self._receive():
                case FrameProgress(done=done, total=total):
                    on_progress(done, total)
                case RenderResult() as rendered:
                    return rendered
                case Rejected(message=message):
                    raise RenderRejected(message)
                case Broke(details=details):
                    raise RenderBroke(details)

    def is_alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    async def stop(self) -> None:
        """Ask the process to exit after its current task; kill it if it does not."""
        if self._connection is not None and self.is_alive():
            with contextlib.suppress(OSError):  # it may die between the check and the send
                self._connection.send(None)
            await asyncio.to_thread(self._process.join, STOP_TIMEOUT_SECONDS)
        await self.kill()

    async def kill(self) -> None:
        """End the process now."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            await asyncio.to_thread(self._process.join)
            self._process.close()
            self._process = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def restart(self) -> str:
        """Kill and start afresh, e.g. after a crash or a time-out."""
        await self.kill()
        return await self.start()

    async def _receive(self) -> object:
        """The next message from the process, waiting on the event loop rather than blocking it."""
        assert self._connection is not None and self._process is not None
        loop = asyncio.get_running_loop()
        readable = loop.create_future()
        descriptor = self._connection.fileno()
        loop.add_reader(descriptor, lambda: readable.done() or readable.set_result(None))
        try:
            await readable
        finally:
            loop.remove_reader(descriptor)
        try:
            return self._connection.recv()
        except (EOFError, OSError):
            await asyncio.to_thread(self._process.join, STOP_TIMEOUT_SECONDS)
            raise RendererCrashed(f"the render process exited with code {self._process.exitcode}") from None
