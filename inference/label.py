"""The visible "AI-generated" label stamped in a corner of every output frame."""
from __future__ import annotations

import numpy as np

DEFAULT_LABEL = "AI-generated"
# Text height as a fraction of the frame's shorter side; readable on a phone, small enough not to hide the face.
LABEL_HEIGHT_FRACTION = 0.045
LABEL_MIN_HEIGHT = 9
LABEL_BACKDROP_OPACITY = 0.55


class Label:
    """A pre-rendered label patch blended into the bottom-right corner of each frame."""

    def __init__(self, text: str, width: int, height: int) -> None:
        import cv2  # here, so reading DEFAULT_LABEL (the bot does) does not load cv2

        font = cv2.FONT_HERSHEY_SIMPLEX
        text_height = max(LABEL_MIN_HEIGHT, round(min(width, height) * LABEL_HEIGHT_FRACTION))
        scale = cv2.getFontScaleFromHeight(font, text_height, 1)
        thickness = max(1, round(text_height / 12))
        (text_width, _), baseline = cv2.getTextSize(text, font, scale, thickness)
        pad = max(2, text_height // 3)
        patch_h = min(height, text_height + baseline + 2 * pad)
        patch_w = min(width, text_width + 2 * pad)
        ink = np.zeros((patch_h, patch_w), np.uint8)
        cv2.putText(ink, text, (pad, pad + text_height), font, scale, 255, thickness, cv2.LINE_AA)
        # White text on a translucent dark backdrop stays legible on any background.
        self._alpha = np.maximum(ink / 255.0, LABEL_BACKDROP_OPACITY)[..., None].astype(np.float32)
        self._colour = np.repeat(ink[..., None], 3, axis=2).astype(np.float32)
        top, left = max(0, height - patch_h - pad), max(0, width - patch_w - pad)
        self._rows, self._cols = slice(top, top + patch_h), slice(left, left + patch_w)

    def stamp(self, frame: np.ndarray) -> np.ndarray:
        """Blend the label into a uint8 RGB frame in place and return it."""
        region = frame[self._rows, self._cols].astype(np.float32)
        frame[self._rows, self._cols] = (region * (1 - self._alpha) + self._colour * self._alpha).astype(np.uint8)
        return frame
