"""Relative landmark motion transfer: the source moves as the driving clip moves away from its initial frame."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter1d

from inference.landmarks import ibug
from inference.landmarks.similarity import Similarity, fit_similarity

# Detected driving landmarks jitter by a pixel or two between frames; averaging the skull's points over about
# this long (seconds, a Gaussian's sigma) steadies the head. The rest (lips, chin, brows, lids) stays as
# detected: a sung note can close for a single frame, and smoothing would keep that mouth half open.
STEADYING_SECONDS = 0.04
# Residual, in face scales, at which a point's say in the head fit halves: about a landmark's jitter.
HEAD_FIT_TOLERANCE = 0.03
# Share of a lip-gap correction the upper lip makes; the lower lip, on the jaw, makes the rest.
UPPER_LIP_SHARE = 0.4
# A clip whose narrowest lip gap reads wider than this (face scales) never shuts its mouth: its gaps stay as
# read. Narrower, that gap is its shut mouth (see _sung_gaps).
MAX_SHUT_GAP = 0.12


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
    """Complex driving landmarks (frames, 68) with the skull's points smoothed over time: head jitter out."""
    steadied = driving.copy()
    steadied[:, ibug.STABLE] = gaussian_filter1d(driving[:, ibug.STABLE], STEADYING_SECONDS * fps, axis=0,
                                                 mode="nearest")
    return steadied


def _fit_heads(source: np.ndarray, target: np.ndarray) -> Similarity:
    """Similarity per frame taking the stable points of landmarks `source` onto those of `target`."""
    tolerance = HEAD_FIT_TOLERANCE * float(np.median(ibug.face_scale(target)))
    return fit_similarity(source[..., ibug.STABLE], target[..., ibug.STABLE], tolerance)


def _head_down(z: np.ndarray) -> np.ndarray:
    """Unit head-down direction of complex landmarks (..., 68): the eye line turned a right angle."""
    eye_line = z[..., ibug.OUTER_EYE_CORNERS[1]] - z[..., ibug.OUTER_EYE_CORNERS[0]]
    return 1j * eye_line / np.abs(eye_line)


def _lip_gaps(z: np.ndarray, down: np.ndarray) -> np.ndarray:
    """Gap between each facing inner-lip pair (..., 3) along head-down, in face scales; negative where they cross."""
    upper, lower = z[..., ibug.INNER_LIP_PAIRS[:, 0]], z[..., ibug.INNER_LIP_PAIRS[:, 1]]
    return ((lower - upper) / down[..., None]).real / ibug.face_scale(z)[..., None]


def _sung_gaps(driving: np.ndarray) -> np.ndarray:
    """The lip gaps (frames, 3) of driving landmarks (frames, 68) in face scales, each pair's narrowest in the
    clip read as shut (0), its widest as read, those between stretched to match.

    A detector can read shut lips as a few hundredths of a face scale apart (dlib reads the demo conductor's
    shut mouth as 0.08), and a photo driven by that reading would never close.
    """
    gaps = _lip_gaps(driving, _head_down(driving))
    shut, widest = gaps.min(axis=0), gaps.max(axis=0)
    shut = np.where((shut > 0) & (shut <= MAX_SHUT_GAP) & (widest > shut), shut, 0.0)
    return np.maximum((gaps - shut) * widest / np.maximum(widest - shut, 1e-9), 0)


def _open_as_driving(posed: np.ndarray, source: np.ndarray, driving: np.ndarray) -> np.ndarray:
    """Set each inner-lip pair of posed landmarks (frames, 68) as far apart, in face scales, as the driving
    mouth's (frames, 68) in that frame (see _sung_gaps), so the mouth opens as wide and closes fully, however
    the photo's mouth sat (a smile showing teeth closes too). Each lip moves whole, outer edge along: a stretched
    lip would uncover the teeth behind it."""
    down = _head_down(source)
    scale = float(ibug.face_scale(source))
    wanted = _sung_gaps(driving)
    change = (wanted - _lip_gaps(posed, np.full(len(posed), down))) * scale * down  # complex (frames, 3)
    posed = posed.copy()
    upper, lower = ibug.INNER_LIP_PAIRS[:, 0], ibug.INNER_LIP_PAIRS[:, 1]
    posed[:, upper] -= UPPER_LIP_SHARE * change
    posed[:, lower] += (1 - UPPER_LIP_SHARE) * change
    for pair, (top, bottom) in enumerate(ibug.INNER_LIP_PAIRS):
        posed[:, ibug.INNER_TO_OUTER_LIP[top]] -= UPPER_LIP_SHARE * change[:, pair]
        posed[:, ibug.INNER_TO_OUTER_LIP[bottom]] += (1 - UPPER_LIP_SHARE) * change[:, pair]
    return posed


def transfer_motion(source: np.ndarray, driving: np.ndarray, initial_frame: int) -> TransferredMotion:
    """Move complex source landmarks (68,) as driving landmarks (frames, 68) move from `initial_frame`.

    Each driving frame splits into rigid head motion (its similarity to the initial frame) and expression
    (what is left once the head is aligned back). Expression is re-expressed in the source's head frame,
    scaled and turned by how the source's face sits relative to the driving initial face; head motion is
    replayed about the source's own head centre, its shift scaled by the faces' size ratio. The lip gaps alone
    are taken as they are in the driving frame, not relative to its initial one: a relative gap would keep a
    photo's open smile open through every closed note.
    """
    initial = driving[initial_frame]
    to_initial = _fit_heads(driving, initial[None])
    expression = to_initial(driving) - initial  # driving-initial pixels, head held still

    initial_to_source = _fit_heads(initial, source)
    size_ratio = abs(initial_to_source.scale_rotation)
    posed = _open_as_driving(source + initial_to_source.scale_rotation * expression, source, driving)

    from_initial = to_initial.inverse()
    driving_centre = initial[ibug.STABLE].mean()
    source_centre = complex(source[ibug.STABLE].mean())
    # Where the driving head's centre travels, in source pixels.
    shift = size_ratio * ((from_initial.scale_rotation - 1) * driving_centre + from_initial.shift)
    head = HeadMotion(source_centre, from_initial.scale_rotation, shift)
    return TransferredMotion(head.apply(posed), head)
