"""What every animation backend takes and gives: a cropped source face, a driving motion, batches of frames."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class SourceFace:
    """The face to animate: an RGB image around it (FOMM's 256x256 crop, or the landmark animator's whole photo)
    and its 68 landmarks in that image's pixels."""

    crop: np.ndarray  # (h, w, 3) uint8
    landmarks: np.ndarray  # (68, 2) float32, x then y


class DrivingMotion(Protocol):
    """A driving clip's motion, read from its cache rather than recomputed per request."""

    @property
    def frame_count(self) -> int: ...

    @property
    def fps(self) -> float: ...

    def landmarks(self) -> np.ndarray:
        """Per-frame 68-point landmarks, float32 (frames, 68, 2), in 256x256 crop pixels."""
        ...

    def frames(self, batch_size: int) -> Iterator[np.ndarray]:
        """The cropped driving frames in order, as uint8 batches (b, 256, 256, 3)."""
        ...

    def cached_keypoints(self, weights_id: str) -> dict[str, np.ndarray] | None:
        """FOMM keypoints stored for these weights, or None the first time they are used."""
        ...

    def store_keypoints(self, weights_id: str, keypoints: dict[str, np.ndarray]) -> None:
        """Keep FOMM keypoints for these weights so no later render recomputes them."""
        ...


class Animator(Protocol):
    """A backend that makes a source face follow a driving motion."""

    backend: str

    def animate(self, face: SourceFace, motion: DrivingMotion, initial_frame: int) -> Iterator[np.ndarray]:
        """Yield every output frame, in clip order, as uint8 batches (b, h, w, 3); FOMM's are 256x256.

        Motion is relative to `initial_frame`, the driving frame best aligned with the source.
        """
        ...
