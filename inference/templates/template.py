"""One template folder on disk: metadata, the cropped clip, its audio, previews and cached motion."""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from inference.templates.folders import SLUG_PATTERN
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


def default_keypoints_cache() -> Path:
    """Where keypoints go when a template's own folder cannot be written (a shipped template in a read-only
    site-packages or container image): <MEMEBOT_DATA_DIR>/cache/keypoints, else the user's cache folder."""
    data_dir = os.environ.get("MEMEBOT_DATA_DIR")
    if data_dir:
        return Path(data_dir) / "cache" / "keypoints"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "memebot" / "keypoints"


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
    """A template folder; reads only what a render needs (cached motion), never re-decodes for it.

    FOMM keypoints are cached in the folder itself, or where it cannot be written in `keypoints_cache` (default:
    `default_keypoints_cache()`), under the template's name and a digest of its metadata, so a template replaced
    under the same name never reads the keypoints of the old one.
    """

    def __init__(self, folder: Path | str, keypoints_cache: Path | str | None = None) -> None:
        self.folder = Path(folder)
        meta = (self.folder / META_FILE).read_bytes()
        self.meta = TemplateMeta(**json.loads(meta))
        self._meta_digest = hashlib.sha256(meta).hexdigest()[:16]
        self._keypoints_cache = Path(keypoints_cache) if keypoints_cache is not None else None

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

    def _keypoints_paths(self, weights_id: str) -> tuple[Path, Path]:
        """Where these weights' keypoints are kept: in the template folder, else in the cache outside it."""
        cache = self._keypoints_cache or default_keypoints_cache()
        name = f"{weights_id}.npz"
        slug = self.slug if SLUG_PATTERN.fullmatch(self.slug) else "template"  # never a path from template.json
        return self.folder / KEYPOINTS_DIR / name, cache / f"{slug}-{self._meta_digest}" / name

    def cached_keypoints(self, weights_id: str) -> dict[str, np.ndarray] | None:
        """FOMM keypoints stored for these weights, or None."""
        for path in self._keypoints_paths(weights_id):
            if path.exists():
                with np.load(path) as stored:
                    return {name: stored[name] for name in stored.files}
        return None

    def store_keypoints(self, weights_id: str, keypoints: dict[str, np.ndarray]) -> None:
        """Save FOMM keypoints atomically, so concurrent renders never read half a file.

        A folder that cannot be written (a read-only shipped template) sends them to the cache outside it; the cache
        only saves time, so where neither can be written (a full disk) the render goes on, with a warning, and the
        keypoints are computed again next time.
        """
        inside, outside = self._keypoints_paths(weights_id)
        try:
            _save_atomically(inside, keypoints)
            return
        except OSError as error:
            log.info("template folder %s is not writable (%s); caching its keypoints in %s",
                     self.folder, error, outside.parent)
        try:
            _save_atomically(outside, keypoints, parents=True)
        except OSError as error:
            log.warning("could not cache keypoints for template %s in %s or %s (%s); they will be computed again "
                        "next time", self.slug, inside.parent, outside.parent, error)

    def describe(self) -> dict:
        """Metadata as a plain dict (for listings and the bot's store)."""
        return asdict(self.meta)


def _save_atomically(path: Path, arrays: dict[str, np.ndarray], parents: bool = False) -> None:
    """Write an .npz through a temporary file in the same folder, readable by all; OSError if it cannot."""
    path.parent.mkdir(parents=parents, exist_ok=True)
    temporary = None
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".", suffix=".npz", delete=False) as handle:
            temporary = Path(handle.name)
            # numpy's stub lets a ** mapping fill allow_pickle; these keys are array names only.
            np.savez(handle, **arrays)  # type: ignore[arg-type]
        temporary.chmod(KEYPOINTS_FILE_MODE)  # NamedTemporaryFile makes it 0600
        os.replace(temporary, path)
        temporary = None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()


def write_meta(folder: Path, meta: TemplateMeta) -> None:
    """Write a template's metadata file."""
    (folder / META_FILE).write_text(json.dumps(asdict(meta), indent=2) + "\n")

