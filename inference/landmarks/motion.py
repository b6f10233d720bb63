"""Relative landmark motion transfer: the source moves as the driving clip moves away from its initial frame."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter1d

from inference.landmarks import ibug
from inference.landmarks.similarity import Similarity, fit_similarity

# Detected driving landmarks jitter by a pixel or two between frames; averaging over about this long
# (seconds, a Gaussian's sigma) steadies them and keeps syllables, a fifth of a second or more, crisp.
STEADYING_SECONDS = 0.04
# Residual, in face scales, at which a point's say in the head fit halves: about a landmark's jitter.
HEAD_FIT_TOLERANCE = 0.03


@dataclass(frozen=True)
class HeadMotion:
    """Per-frame rigid head motion in source pixels: rotate and scale about `centre`, then shift."""

    centre: complex
    scale_rotation: np.ndarray  # complex (frames,)
    shift: np.ndarray  # complex (frames,)

    def apply(self, z: np.ndarray, weight: float | np.ndarray = 1.0) -> np.ndarray:
        """Move complex source points (n,) or (frames, n) by `weight` of the head motion (0 still, 1 fully)."""
        # A fractional power of the complex factor turns and scales part of the way.
        factor = np.power(self.scale_rotation[:, None], weight)
        return self.centre + factor * (z - self.centre) + weight * self.shift[:, None]


@dataclass(frozen=True)
class TransferredMotion:
    """Where the source's landmarks go in every frame, and how its head moves as a whole."""

    landmarks: np.ndarray  # complex (frames, 68), output-frame pixels
    head: HeadMotion


def steady(driving: np.ndarray, fps: float) -> np.ndarray:
    """Complex driving landmarks (frames, 68) smoothed over time: detector jitter out, still frames still."""
    return gaussian_filter1d(driving, STEADYING_SECONDS * fps, axis=0, mode="nearest")


def _fit_heads(source: np.ndarray, target: np.ndarray) -> Similarity:
    """Similarity per frame taking the stable points of landmarks `source` onto those of `target`."""
    tolerance = HEAD_FIT_TOLERANCE * float(np.median(ibug.face_scale(target)))
    return fit_similarity(source[..., ibug.STABLE], target[..., ibug.STABLE], tolerance)


def _keep_lips_apart(posed: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Stop a lower inner lip rising above its upper one (a driving mouth closing more than the source's)."""
    eye_line = source[ibug.OUTER_EYE_CORNERS[1]] - source[ibug.OUTER_EYE_CORNERS[0]]
    down = 1j * eye_line / abs(eye_line)  # head-down in the source's image: the eye line turned a right angle
    upper, lower = posed[:, ibug.INNER_LIP_PAIRS[:, 0]], posed[:, ibug.INNER_LIP_PAIRS[:, 1]]
    overlap = np.minimum(((lower - upper) / down).real, 0)  # negative where the lips cross
    posed = posed.copy()
    posed[:, ibug.INNER_LIP_PAIRS[:, 0]] += 0.5 * overlap * down
    posed[:, ibug.INNER_LIP_PAIRS[:, 1]] -= 0.5 * overlap * down
    return posed


def transfer_motion(source: np.ndarray, driving: np.ndarray, initial_frame: int) -> TransferredMotion:
    """Move complex source landmarks (68,) as driving landmarks (frames, 68) move from `initial_frame`.

    Each driving frame splits into rigid head motion (its similarity to the initial frame) and expression
    (what is left once the head is aligned back). Expression is re-expressed in the source's head frame,
    scaled and turned by how the source's face sits relative to the driving initial face; head motion is
    replayed about the source's own head centre, its shift scaled by the faces' size ratio.
    """
    initial = driving[initial_frame]
    to_initial = _fit_heads(driving, initial[None])
    expression = to_initial(driving) - initial  # driving-initial pixels, head held still

    initial_to_source = _fit_heads(initial, source)
    size_ratio = abs(initial_to_source.scale_rotation)
    posed = _keep_lips_apart(source + initial_to_source.scale_rotation * expression, source)

    from_initial = to_initial.inverse()
    driving_centre = initial[ibug.STABLE].mean()
    source_centre = complex(source[ibug.STABLE].mean())
    # Where the driving head's centre travels, in source pixels.
    shift = size_ratio * ((from_initial.scale_rotation - 1) * driving_centre + from_initial.shift)
    head = HeadMotion(source_centre, from_initial.scale_rotation, shift)
    return TransferredMotion(head.apply(posed), head)
