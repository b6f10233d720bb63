"""Drawn test media: the conductor's clip as a template holds it (frames and landmark cache), and dlib detection."""
from __future__ import annotations

from collections.abc import Iterator
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
    """The landmark animator's side of a DrivingMotion, as a template holds it: its cropped frames and their
    landmarks."""

    clip_frames: np.ndarray  # (frames, 256, 256, 3) uint8
    clip_landmarks: np.ndarray  # (frames, 68, 2) float32
    fps: float = FPS

    @property
    def frame_count(self) -> int:
        return len(self.clip_landmarks)

    def landmarks(self) -> np.ndarray:
        return self.clip_landmarks

    def frames(self, batch_size: int) -> Iterator[np.ndarray]:
        for start in range(0, len(self.clip_frames), batch_size):
            yield self.clip_frames[start : start + batch_size]

    def subclip(self, frames: np.ndarray) -> ClipMotion:
        """The clip made of the given frame indices, in that order."""
        return ClipMotion(self.clip_frames[frames], self.clip_landmarks[frames], self.fps)


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
