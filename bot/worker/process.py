"""The event loop's handle on one local worker process: start, run tasks (several at once if asked), kill."""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from bot import logs
from bot.worker.serve import Answer, Broke, Done, Ready, Rejected, Request, SetupFailed, TaskProgress, serve
from bot.worker.tasks import Task
from inference.api import InputError
from inference.backends import BackendUnavailable

STOP_TIMEOUT_SECONDS = 5.0
RESTART_DELAY_SECONDS = 5.0
MEDIA_CRASHED = "That file made my worker fail; please send another one."
MEDIA_TIMED_OUT = "That file took longer than {limit:g} seconds to process; please send another one."
log = logging.getLogger(__name__)


class WorkerCrashed(Exception):
    """The worker process died (segfault, os._exit, out of memory, killed)."""


class WorkerSetupFailed(WorkerCrashed, BackendUnavailable):
    """The worker could not build its renderer with these settings (e.g. an unreadable checkpoint); the message says
    why in one line. A WorkerCrashed too, so a restart that fails this way is retried like any other."""


class TaskRejected(Exception):
    """The task refused its input; str(error) is the user-facing reason."""


class TaskBroke(Exception):
    """The task raised an unexpected error; the worker process is still fine."""


class WorkerFailed(Exception):
    """A worker task ended without a verdict on its input (the worker crashed, broke or ran out of time).

    The message is written for the user; nothing they sent is kept.
    """


