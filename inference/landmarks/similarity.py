"""2D similarity transforms (rotation, uniform scale, shift) on points held as complex numbers x + iy."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Reweighting rounds of the robust fit; the weights settle after a handful.
ROBUST_ROUNDS = 6
# Fractional bits of the fixed-point coordinates cv2 draws with, for sub-pixel polygons.
DRAW_SHIFT = 4


def as_complex(xy: np.ndarray) -> np.ndarray:
    """Points (..., 2) x, y as complex (...,): a rotation and scale is then one complex multiply."""
    xy = np.asarray(xy, dtype=np.float64)
    return xy[..., 0] + 1j * xy[..., 1]


def as_drawable(z: np.ndarray) -> np.ndarray:
    """Complex points (...,) as cv2's fixed-point int32 (..., 2); draw them with shift=DRAW_SHIFT."""
    return np.round(np.stack([z.real, z.imag], axis=-1) * (1 << DRAW_SHIFT)).astype(np.int32)


@dataclass(frozen=True)
class Similarity:
    """z -> scale_rotation * z + shift; both arrays broadcast over leading (frame) axes."""

    scale_rotation: np.ndarray  # complex (...,): |.| is the scale, its angle the rotation
    shift: np.ndarray  # complex (...,)

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.scale_rotation[..., None] * z + self.shift[..., None]

    def inverse(self) -> Similarity:
        return Similarity(1 / self.scale_rotation, -self.shift / self.scale_rotation)


def fit_similarity(source: np.ndarray, target: np.ndarray, tolerance: float) -> Similarity:
    """The similarity taking complex points source (..., n) onto target (..., n), robust to outliers.

    Iteratively reweighted least squares with Cauchy weights: a point whose residual is many
    `tolerance`s (pixels of target) counts little, so one mis-detected or expressive point cannot tilt the head.
    """
    source, target = np.broadcast_arrays(source, target)
    weights = np.ones(source.shape)
    for _ in range(ROBUST_ROUNDS):
        total = weights.sum(axis=-1, keepdims=True)
        source_mean = (weights * source).sum(axis=-1, keepdims=True) / total
        target_mean = (weights * target).sum(axis=-1, keepdims=True) / total
        centred = source - source_mean
        # Closed-form weighted least squares in complex form (Umeyama's solution, 2D).
        scale_rotation = (weights * (target - target_mean) * centred.conj()).sum(axis=-1) / (
            weights * np.abs(centred) ** 2
        ).sum(axis=-1)
        shift = target_mean[..., 0] - scale_rotation * source_mean[..., 0]
        residual = np.abs(scale_rotation[..., None] * source + shift[..., None] - target)
        weights = 1 / (1 + (residual / tolerance) ** 2)
    return Similarity(scale_rotation, shift)
