"""The work a worker process does, as plain dataclasses that pickle: inspect a photo, render, ingest a clip, shrink."""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inference import api
from inference.api import PhotoInfo, RendererSettings, RenderRequest, RenderResult, TemplateSummary

DEFAULT_FACTORY = "inference.api:Renderer"
# Progress as a task reports it: (frames done, frames in all) for renders, (stage, fraction) for ingests.
ReportProgress = Callable[..., None]


class WorkerContext:
    """What tasks share in one worker process: the settings and, for render workers, the renderer built once."""

    def __init__(self, renderer_options: dict[str, Any], factory: str | None = DEFAULT_FACTORY) -> None:
        self.settings = RendererSettings(**renderer_options)
        # Media workers (inspect, ingest, shrink) build no renderer, so they never load a model.
        self.renderer = load_factory(factory)(self.settings) if factory else None

    @property
    def backend(self) -> str | None:
        return self.renderer.backend if self.renderer is not None else None


@dataclass(frozen=True)
class InspectPhoto:
    """Is there a usable face in the photo, and where."""

    photo: Path

    def run(self, context: WorkerContext, progress: ReportProgress) -> PhotoInfo:
        return api.inspect_photo(self.photo)


@dataclass(frozen=True)
class Render:
    """Make one meme."""

    request: RenderRequest

    def run(self, context: WorkerContext, progress: ReportProgress) -> RenderResult:
        assert context.renderer is not None, "renders run in render workers"
        return context.renderer.render(self.request, progress=progress)


@dataclass(frozen=True)
class Ingested:
    """A template made from an admin's clip, and anything they should know about it (e.g. it has no sound)."""

    template: TemplateSummary
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class IngestTemplate:
    """Turn an admin's clip into a template in the admins' folder of `templates_dir` (default: the settings')."""

    clip: Path
    slug: str
    title: str | None = None
    start: float | None = None
    end: float | None = None
    added_by: str = ""
    replace: bool = False
    templates_dir: Path | None = None

    def run(self, context: WorkerContext, progress: ReportProgress) -> Ingested:
        settings = context.settings
        if self.templates_dir is not None:
            settings = RendererSettings(**{**vars(settings), "template_dirs": (self.templates_dir,)})
        warnings: list[str] = []
        template = api.add_template(
            settings, self.slug, self.clip, title=self.title, start=self.start, end=self.end, added_by=self.added_by,
            replace=self.replace, progress=progress, warn=warnings.append,
        )
        return Ingested(template, tuple(warnings))


@dataclass(frozen=True)
class ShrinkVideo:
    """Re-encode a video to fit an upload limit; the result is the video itself, a smaller copy, or None."""

    video: Path
    max_bytes: int
    scratch: Path

    def run(self, context: WorkerContext, progress: ReportProgress) -> Path | None:
        return api.shrink_video(self.video, self.max_bytes, self.scratch, context.settings.signing)


Task = InspectPhoto | Render | IngestTemplate | ShrinkVideo


def load_factory(path: str) -> Any:
    """The callable named by "package.module:attribute"."""
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)
