"""The boundary the bot and its workers call: plain paths and dataclasses in and out, no tensors.

Importing this module is light (no cv2, dlib or torch): the bot process uses its dataclasses and template listings,
while the functions that decode media (inspect, ingest, shrink, render) run in worker processes and load the heavy
modules on first use.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from inference.errors import InputError
from inference.label import DEFAULT_LABEL
from inference.provenance import ContentCredentials, SigningFiles
from inference.templates import Template, TemplateLibrary
from inference.templates.folders import MAX_CLIP_BYTES
from inference.templates.library import SHIPPED_TEMPLATES_DIR

if TYPE_CHECKING:
    from inference.animator import Animator

__all__ = [
    "MAX_CLIP_BYTES", "InputError", "PhotoInfo", "RenderRequest", "RenderResult", "Renderer", "RendererSettings",
    "TemplateSummary", "add_template", "inspect_photo", "list_templates", "remove_template", "shrink_video",
    "template_library",
]

# (left, top, right, bottom, score) of a detected face, in photo pixels.
FaceLocation = tuple[float, float, float, float, float]
IngestProgress = Callable[[str, float], None]
Progress = Callable[[int, int], None]


def face_location(face: Sequence[float] | None) -> FaceLocation | None:
    """A face stored as a list (left, top, right, bottom, score: what inspect_photo found) as RenderRequest takes it."""
    return cast(FaceLocation, tuple(face)) if face else None


@dataclass(frozen=True)
class RendererSettings:
    """How a worker's renderer is set up; the first of `template_dirs` holds admin-added templates."""

    checkpoint: Path | None = None
    backend: str | None = None
    template_dirs: tuple[Path, ...] = ()
    device: str = "cpu"
    signing: SigningFiles | None = None  # signs every video's C2PA manifest; None: videos go unsigned
    dtype: str = "auto"  # FOMM's precision: auto, fp32, bf16 or fp16 (inference.fomm.precision)
    label: str = DEFAULT_LABEL
    batch_frames: int = 0  # > 0: FOMM renders run concurrently, sharing model calls of this many frames


@dataclass(frozen=True)
class RenderRequest:
    """One meme to make; `face` comes from `inspect_photo`, so the render does not detect it again, and
    `template_folder` (a template fetched by a cluster worker) overrides looking `template` up by name."""

    image: Path
    template: str
    output: Path
    paste_back: bool = True
    face: FaceLocation | None = None
    template_folder: Path | None = None


@dataclass(frozen=True)
class RenderResult:
    """What a finished render produced (defined here, light, because it travels from workers to the bot)."""

    output: Path
    frames: int
    seconds: float
    backend: str
    width: int
    height: int

    @property
    def frames_per_second(self) -> float:
        return self.frames / self.seconds if self.seconds else float("inf")


@dataclass(frozen=True)
class PhotoInfo:
    """A photo with a usable face: its size, the largest face, and the sides of every face found, largest first."""

    width: int
    height: int
    face: FaceLocation
    face_sides: tuple[float, ...]


def inspect_photo(path: Path | str) -> PhotoInfo:
    """Check a photo (readable, not a bomb, one usable face) without rendering; InputError says what is wrong."""
    from inference.face import detect_faces, largest_face
    from inference.image_io import load_photo

    photo = load_photo(path)
    face = largest_face(photo)
    sides = tuple(found.side for found in detect_faces(photo))
    return PhotoInfo(photo.shape[1], photo.shape[0], (face.left, face.top, face.right, face.bottom, face.score), sides)


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
    """Every template these settings offer (reads their metadata only)."""
    return [_summary(template) for template in template_library(settings).list()]


def read_template(folder: Path) -> TemplateSummary:
    """The template in `folder` (reads its metadata only)."""
    return _summary(Template(folder))


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


def shrink_video(video: Path, max_bytes: int, scratch: Path, signing: SigningFiles | None = None) -> Path | None:
    """`video` if it fits in `max_bytes`, else a re-encoded smaller copy in `scratch` (signed like its source when
    `signing` is given), or None if none fits."""
    from inference.shrink import fit_to_size

    return fit_to_size(video, max_bytes, scratch, signing)


class Renderer:
    """Loads the animation backend once and renders requests; with `batch_frames`, FOMM renders may run at once
    from several threads, their frames sharing model calls (inference.fomm.batching)."""

    def __init__(self, settings: RendererSettings = RendererSettings(), animator: Animator | None = None) -> None:
        """`animator` replaces the one the settings would build (e.g. a FOMM of another size, in tests)."""
        from inference.backends import build_animator, choose_backend

        self.settings = settings
        self.backend = choose_backend(settings.backend, settings.checkpoint, runs_here=True)
        self._animator = animator or build_animator(self.backend, settings.checkpoint, settings.device, settings.dtype,
                                                    settings.batch_frames)
        self._templates = template_library(settings)

    def render(self, request: RenderRequest, progress: Progress = lambda done, total: None) -> RenderResult:
        """Make one meme; InputError for a bad photo or an unknown template."""
        from inference.face import FaceBox
        from inference.image_io import load_photo
        from inference.render import RenderOptions, prepare_photo, render

        if request.template_folder is not None:
            template = Template(request.template_folder)
        else:
            template = self._templates.get(request.template)
        found = FaceBox(*request.face) if request.face is not None else None
        prepared = prepare_photo(load_photo(request.image), found)
        signing = self.settings.signing
        credentials = ContentCredentials(signing, template.meta.title, template.meta.credits) if signing else None
        return render(
            prepared, template, self._animator, request.output,
            RenderOptions(paste_back=request.paste_back, label=self.settings.label, credentials=credentials),
            audio=template.audio_path, progress=progress,
        )
