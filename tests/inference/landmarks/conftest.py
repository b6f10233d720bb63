"""A drawn singer and a drawn conductor's clip, their landmarks detected by dlib as a real template's are."""
from __future__ import annotations

import numpy as np
import pytest

from inference.animator import SourceFace
from inference.landmarks import LandmarkAnimator
from synth.face import CONDUCTOR, SINGER, Pose, draw_face
from tests.inference.landmarks.clips import BATCH_SIZE, CROP, FRAMES, ClipMotion, conductor_pose, detect


@pytest.fixture(scope="session")
def singer() -> SourceFace:
    image = draw_face(SINGER, Pose(), CROP, CROP)
    return SourceFace(image, detect(image))


@pytest.fixture(scope="session")
def driving() -> ClipMotion:
    frames = np.stack([draw_face(CONDUCTOR, conductor_pose(i), CROP, CROP) for i in range(FRAMES)])
    return ClipMotion(frames, np.stack([detect(frame) for frame in frames]))


@pytest.fixture(scope="session")
def batches(singer: SourceFace, driving: ClipMotion) -> list[np.ndarray]:
    return list(LandmarkAnimator(batch_size=BATCH_SIZE).animate(singer, driving, initial_frame=0))


@pytest.fixture(scope="session")
def rendered_landmarks(batches: list[np.ndarray]) -> np.ndarray:
    return np.stack([detect(frame) for frame in np.concatenate(batches)])
