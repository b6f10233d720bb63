"""The inside of an opened mouth is the template's own (here a drawn conductor whose mouth shows a row of teeth that
brightens and dims from frame to frame), relit and blended softly at the lips."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from inference.animator import SourceFace
from inference.landmarks import LandmarkAnimator, ibug
from inference.landmarks.similarity import as_complex
from tests.inference.landmarks.clips import ClipMotion, detect

# Frames whose template mouth is open at least this wide (face scales) show an inside worth measuring.
OPEN = 0.15
# Upper teeth hang this share of the way down the template's opening.
TEETH_SHARE = 0.35
# Grey levels of the template's teeth: below white, so relighting a brighter photo leaves room to brighten them.
TEETH_BRIGHTNESS = (90, 180)
SEED = 11
# The teeth are the brightest few of the inside's pixels.
TEETH_PERCENTILE = 95


def polygon_mask(points: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(points).astype(np.int32)], 255)
    return mask


def inner_mouth(landmarks: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The inside of the inner lips, a pixel clear of them."""
    return cv2.erode(polygon_mask(landmarks[ibug.INNER_LIPS], shape), np.ones((3, 3), np.uint8))


def grey(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(float)


@pytest.fixture(scope="module")
def toothy(driving: ClipMotion) -> tuple[ClipMotion, np.ndarray]:
    """The conductor's clip with upper teeth drawn into each open mouth, their brightness random per frame."""
    brightness = np.random.default_rng(SEED).uniform(*TEETH_BRIGHTNESS, driving.frame_count)
    frames = driving.clip_frames.copy()
    for frame, landmarks, level in zip(frames, driving.landmarks(), brightness, strict=True):
        inside = inner_mouth(landmarks, frame.shape[:2])
        upper, lower = landmarks[62, 1], landmarks[66, 1]
        inside[int(upper + TEETH_SHARE * (lower - upper)) :] = 0
        frame[inside > 0] = level
    return ClipMotion(frames, driving.landmarks(), driving.fps), brightness


@pytest.fixture(scope="module")
def sung(singer: SourceFace, toothy: tuple[ClipMotion, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    clip, _ = toothy
    frames = np.concatenate(list(LandmarkAnimator().animate(singer, clip, initial_frame=0)))
    return frames, np.stack([detect(frame) for frame in frames])


def open_frames(clip: ClipMotion) -> np.ndarray:
    return np.flatnonzero(ibug.mouth_opening(as_complex(clip.landmarks())) >= OPEN)


def test_the_inside_is_the_templates_teeth_and_throat(toothy, sung) -> None:
    clip, brightness = toothy
    frames, landmarks = sung
    shown = open_frames(clip)
    assert len(shown) >= 8
    inside = [grey(frames[i])[inner_mouth(landmarks[i], frames.shape[1:3]) > 0] for i in shown]
    # Not a painted colour: teeth above a dark throat...
    assert all(pixels.std() > 20 for pixels in inside)
    # ...as bright, frame by frame, as the template's own teeth (the brightest of the inside).
    teeth = [np.percentile(pixels, TEETH_PERCENTILE) for pixels in inside]
    assert np.corrcoef(teeth, brightness[shown])[0, 1] > 0.8


def test_the_inside_is_dark_below_the_teeth(toothy, sung) -> None:
    clip, _ = toothy
    frames, landmarks = sung
    for i in open_frames(clip):
        throat = inner_mouth(landmarks[i], frames.shape[1:3])
        upper, lower = landmarks[i, 62, 1], landmarks[i, 66, 1]
        throat[: int(np.ceil(upper + 0.6 * (lower - upper)))] = 0
        cheek = polygon_mask(landmarks[i, [1, 2, 3, 31, 30, 29, 28]], frames.shape[1:3])
        assert grey(frames[i])[throat > 0].mean() < 0.5 * grey(frames[i])[cheek > 0].mean()


def test_the_lips_meet_the_inside_without_a_seam(toothy, sung) -> None:
    clip, _ = toothy
    frames, landmarks = sung
    for i in open_frames(clip):
        image = grey(frames[i])
        # Down the middle of the lower lip into the throat: from the lip's body to well inside the mouth.
        x = int(round(landmarks[i, 66, 0]))
        top, bottom = int(landmarks[i, 62, 1] + 0.6 * (landmarks[i, 66, 1] - landmarks[i, 62, 1])), \
            int(landmarks[i, 57, 1])
        column = image[top : bottom + 1, x]
        contrast = column.max() - column.min()
        assert contrast > 40  # dark inside, lit lip
        # A pasted-in inside would step across the lip line in one pixel; a blended one takes several.
        assert np.abs(np.diff(column)).max() < 0.5 * contrast
