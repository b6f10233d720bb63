"""Real photos for tests and docs: scikit-image's bundled astronaut portrait (scikit-image is in the test extra),
and any photo turned on a larger canvas."""
from __future__ import annotations

import cv2
import numpy as np

# The turned variant's roll, degrees.
TURN_DEGREES = 12


def astronaut() -> np.ndarray:
    """The astronaut portrait (512x512 RGB) that ships inside scikit-image."""
    from skimage import data  # only where a real portrait is wanted

    return data.astronaut()


def turned(photo: np.ndarray, degrees: float = TURN_DEGREES) -> np.ndarray:
    """The photo rotated about its centre on a larger canvas of its own mean colour, so nothing is cut off."""
    height, width = photo.shape[:2]
    side = int(np.hypot(height, width))
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    matrix[:, 2] += [(side - width) / 2, (side - height) / 2]
    fill = tuple(float(c) for c in photo.reshape(-1, 3).mean(axis=0))
    return cv2.warpAffine(photo, matrix, (side, side), borderMode=cv2.BORDER_CONSTANT, borderValue=fill)
