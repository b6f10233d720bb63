"""Smooth closed curves through landmark polygons, so painted shapes look round rather than cut from card."""
from __future__ import annotations

import numpy as np

# Curve samples from one landmark to the next.
STEPS_PER_POINT = 6


def _catmull_rom_weights(steps: int) -> np.ndarray:
    """Weights (steps, 4) of the previous, this, next and after-next point at even steps between two points."""
    t = np.arange(steps)[:, None] / steps
    return 0.5 * np.hstack([-t**3 + 2 * t**2 - t, 3 * t**3 - 5 * t**2 + 2, -3 * t**3 + 4 * t**2 + t, t**3 - t**2])


_WEIGHTS = _catmull_rom_weights(STEPS_PER_POINT)


def closed_curve(z: np.ndarray) -> np.ndarray:
    """A Catmull-Rom loop through complex points z (n,): (n * STEPS_PER_POINT,), point k at sample
    k * STEPS_PER_POINT."""
    neighbours = np.stack([np.roll(z, 1), z, np.roll(z, -1), np.roll(z, -2)], axis=1)  # (n, 4)
    return (neighbours @ _WEIGHTS.T).reshape(-1)
