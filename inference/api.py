"""The boundary the bot calls: plain paths and dataclasses in and out, no tensors; a Renderer is built once per worker."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from inference.backends import build_animator, choose_backend
from inference.errors import InputError
from inference.image_io import load_photo
from inference.label import DEFAULT_LABEL
from inference.render import Progress, RenderOptions, prepare_photo, render
from inference.templates import Template, TemplateLibrary
from inference.templates.library import SHIPPED_TEMPLATES_DIR

__all__ = ["InputError", "PhotoInfo", "RenderRequest", "RenderResult", "Renderer", "RendererSettings", "inspect_photo"]


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
class RenderResult:
    """A finished meme."""

    output: Path
    frames: int
    seconds: float
    backend: str


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


class Renderer:
    """Loads the animation backend once and renders requests one after another."""

    def __init__(self, settings: RendererSettings = RendererSettings()) -> None:
        self.settings = settings
        self.backend = choose_backend(settings.backend, settings.checkpoint)
        self._animator = build_animator(self.backend, settings.checkpoint, settings.device)
        self._templates = template_library(settings)

    def template(self, slug: str) -> Template:
        return self._templates.get(slug)

    def render(self, request: RenderRequest, progress: Progress = lambda done, total: None) -> RenderResult:
        """Make one meme; InputError for a bad photo or an unknown template."""
        template = self._templates.get(request.template)
        prepared = prepare_photo(load_photo(request.image))
        stats = render(
            prepared, template, self._animator, request.output,
            RenderOptions(paste_back=request.paste_back, label=self.settings.label),
            audio=template.audio_path, progress=progress,
        )
        return RenderResult(stats.output, stats.frames, stats.seconds, stats.backend)
