"""One template folder on disk: metadata, the cropped clip, its audio, previews and cached motion."""
from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from inference.video import read_frames

META_FILE = "template.json"
CLIP_FILE = "driving.mp4"
AUDIO_FILE = "audio.m4a"
LANDMARKS_FILE = "landmarks.npy"
PREVIEW_IMAGE_FILE = "preview.jpg"
PREVIEW_VIDEO_FILE = "preview.mp4"
KEYPOINTS_DIR = "keypoints"
# Cached keypoints are read by render workers that may run as another user than the one that computed them.
KEYPOINTS_FILE_MODE = 0o644
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TemplateMeta:
    """What a template is and where it came from."""

    slug: str
    title: str
    duration: float
    fps: float
    frame_count: int
    has_audio: bool
    credits: str = ""
    source: str = ""
    licence: str = ""
    added_by: str = ""
    added_at: str = ""


class Template:
    """A template folder; reads only what a render needs (cached motion), never re-decodes for it."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self.meta = TemplateMeta(**json.loads((self.folder / META_FILE).read_text()))

    @property
    def slug(self) -> str:
        return self.meta.slug

    @property
    def frame_count(self) -> int:
        return self.meta.frame_count

    @property
    def fps(self) -> float:
        return self.meta.fps

    @property
    def clip_path(self) -> Path:
        return self.folder / CLIP_FILE

    @property
    def audio_path(self) -> Path | None:
        return self.folder / AUDIO_FILE if self.meta.has_audio else None

    @property
    def preview_image(self) -> Path:
        return self.folder / PREVIEW_IMAGE_FILE

    @property
    def preview_video(self) -> Path:
        return self.folder / PREVIEW_VIDEO_FILE

    @cached_property
    def _landmarks(self) -> np.ndarray:
        return np.load(self.folder / LANDMARKS_FILE, mmap_mode="r")

    def landmarks(self) -> np.ndarray:
        """Per-frame 68-point landmarks, float32 (frames, 68, 2), in 256x256 crop pixels."""
        return self._landmarks

    def frames(self, batch_size: int) -> Iterator[np.ndarray]:
        """The cropped driving frames as uint8 batches (b, 256, 256, 3)."""
        batch: list[np.ndarray] = []
        for frame in read_frames(self.clip_path):
            batch.append(frame)
            if len(batch) == batch_size:
                yield np.stack(batch)
                batch = []
        if batch:
            yield np.stack(batch)

    def _keypoints_path(self, weights_id: str) -> Path:
        return self.folder / KEYPOINTS_DIR / f"{weights_id}.npz"

    def cached_keypoints(self, weights_id: str) -> dict[str, np.ndarray] | None:
        """FOMM keypoints stored for these weights, or None."""
        path = self._keypoints_path(weights_id)
        if not path.exists():
            return None
        with np.load(path) as stored:
            return {name: stored[name] for name in stored.files}

    def store_keypoints(self, weights_id: str, keypoints: dict[str, np.ndarray]) -> None:
        """Save FOMM keypoints atomically, so concurrent renders never read half a file.

        The cache only saves time: where it cannot be written (a read-only shipped folder, a full disk) the
        render goes on, with a warning, and the keypoints are computed again next time.
        """
        path = self._keypoints_path(weights_id)
        temporary = None
        try:
            path.parent.mkdir(exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".", suffix=".npz", delete=False) as handle:
                temporary = Path(handle.name)
                np.savez(handle, **keypoints)
            temporary.chmod(KEYPOINTS_FILE_MODE)  # NamedTemporaryFile makes it 0600
            os.replace(temporary, path)
            temporary = None
        except OSError as error:
            log.warning("could not cache keypoints for template %s in %s (%s); they will be computed again next time",
                        self.slug, path.parent, error)
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    temporary.unlink()

    def describe(self) -> dict:
        """Metadata as a plain dict (for listings and the bot's store)."""
        return asdict(self.meta)


def write_meta(folder: Path, meta: TemplateMeta) -> None:
    """Write a template's metadata file."""
    (folder / META_FILE).write_text(json.dumps(asdict(meta), indent=2) + "\n")

