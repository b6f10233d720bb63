"""A local worker process: sets itself up once, then runs one task at a time for its parent, over a pipe."""
from __future__ import annotations

import ctypes
import signal
import sys
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from bot import logs
from bot.worker.tasks import Task, WorkerContext
from inference.api import InputError
from inference.backends import BackendUnavailable

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


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

    values: tuple[Any, ...]


@dataclass(frozen=True)
class Done:
    """Worker -> parent: the task's result."""

    result: Any


@dataclass(frozen=True)
class Rejected:
    """Worker -> parent: the input cannot be used; the message is for the user."""

    message: str


@dataclass(frozen=True)
class Broke:
    """Worker -> parent: the task raised; the traceback is for the log."""

    details: str


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
    while (task := _next_task(connection)) is not None:
        try:
            result = task.run(context, lambda *values: connection.send(TaskProgress(values)))
        except InputError as error:
            connection.send(Rejected(str(error)))
        except Exception:
            connection.send(Broke(traceback.format_exc()))
        else:
            connection.send(Done(result))


def _next_task(connection: Connection) -> Task | None:
    try:
        return connection.recv()
    except EOFError:  # the parent exited
        return None
