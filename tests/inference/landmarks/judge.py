"""The issue's figures, measured on rendered frames by detecting their landmarks afresh: mouth amplitude and
timing against the template's, head roll error, and how still the photo stays outside the head."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference import face as detection
from inference.landmarks import ibug
from inference.landmarks.similarity import as_complex


def roll_degrees(landmarks: np.ndarray) -> np.ndarray:
    """Angle of the line through the eye centres, (frames, 68, 2) -> (frames,)."""
    z = as_complex(landmarks)
    return np.degrees(np.angle(z[..., 42:48].mean(axis=-1) - z[..., 36:42].mean(axis=-1)))


def frame_landmarks(frames: np.ndarray) -> np.ndarray:
    """Landmarks (frames, 68, 2) of the largest face in each frame, detected from scratch."""
    return np.stack([detection.landmarks(frame, detection.largest_face(frame)) for frame in frames])


@dataclass(frozen=True)
class Figures:
    """How well a rendered clip follows its template."""

    amplitude_ratio: float  # std of the rendered mouth opening / std of the template's
    timing: float  # Pearson r of the two openings over time
    roll_error: float  # mean |rendered roll change - template roll change|, degrees


def measure(template: np.ndarray, rendered: np.ndarray, initial_frame: int) -> Figures:
    """Compare a template's landmarks (frames, 68, 2) with those detected on the rendered frames."""
    driven, sung = ibug.mouth_opening(as_complex(template)), ibug.mouth_opening(as_complex(rendered))
    driven_roll = roll_degrees(template) - roll_degrees(template[initial_frame])
    sung_roll = roll_degrees(rendered) - roll_degrees(rendered[initial_frame])
    return Figures(float(sung.std() / driven.std()), float(np.corrcoef(driven, sung)[0, 1]),
                   float(np.abs(sung_roll - driven_roll).mean()))
