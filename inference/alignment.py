"""Best-frame alignment, as the official demo's --find_best_frame: the driving frame whose face shape matches the
photo's."""
from __future__ import annotations

import numpy as np
from scipy.spatial import ConvexHull


def normalized_landmarks(points: np.ndarray) -> np.ndarray:
    """Landmarks centred on their mean and divided by the square root of their convex hull's area."""
    centred = points - points.mean(axis=-2, keepdims=True)
    return centred / np.sqrt(ConvexHull(centred).volume)  # in 2-D the hull's "volume" is its area


def best_frame(source_landmarks: np.ndarray, driving_landmarks: np.ndarray) -> int:
    """Index of the driving frame closest to the source in normalised landmark space."""
    source = normalized_landmarks(source_landmarks.astype(np.float64))
    driving = np.stack([normalized_landmarks(frame.astype(np.float64)) for frame in driving_landmarks])
    return int(np.argmin(((driving - source) ** 2).sum(axis=(1, 2))))
