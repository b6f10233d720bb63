"""The painted inside of an opened mouth: dark cavity, upper teeth when wide."""
from __future__ import annotations

import cv2
import numpy as np

from inference.animator import SourceFace
from inference.landmarks import LandmarkAnimator, ibug
from inference.landmarks.similarity import as_complex
from tests.inference.landmarks.clips import ClipMotion

# Openings, in face scales (outer-eye-corner distances), of a mouth singing wide and one barely parted.
WIDE, NARROW = 0.3, 0.08
# Frames the clip holds the closed and then the opened mouth: long enough for time smoothing to settle.
HOLD = 6
# Upper teeth hang no lower than this share of the opening.
TEETH_SHARE = 0.35
# Moving with the lower lip: the jaw line below the mouth corners and the lower lips.
LOWER_FACE = np.r_[5:12, 55:60, 65:68]


def luminance(image: np.ndarray, mask: np.ndarray) -> float:
    return float(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)[mask > 0].mean())


def polygon_mask(points: np.ndarray) -> np.ndarray:
    mask = np.zeros((256, 256), np.uint8)
    cv2.fillPoly(mask, [np.round(points).astype(np.int32)], 255)
    return mask


def sing(face: SourceFace, opening: float) -> tuple[np.ndarray, np.ndarray]:
    """The face with its own mouth opened by `opening` face scales: the frame and where its landmarks went."""
    scale = float(ibug.face_scale(as_complex(face.landmarks)))
    opened = face.landmarks.copy()
    opened[LOWER_FACE, 1] += opening * scale
    clip = ClipMotion(np.stack([face.landmarks] * HOLD + [opened] * HOLD))
    frames = np.concatenate(list(LandmarkAnimator().animate(face, clip, initial_frame=0)))
    return frames[-1], opened


def test_open_mouth_is_dark_inside(singer: SourceFace) -> None:
    frame, landmarks = sing(singer, WIDE)
    inside = polygon_mask(landmarks[ibug.INNER_LIPS])
    lips = polygon_mask(landmarks[ibug.OUTER_LIPS]) & ~cv2.dilate(inside, np.ones((3, 3), np.uint8))
    # Below where the upper teeth hang.
    upper, lower = landmarks[62, 1], landmarks[66, 1]
    inside[: int(np.ceil(upper + TEETH_SHARE * (lower - upper)))] = 0
    assert luminance(frame, inside) < 0.5 * luminance(frame, lips)


def test_rendered_clip_opens_dark_mouths(batches: list[np.ndarray], rendered_landmarks: np.ndarray) -> None:
    widest = int(np.argmax(ibug.mouth_opening(as_complex(rendered_landmarks))))
    frame, landmarks = np.concatenate(batches)[widest], rendered_landmarks[widest]
    inside = cv2.erode(polygon_mask(landmarks[ibug.INNER_LIPS]), np.ones((3, 3), np.uint8))
    skin = polygon_mask(landmarks[[1, 2, 3, 31, 30, 29, 28]])  # a cheek
    assert luminance(frame, inside) < 0.6 * luminance(frame, skin)


def teeth_and_throat(frame: np.ndarray, landmarks: np.ndarray) -> tuple[float, float]:
    """Luminance just under the upper lip's middle, where upper teeth show, and low in the mouth."""
    upper, lower = landmarks[62], landmarks[66]
    grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(float)

    def at(share: float) -> float:
        x, y = np.round(upper + share * (lower - upper)).astype(int)
        return float(grey[y - 1 : y + 2, x - 1 : x + 2].mean())

    return at(0.12), at(0.6)


def test_wide_mouth_shows_upper_teeth(singer: SourceFace) -> None:
    teeth, throat = teeth_and_throat(*sing(singer, WIDE))
    assert teeth > 170 and throat < 90


def test_barely_parted_mouth_shows_no_teeth(singer: SourceFace) -> None:
    teeth, throat = teeth_and_throat(*sing(singer, NARROW))
    assert teeth < 110
