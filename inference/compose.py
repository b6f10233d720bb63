"""Turning animated 256x256 faces into output frames: plain, or pasted back into the original photo."""
from __future__ import annotations

import cv2
import numpy as np

from inference.face import CROP_SIZE, SquareBox

# Outputs are scaled so their longer side is at most this; chat apps show them small anyway.
MAX_OUTPUT_SIDE = 720
# The pasted face fades into the photo over this fraction of the crop side.
FEATHER_FRACTION = 0.12


def _even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


class PlainFrames:
    """Output frames are the 256x256 animated crops themselves."""

    def __init__(self, size: int = CROP_SIZE) -> None:
        self.width = self.height = _even(size)

    def compose(self, animated: np.ndarray) -> np.ndarray:
        return np.array(animated, copy=True)


class PasteBack:
    """Output frames are the original photo with the animated face blended back in over a feathered mask."""

    def __init__(self, photo: np.ndarray, box: SquareBox, max_side: int = MAX_OUTPUT_SIDE) -> None:
        height, width = photo.shape[:2]
        scale = min(1.0, max_side / max(height, width))
        self.width, self.height = _even(width * scale), _even(height * scale)
        self._background = cv2.resize(photo, (self.width, self.height), interpolation=cv2.INTER_AREA)
        side = max(2, round(box.side * scale))
        left, top = round(box.left * scale), round(box.top * scale)
        # Only the part of the square that lies inside the frame is pasted.
        x0, y0 = max(0, left), max(0, top)
        x1, y1 = min(self.width, left + side), min(self.height, top + side)
        self._frame_region = (slice(y0, y1), slice(x0, x1))
        self._face_region = (slice(y0 - top, y1 - top), slice(x0 - left, x1 - left))
        self._side = side
        self._mask = self._feathered_mask(side)[self._face_region][..., None]
        self._background_part = self._background[self._frame_region].astype(np.float32)

    @staticmethod
    def _feathered_mask(side: int) -> np.ndarray:
        """1 in the middle of the square, fading to 0 at its edges."""
        feather = max(1.0, side * FEATHER_FRACTION)
        distance_to_edge = np.minimum(np.arange(side), np.arange(side)[::-1]).astype(np.float32)
        ramp = np.clip(distance_to_edge / feather, 0, 1)
        ramp = ramp * ramp * (3 - 2 * ramp)  # smoothstep: no visible seam where the fade starts
        return np.outer(ramp, ramp)

    def compose(self, animated: np.ndarray) -> np.ndarray:
        face = cv2.resize(animated, (self._side, self._side), interpolation=cv2.INTER_LINEAR)[self._face_region]
        frame = self._background.copy()
        blended = self._background_part + (face.astype(np.float32) - self._background_part) * self._mask
        frame[self._frame_region] = blended.astype(np.uint8)
        return frame

