"""The boundary the bot calls: plain paths and dataclasses in and out, no tensors; a Renderer is built once per worker."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from inference.backends import build_animator, choose_backend
from inference.errors import InputError
from inference.image_io import load_photo
from inference.label import DEFAULT_LABEL
from inference.render import Progress, RenderOptions, prepare_photo, render
from inference.render import RenderStats as RenderResult
from inference.templates import Template, TemplateLibrary
from inference.templates.ingest import Progress as IngestProgress
from inference.templates.library import SHIPPED_TEMPLATES_DIR

__all__ = [
    "InputError", "PhotoInfo", "RenderRequest", "RenderResult", "Renderer", "RendererSettings", "TemplateSummary",
    "add_template", "inspect_photo", "list_templates", "remove_template", "template_library",
]


@dataclass(frozen=True)
class RendererSettings:
    """How a worker's renderer is set up; the first of `template_dirs` holds admin-added templates."""

    checkpoint: Path | None = None
    backend: str | None = None
    template_dirs: tuple[Path, ...] = ()
    device: str = "cpu"
    label: str = DEFAULT_LABEL


@dataclass(frozen=True)
class RenderRequest:
    """One meme to make."""

    image: Path
    template: str
    output: Path
    paste_back: bool = True


@dataclass(frozen=True)
class PhotoInfo:
    """A photo that has a usable face; the digest identifies that face crop for the render cache."""

    face_digest: str
    width: int
    height: int


def inspect_photo(path: Path | str) -> PhotoInfo:
    """Check a photo (readable, not a bomb, one usable face) without rendering; InputError says what is wrong."""
    photo = load_photo(path)
    prepared = prepare_photo(photo)
    digest = hashlib.sha256(prepared.face.crop.tobytes()).hexdigest()
    return PhotoInfo(face_digest=digest, width=photo.shape[1], height=photo.shape[0])


def template_library(settings: RendererSettings) -> TemplateLibrary:
    """The templates these settings see: the shipped ones plus the admins' folder."""
    return TemplateLibrary(settings.template_dirs[0] if settings.template_dirs else SHIPPED_TEMPLATES_DIR)


@dataclass(frozen=True)
class TemplateSummary:
    """A template as listings show it, with its preview files."""

    slug: str
    title: str
    duration: float
    folder: Path
    preview_image: Path
    preview_video: Path
    added_by: str


def _summary(template: Template) -> TemplateSummary:
    return TemplateSummary(template.slug, template.meta.title, template.meta.duration, template.folder,
                           template.preview_image, template.preview_video, template.meta.added_by)


def list_templates(settings: RendererSettings) -> list[TemplateSummary]:
    """Every template these settings offer."""
    return [_summary(template) for template in template_library(settings).list()]


def add_template(
    settings: RendererSettings, slug: str, video: Path, *, title: str | None = None, start: float | None = None,
    end: float | None = None, added_by: str = "", replace: bool = False, progress: IngestProgress = lambda s, f: None,
    warn: Callable[[str], None] = lambda message: None,
) -> TemplateSummary:
    """Ingest a clip as an admin-added template (slow: seconds to minutes); InputError says what is wrong with it."""
    template = template_library(settings).add(slug, video, replace=replace, title=title, start=start, end=end,
                                              added_by=added_by, progress=progress, warn=warn)
    return _summary(template)


def remove_template(settings: RendererSettings, slug: str) -> None:
    """Delete an admin-added template; InputError for an unknown or shipped one."""
    template_library(settings).remove(slug)


class Renderer:
    """Loads the animation backend once and renders requests one after another."""

    def __init__(self, settings: RendererSettings = RendererSettings()) -> None:
        self.settings = settings
        self.backend = choose_backend(settings.backend, settings.checkpoint)
        self._animator = build_animator(self.backend, settings.checkpoint, settings.device)
        self._templates = template_library(settings)

    def render(self, request: RenderRequest, progress: Progress = lambda done, total: None) -> RenderResult:
        """Make one meme; InputError for a bad photo or an unknown template."""
        template = self._templates.get(request.template)
        prepared = prepare_photo(load_photo(request.image))
        return render(
            prepared, template, self._animator, request.output,
            RenderOptions(paste_back=request.paste_back, label=self.settings.label),
            audio=template.audio_path, progress=progress,
        )
