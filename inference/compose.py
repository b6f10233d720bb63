"""Turning animated frames into output frames: as they are, or FOMM's 256x256 face blended back into the photo
over the head's mask."""
from __future__ import annotations

import cv2
import numpy as np

from inference.face import CROP_SIZE, SquareBox
from inference.landmarks.head import HeadOutline, head_mask

# Outputs are scaled so their longer side is at most this; chat apps show them small anyway.
MAX_OUTPUT_SIDE = 720
# FOMM's crop fades out over this share of its side at its own border, where resampling blurs its edge.
CROP_EDGE_FRACTION = 0.03


def _even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


def output_size(photo: np.ndarray, max_side: int = MAX_OUTPUT_SIDE) -> tuple[int, int]:
    """Width and height (even, as H.264 wants) of the output for a photo: its own, or its longer side max_side."""
    height, width = photo.shape[:2]
    scale = min(1.0, max_side / max(height, width))
    return _even(width * scale), _even(height * scale)


def fit_photo(photo: np.ndarray, max_side: int = MAX_OUTPUT_SIDE) -> np.ndarray:
    """The photo at its output size."""
    width, height = output_size(photo, max_side)
    if (width, height) == (photo.shape[1], photo.shape[0]):
        return photo
    return cv2.resize(photo, (width, height), interpolation=cv2.INTER_AREA)


class PlainFrames:
    """Output frames are the animated frames themselves: FOMM's 256x256 crops, or whole animated photos."""

    def __init__(self, width: int = CROP_SIZE, height: int = CROP_SIZE) -> None:
        self.width, self.height = width, height

    def compose(self, animated: np.ndarray) -> np.ndarray:
        return np.array(animated, copy=True)


class PasteBack:
    """Output frames are the original photo with an animated 256x256 face crop blended back in over the head's
    mask: inside the head it shows the crop, outside the photo exactly as it is."""

    def __init__(self, photo: np.ndarray, box: SquareBox, head: HeadOutline, max_side: int = MAX_OUTPUT_SIDE) -> None:
        self._background = fit_photo(photo, max_side)
        self.height, self.width = self._background.shape[:2]
        scale = self.width / photo.shape[1]
        side = max(2, round(box.side * scale))
        left, top = round(box.left * scale), round(box.top * scale)
        # Only the part of the square that lies inside the frame is pasted.
        x0, y0 = max(0, left), max(0, top)
        x1, y1 = min(self.width, left + side), min(self.height, top + side)
        self._frame_region = (slice(y0, y1), slice(x0, x1))
        self._face_region = (slice(y0 - top, y1 - top), slice(x0 - left, x1 - left))
        self._side = side
        mask = head_mask(head.scaled(scale), self.width, self.height)[self._frame_region]
        # The crop's own border is where FOMM's picture ends: the mask fades out before it.
        self._mask = (mask * self._square_fade(side)[self._face_region])[..., None]
        self._background_part = self._background[self._frame_region].astype(np.float32)

    @staticmethod
    def _square_fade(side: int) -> np.ndarray:
        """1 inside the square, fading to 0 over its outer few pixels, where resampling blurs its edge."""
        distance_to_edge = np.minimum(np.arange(side), np.arange(side)[::-1]).astype(np.float32)
        ramp = np.clip(distance_to_edge / max(1.0, side * CROP_EDGE_FRACTION), 0, 1)
        return np.outer(ramp, ramp)

    def compose(self, animated: np.ndarray) -> np.ndarray:
        face = cv2.resize(animated, (self._side, self._side), interpolation=cv2.INTER_LINEAR)[self._face_region]
        frame = self._background.copy()
        blended = self._background_part + (face.astype(np.float32) - self._background_part) * self._mask
        frame[self._frame_region] = np.round(blended).astype(np.uint8)
        return frame
