"""A local worker process: sets itself up once, then runs its parent's tasks, each in its own thread, over a pipe.

The parent decides how many run at once: one, except renders on a batching renderer (MEMEBOT_BATCH_FRAMES).
"""
from __future__ import annotations

import ctypes
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from bot import logs
from bot.worker.tasks import Task, WorkerContext
from inference.api import InputError
from inference.backends import BackendUnavailable

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass(frozen=True)
class Request:
    """Parent -> worker: run `task`; every answer about it carries `task_id`."""

    task_id: int
    task: Task


@dataclass(frozen=True)
class Ready:
    """Worker -> parent: set up; `backend` is the render backend (None for a media worker)."""

    backend: str | None


@dataclass(frozen=True)
class SetupFailed:
    """Worker -> parent: the renderer cannot be built with these settings (e.g. an unreadable checkpoint)."""

    message: str


@dataclass(frozen=True)
class TaskProgress:
    """Worker -> parent: how far the task is, as the task reports it."""

    task_id: int
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Done:
    """Worker -> parent: the task's result."""

    task_id: int
    result: Any


@dataclass(frozen=True)
class Rejected:
    """Worker -> parent: the input cannot be used; the message is for the user."""

    task_id: int
    message: str


@dataclass(frozen=True)
class Broke:
    """Worker -> parent: the task raised; the traceback is for the log."""

    task_id: int
    details: str


Answer = TaskProgress | Done | Rejected | Broke  # worker -> parent, about one task


def end_with_parent() -> None:
    """Have the kernel kill this process when its parent dies, so no orphan renders on (Linux only)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def serve(connection: Connection, factory: str | None, renderer_options: dict[str, Any],
          log_setup: logs.LogSetup | None = None) -> None:
    """Worker process entry point: answer tasks until the parent says stop or goes away."""
    end_with_parent()
    # The parent decides when work stops (graceful shutdown); a terminal's Ctrl-C must not cut it short.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if log_setup is not None:
        logs.configure(log_setup)  # a spawned process starts without its parent's logging
    try:
        context = WorkerContext(renderer_options, factory)
    except (BackendUnavailable, InputError) as error:  # the settings' fault, told by the parent in one line
        connection.send(SetupFailed(str(error)))
        return
    connection.send(Ready(backend=context.backend))
    sending = threading.Lock()  # one message at a time on the pipe, whichever thread sends it

    def send(message: object) -> None:
        with sending:
            connection.send(message)

    running: list[threading.Thread] = []
    while (request := _next_request(connection)) is not None:
        running = [thread for thread in running if thread.is_alive()]
        thread = threading.Thread(target=_answer, args=(request, context, send), name=f"task-{request.task_id}")
        thread.start()
        running.append(thread)
    for thread in running:  # stop: the tasks already here finish first
        thread.join()


def _answer(request: Request, context: WorkerContext, send: Callable[[object], None]) -> None:
    """Run one task and send its outcome."""
    task_id = request.task_id
    try:
        result = request.task.run(context, lambda *values: send(TaskProgress(task_id, values)))
    except InputError as error:
        send(Rejected(task_id, str(error)))
    except Exception:
        send(Broke(task_id, traceback.format_exc()))
    else:
        send(Done(task_id, result))


def _next_request(connection: Connection) -> Request | None:
    try:
        return connection.recv()
    except EOFError:  # the parent exited
        return None
