"""Drawn test media: the conductor's clip as a template's landmark cache holds it, and dlib detection."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference import face as detection
from synth.face import Pose

CROP = 256
FRAMES = 32
FPS = 25.0
# The conductor sings two notes per clip, rolls his head once each way and sways side to side.
MOUTH_PERIOD, ROLL_DEGREES, SWAY = 16, 12.0, 0.03
BATCH_SIZE = 8


@dataclass(frozen=True)
class ClipMotion:
    """The landmark side of a DrivingMotion, as a template's cache holds it."""

    clip_landmarks: np.ndarray  # (frames, 68, 2) float32
    fps: float = FPS

    @property
    def frame_count(self) -> int:
        return len(self.clip_landmarks)

    def landmarks(self) -> np.ndarray:
        return self.clip_landmarks


def detect(image: np.ndarray) -> np.ndarray:
    """The 68 landmarks of the largest face in an image."""
    return detection.landmarks(image, detection.largest_face(image))


def conductor_pose(frame: int) -> Pose:
    """The drawn conductor's pose in one frame of the clip."""
    t = frame / FRAMES
    return Pose(
        mouth_open=0.5 - 0.5 * np.cos(2 * np.pi * frame / MOUTH_PERIOD),
        roll_degrees=ROLL_DEGREES * np.sin(2 * np.pi * t),
        dx=SWAY * np.sin(4 * np.pi * t),
    )
