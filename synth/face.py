"""A drawn face that dlib detects, posed by a few parameters: the demo's singers are made from it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Look:
    """Colours of one drawn person (RGB)."""

    skin: tuple[int, int, int]
    hair: tuple[int, int, int]
    iris: tuple[int, int, int]
    lips: tuple[int, int, int]
    background_top: tuple[int, int, int]
    background_bottom: tuple[int, int, int]


# The mouth, on the 512 canvas, in a person's proportions (the detectors read the old tall oval with thin lips
# poorly: dlib's opening followed its drawn one with r 0.57): its row, its half-width (narrowing as it opens), the
# inside's full height when wide open (no taller than the mouth is wide), the share of the opening the upper lip
# rises by (the lower lip drops the rest), and the lips' thickness.
MOUTH_ROW, MOUTH_HALF_WIDTH, MOUTH_NARROWING, MOUTH_MAX_OPENING, UPPER_LIP_RISE = 75, 46, 6, 50, 0.3
UPPER_LIP, LOWER_LIP = 10, 13
MOUTH_CAVITY = (50, 20, 30)
EYE_CORNER_DISTANCE = 144  # the outer corners of the eyes drawn at x = +-48 with half-width 24

SINGER = Look(skin=(225, 180, 150), hair=(60, 40, 30), iris=(110, 80, 60), lips=(170, 70, 70),
              background_top=(70, 90, 120), background_bottom=(70, 130, 180))
CONDUCTOR = Look(skin=(200, 150, 115), hair=(25, 25, 30), iris=(60, 90, 60), lips=(150, 60, 65),
                 background_top=(150, 120, 90), background_bottom=(90, 60, 50))


@dataclass(frozen=True)
class Pose:
    """How the drawn head sits and what the face does."""

    mouth_open: float = 0.0  # 0 closed .. 1 wide
    roll_degrees: float = 0.0
    dx: float = 0.0  # head offset, fraction of the canvas
    dy: float = 0.0
    scale: float = 1.0
    blink: float = 0.0  # 0 open .. 1 shut


def _background(look: Look, height: int, width: int) -> np.ndarray:
    t = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    top, bottom = np.array(look.background_top, np.float32), np.array(look.background_bottom, np.float32)
    return np.broadcast_to(top * (1 - t) + bottom * t, (height, width, 3)).astype(np.uint8)


def _draw_head(look: Look, pose: Pose, size: int) -> tuple[np.ndarray, np.ndarray]:
    """An upright head on a square layer of `size`, with its alpha mask."""
    layer = np.zeros((size, size, 3), np.uint8)
    alpha = np.zeros((size, size), np.uint8)
    u = size / 512  # every measure below was drawn on a 512 canvas
    cx, cy = size // 2, size // 2 + round(20 * u)

    def p(x: float, y: float) -> tuple[int, int]:
        return round(cx + x * u), round(cy + y * u)

    def axes(a: float, b: float) -> tuple[int, int]:
        return max(1, round(a * u)), max(1, round(b * u))

    for target, colour in ((layer, look.hair), (alpha, 255)):
        cv2.ellipse(target, p(0, -60), axes(150, 150), 0, 180, 360, colour, -1)
        cv2.rectangle(target, p(-150, -60), p(150, 40), colour, -1)
        cv2.ellipse(target, p(0, 0), axes(118, 155), 0, 0, 360, colour if target is alpha else look.skin, -1)
    # Soft shading towards the rim gives the detector's gradient features something face-like.
    rim = np.zeros((size, size), np.float32)
    cv2.ellipse(rim, p(0, 0), axes(118, 155), 0, 0, 360, 1.0, -1)
    rim = cv2.GaussianBlur(rim, (0, 0), 25 * u)
    layer = (layer * (0.75 + 0.25 * rim[..., None])).clip(0, 255).astype(np.uint8)

    eye_height = 12 * (1 - 0.85 * pose.blink)
    for side in (-48, 48):
        cv2.ellipse(layer, p(side, -62), axes(30, 8), 0, 180, 360, tuple(int(c * 0.6) for c in look.hair), -1)
        cv2.ellipse(layer, p(side, -30), axes(24, eye_height), 0, 0, 360, (245, 245, 245), -1)
        if pose.blink < 0.6:
            cv2.circle(layer, p(side, -30), round(9 * u), look.iris, -1)
            cv2.circle(layer, p(side, -30), round(4 * u), (10, 10, 10), -1)
        cv2.ellipse(layer, p(side, -30), axes(24, eye_height), 0, 0, 360, (90, 70, 60), max(1, round(2 * u)))
    nose = np.array([p(0, -30), p(-14, 30), p(14, 30)], np.int32)
    cv2.polylines(layer, [nose], False, tuple(int(c * 0.75) for c in look.skin), max(1, round(3 * u)))
    cv2.ellipse(layer, p(0, 30), axes(18, 8), 0, 0, 180, tuple(int(c * 0.7) for c in look.skin), -1)
    _draw_mouth(layer, pose.mouth_open, look.lips, p, axes)
    return layer, alpha


def _mouth_geometry(mouth_open: float) -> tuple[float, float, float]:
    """Half-width, inside height and the inside's centre row of the drawn mouth, on the 512 canvas."""
    height = MOUTH_MAX_OPENING * mouth_open
    return MOUTH_HALF_WIDTH - MOUTH_NARROWING * mouth_open, height, MOUTH_ROW + (0.5 - UPPER_LIP_RISE) * height


def _draw_mouth(layer: np.ndarray, mouth_open: float, lips: tuple[int, int, int], p: Callable,
                axes: Callable) -> None:
    """Lips as thick as a person's around an inside no taller than it is wide, the lower lip dropping most."""
    half_width, height, centre = _mouth_geometry(mouth_open)
    cv2.ellipse(layer, p(0, centre), axes(half_width, height / 2 + UPPER_LIP), 0, 180, 360, lips, -1)
    cv2.ellipse(layer, p(0, centre), axes(half_width, height / 2 + LOWER_LIP), 0, 0, 180, lips, -1)
    seam = tuple(int(c * 0.5) for c in lips)
    cv2.ellipse(layer, p(0, centre), axes(half_width - 4, max(height / 2, 1)), 0, 0, 360, seam if height < 2 else
                MOUTH_CAVITY, -1)


def mouth_truth(pose: Pose) -> float:
    """The drawn mouth's inside height over the outer eye corners' distance, the figure the judges read."""
    return _mouth_geometry(pose.mouth_open)[1] / EYE_CORNER_DISTANCE


def draw_face(look: Look, pose: Pose = Pose(), height: int = 512, width: int = 512) -> np.ndarray:
    """An RGB image of the drawn person in the given pose."""
    size = min(height, width)
    head, alpha = _draw_head(look, pose, size)
    centre = (size / 2, size / 2)
    rotation = cv2.getRotationMatrix2D(centre, pose.roll_degrees, pose.scale)
    rotation[:, 2] += (width - size) / 2 + pose.dx * width, (height - size) / 2 + pose.dy * height
    head = cv2.warpAffine(head, rotation, (width, height), flags=cv2.INTER_LINEAR)
    weight = cv2.warpAffine(alpha, rotation, (width, height), flags=cv2.INTER_LINEAR).astype(np.float32)[..., None] / 255
    image = _background(look, height, width) * (1 - weight) + head * weight
    return cv2.GaussianBlur(image.astype(np.uint8), (0, 0), 1.2)