class WorkerProcess:
    """One worker process that sets up once (a render worker builds its renderer); "spawn" so CUDA works in it.

    `factory` names the renderer to build, or None for a media worker (inspect, ingest, shrink), which loads no model.
    Several run() calls may be in flight at once (renders sharing a batching renderer); a crash, a kill or a restart
    ends all of them with WorkerCrashed.
    """

    def __init__(self, factory: str | None, renderer_options: dict[str, Any]) -> None:
        self._factory = factory
        self._renderer_options = renderer_options
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None
        self.backend: str | None = None
        self._task_ids = itertools.count()
        self._answers: dict[int, asyncio.Queue[object]] = {}  # each running task's messages, by task id
        self._reader: asyncio.Task[None] | None = None
        self._crash: WorkerCrashed | None = None  # why the reader stopped: the process died
        self._up = asyncio.Event()  # set while the process is started
        self._reviving = asyncio.Lock()

    async def start(self) -> str | None:
        """Spawn the process and wait until it is set up; returns the render backend (None for a media worker)."""
        context = multiprocessing.get_context("spawn")
        self._connection, child_end = context.Pipe()
        self._process = context.Process(
            target=serve, args=(child_end, self._factory, self._renderer_options, logs.current()),
            name="memebot-worker", daemon=True,
        )
        self._process.start()
        child_end.close()  # so the parent sees end-of-file when the child dies
        try:
            ready = await self._receive()
        except WorkerCrashed as crash:
            await self.kill()
            raise WorkerCrashed(f"the worker could not be set up: {crash}; its own error is on stderr") from None
        except BaseException:
            await self.kill()
            raise
        if isinstance(ready, SetupFailed):
            await self.kill()
            raise WorkerSetupFailed(ready.message)
        if not isinstance(ready, Ready):
            await self.kill()
            raise WorkerCrashed(f"the worker process sent {ready!r} instead of getting ready")
        self.backend = ready.backend
        self._crash = None
        self._reader = asyncio.create_task(self._read(), name="memebot-worker-reader")
        self._up.set()
        return ready.backend

    async def ready(self) -> None:
        """Wait until the process is started (after a crash, until one of its tasks revived it)."""
        await self._up.wait()

    async def run(self, task: Task, on_progress: Callable[..., None] = lambda *values: None) -> Any:
        """Run `task` in the process, calling `on_progress(*values)` as it reports; its result."""
        if not self._up.is_set() or self._crash is not None:
            raise WorkerCrashed(f"the worker process is not running ({self._crash or 'stopped'})")
        assert self._connection is not None, "a started process has a connection"
        task_id = next(self._task_ids)
        answers: asyncio.Queue[object] = asyncio.Queue()
        self._answers[task_id] = answers
        try:
            try:
                self._connection.send(Request(task_id, task))
            except OSError as error:
                raise WorkerCrashed(f"the worker process is gone ({error})") from error
            while True:
                match await answers.get():
                    case TaskProgress(values=values):
                        on_progress(*values)
                    case Done(result=result):
                        return result
                    case Rejected(message=message):
                        raise TaskRejected(message)
                    case Broke(details=details):
                        raise TaskBroke(details)
                    case WorkerCrashed() as crash:
                        raise WorkerCrashed(str(crash))
        finally:
            del self._answers[task_id]

    async def run_guarded(
        self, task: Task, limit: float, on_progress: Callable[..., None] = lambda *values: None
    ) -> Any:
        """Run a media task within `limit` seconds: InputError for a refused input, WorkerFailed for a crash, a bug
        or a hang (the process is restarted then, so the next task finds it working)."""
        try:
            async with asyncio.timeout(limit):
                return await self.run(task, on_progress)
        except TaskRejected as rejection:
            raise InputError(str(rejection)) from None
        except TaskBroke as broken:
            log.error("%s failed:\n%s", type(task).__name__, broken)
            raise WorkerFailed(MEDIA_CRASHED) from None
        except (WorkerCrashed, TimeoutError) as error:
            timed_out = isinstance(error, TimeoutError)
            log.error("%s: the worker %s; restarting it", type(task).__name__,
                      "ran out of time" if timed_out else f"crashed ({error})")
            await self.kill()
            await self.revive()
            raise WorkerFailed(MEDIA_TIMED_OUT.format(limit=limit) if timed_out else MEDIA_CRASHED) from None

    async def revive(self) -> None:
        """Start afresh after a crash or a kill(), retrying while the process fails to start; nothing to do if
        another of its tasks revived it already."""
        async with self._reviving:
            while not (self._up.is_set() and self.is_alive() and self._crash is None):
                try:
                    await self.restart()
                except WorkerCrashed as crash:
                    log.error("worker process failed to start (%s); retrying in %s s", crash, RESTART_DELAY_SECONDS)
                    await asyncio.sleep(RESTART_DELAY_SECONDS)

    def is_alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    async def stop(self) -> None:
        """Ask the process to exit after its current task; kill it if it does not."""
        if self._connection is not None and self._process is not None and self.is_alive():
            with contextlib.suppress(OSError):  # it may die between the check and the send
                self._connection.send(None)
            await asyncio.to_thread(self._process.join, STOP_TIMEOUT_SECONDS)
        await self.kill()

    async def kill(self) -> None:
        """End the process now; its running tasks end with WorkerCrashed."""
        self._up.clear()
        # Taken before any await: the tasks sharing the process may kill it at the same time.
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
        self._end_running(WorkerCrashed("the worker process was stopped"))
        process, self._process = self._process, None
        connection, self._connection = self._connection, None
        if process is not None:
            if process.is_alive():
                process.kill()
            await asyncio.to_thread(process.join)
            process.close()
        if connection is not None:
            connection.close()

    async def restart(self) -> str | None:
        """Kill and start afresh, e.g. after a crash or a time-out."""
        await self.kill()
        return await self.start()

    async def _read(self) -> None:
        """Hand each message to the task it is about, until the process dies."""
        try:
            while True:
                message = await self._receive()
                assert isinstance(message, Answer), f"the worker process sent {message!r} about no task"
                answers = self._answers.get(message.task_id)
                if answers is not None:  # else its task was given up (timed out, cancelled)
                    answers.put_nowait(message)
        except Exception as error:  # the process died, or sent what cannot be read: its tasks end, revive starts anew
            self._crash = error if isinstance(error, WorkerCrashed) else WorkerCrashed(f"unreadable answer ({error})")
            self._end_running(self._crash)

    def _end_running(self, crash: WorkerCrashed) -> None:
        for answers in self._answers.values():
            answers.put_nowait(crash)

    async def _receive(self) -> object:
        """The next message from the process, waiting on the event loop rather than blocking it."""
        assert self._connection is not None and self._process is not None
        await _readable(self._connection.fileno())
        try:
            return self._connection.recv()
        except (EOFError, OSError):
            # Waiting on the sentinel, not join() in a thread: a thread outlives this task's cancellation and would
            # race kill()'s join for the exit status, leaving the process unreaped when kill() closes it.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_readable(self._process.sentinel), STOP_TIMEOUT_SECONDS)
            raise WorkerCrashed(f"the worker process exited with code {self._process.exitcode}") from None


async def _readable(descriptor: int) -> None:
    """Wait on the event loop until the descriptor can be read: a pipe has data, or a process's sentinel ended."""
    loop = asyncio.get_running_loop()
    readable = loop.create_future()

    def wake() -> None:
        if not readable.done():
            readable.set_result(None)

    loop.add_reader(descriptor, wake)
    try:
        await readable
    finally:
        loop.remove_reader(descriptor)
