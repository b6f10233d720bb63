"""The render worker process: builds the renderer once, then renders one task at a time for its parent."""
from __future__ import annotations

import importlib
import signal
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from inference.api import InputError, RendererSettings, RenderRequest

DEFAULT_FACTORY = "inference.api:Renderer"


@dataclass(frozen=True)
class Ready:
    """Worker -> parent: the renderer is built."""

    backend: str


@dataclass(frozen=True)
class FrameProgress:
    """Worker -> parent: frames done so far."""

    done: int
    total: int


@dataclass(frozen=True)
class Rejected:
    """Worker -> parent: the renderer refused the input; the message is for the user."""

    message: str


@dataclass(frozen=True)
class Broke:
    """Worker -> parent: the render raised; the traceback is for the log."""

    details: str


def load_factory(path: str) -> Any:
    """The callable named by "package.module:attribute"."""
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


def serve(connection: Connection, factory: str, renderer_options: dict[str, Any]) -> None:
    """Worker process entry point: answer render tasks until the parent says stop or goes away."""
    # The parent decides when renders stop (graceful shutdown); a terminal's Ctrl-C must not cut them short.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    renderer = load_factory(factory)(RendererSettings(**renderer_options))
    connection.send(Ready(backend=renderer.backend))
    while (request := _next_request(connection)) is not None:
        try:
            result = renderer.render(request, progress=lambda done, total: connection.send(FrameProgress(done, total)))
        except InputError as error:
            connection.send(Rejected(str(error)))
        except Exception:
            connection.send(Broke(traceback.format_exc()))
        else:
            connection.send(result)


def _next_request(connection: Connection) -> RenderRequest | None:
    try:
        return connection.recv()
    except EOFError:  # the parent exited
        return None
