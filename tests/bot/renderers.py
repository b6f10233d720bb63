"""Renderer doubles for the failure paths only: each breaks the way a real renderer can."""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from inference.api import InputError, Renderer


class Sabotaged:
    """The real renderer, except for the templates named after a failure: "crash", "hang", "reject", "raise"."""

    def __init__(self, settings: Any) -> None:
        self._real = Renderer(settings)
        self.backend = self._real.backend

    def render(self, request: Any, progress: Callable[[int, int], None]) -> Any:
        match request.template:
            case "crash":
                progress(1, 10)
                os._exit(70)  # like a segfault: no exception, no clean-up
            case "hang":
                progress(1, 10)
                time.sleep(3600)
            case "reject":
                raise InputError("That face is too blurry to animate.")
            case "raise":
                raise RuntimeError("a bug in the renderer")
        return self._real.render(request, progress=progress)


class Hanging:
    """Never finishes a render, and builds nothing: stands in for a bot killed mid-render."""

    backend = "landmarks"

    def __init__(self, settings: Any) -> None:
        pass

    def render(self, request: Any, progress: Callable[[int, int], None]) -> Any:
        progress(1, 10)
        time.sleep(3600)


class Slow:
    """The real renderer, after a few seconds of reported progress: long enough to break things mid-render."""

    SECONDS = 6.0
    STEPS = 12

    def __init__(self, settings: Any) -> None:
        self._real = Renderer(settings)
        self.backend = self._real.backend

    def render(self, request: Any, progress: Callable[[int, int], None]) -> Any:
        for step in range(self.STEPS):
            progress(step, self.STEPS * 10)
            time.sleep(self.SECONDS / self.STEPS)
        return self._real.render(request, progress=progress)
