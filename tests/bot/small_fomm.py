"""The real renderer on the small FOMM config of the inference tests, batched as MEMEBOT_BATCH_FRAMES asks."""
from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inference.api import Renderer, RenderRequest, RenderResult
from inference.fomm import load
from inference.fomm.animator import FOMMAnimator
from inference.fomm.batching import FrameBatcher
from tests.inference.fomm.conftest import SMALL


def calls_path(video: Path) -> Path:
    """Where SmallFOMM notes, beside a video, the batcher's model calls when its render ended."""
    return video.with_suffix(".calls.json")


class SmallFOMM:
    """Renders through a FrameBatcher around the small model (a plain FOMMAnimator when batching is off), and
    notes the batcher's call counts beside each video; templates "raise" and "crash" break the way a renderer bug
    and a segfault do."""

    def __init__(self, settings: Any) -> None:
        animator = FOMMAnimator(load(settings.checkpoint, config=SMALL))
        self.batcher = FrameBatcher(animator, settings.batch_frames) if settings.batch_frames else None
        self._real = Renderer(settings, self.batcher or animator)
        self.backend = self._real.backend

    def render(self, request: RenderRequest, progress: Callable[[int, int], None]) -> RenderResult:
        match request.template:
            case "raise":
                progress(1, 10)
                raise RuntimeError("a bug in the renderer")
            case "crash":
                progress(1, 10)
                os._exit(70)  # no exception, no clean-up: every render of the process ends with it
        result = self._real.render(request, progress=progress)
        if self.batcher is not None:
            calls = {"model_calls": self.batcher.model_calls, "shared_calls": self.batcher.shared_calls}
            calls_path(result.output).write_text(json.dumps(calls))
        return result
