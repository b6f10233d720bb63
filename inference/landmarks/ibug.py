"""Index groups of the 68-point iBUG landmark scheme, and the face measures built on them."""
from __future__ import annotations

import numpy as np

LANDMARK_COUNT = 68
JAW = np.arange(17)
OUTER_EYE_CORNERS = (36, 45)
# Points that move with the skull, not with expressions: upper jaw, nose, eye corners.
STABLE = np.array([0, 1, 2, 3, 13, 14, 15, 16, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 39, 42, 45])
OUTER_LIPS = np.arange(48, 60)
# The outer lip line from the left mouth corner to the right one, along the upper lip and along the lower.
OUTER_UPPER_LIP = np.arange(48, 55)
OUTER_LOWER_LIP = np.r_[48, 59:53:-1]
INNER_LIPS = np.arange(60, 68)
MOUTH_CORNERS = (60, 64)  # inner-lip corners
# Inner-lip points facing each other across the mouth: upper, lower.
INNER_LIP_PAIRS = np.array([[61, 67], [62, 66], [63, 65]])
# Each inner-lip point's neighbour on the outer lip, upper lip then lower.
INNER_TO_OUTER_LIP = {61: 50, 62: 51, 63: 52, 67: 58, 66: 57, 65: 56}


def face_scale(z: np.ndarray) -> np.ndarray:
    """Distance between the outer eye corners of complex landmarks (..., 68): blinks and smiles leave it alone."""
    return np.abs(z[..., OUTER_EYE_CORNERS[1]] - z[..., OUTER_EYE_CORNERS[0]])


def mouth_opening(z: np.ndarray) -> np.ndarray:
    """How far apart the inner lips are, in face scales (0 closed)."""
    upper, lower = z[..., INNER_LIP_PAIRS[:, 0]], z[..., INNER_LIP_PAIRS[:, 1]]
    return np.abs(lower - upper).mean(axis=-1) / face_scale(z)

