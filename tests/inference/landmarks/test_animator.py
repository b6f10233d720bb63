"""LandmarkAnimator end to end: drawn singer, drawn conductor's clip, real dlib landmarks on both sides."""
from __future__ import annotations

import numpy as np
import pytest

from inference.animator import SourceFace
from inference.landmarks import LandmarkAnimator, ibug
from inference.landmarks.similarity import as_complex
from tests.inference.landmarks.clips import BATCH_SIZE, CROP, ClipMotion
from tests.inference.landmarks.judge import roll_degrees

# Detection on drawn faces wobbles by a degree or two; the head must follow well within that.
ROLL_TOLERANCE_DEGREES = 4.0
MIN_MOUTH_CORRELATION = 0.8


def render(face: SourceFace, motion: ClipMotion, initial_frame: int) -> np.ndarray:
    return np.concatenate(list(LandmarkAnimator().animate(face, motion, initial_frame)))


def test_yields_every_frame_in_batches(batches: list[np.ndarray], driving: ClipMotion) -> None:
    assert all(batch.dtype == np.uint8 and batch.shape[1:] == (CROP, CROP, 3) for batch in batches)
    assert [len(batch) for batch in batches[:-1]] == [BATCH_SIZE] * (len(batches) - 1)
    assert sum(len(batch) for batch in batches) == driving.frame_count


def test_mouth_follows_the_driving_mouth(driving: ClipMotion, rendered_landmarks: np.ndarray) -> None:
    driven = ibug.mouth_opening(as_complex(driving.landmarks()))
    sung = ibug.mouth_opening(as_complex(rendered_landmarks))
    assert np.corrcoef(driven, sung)[0, 1] >= MIN_MOUTH_CORRELATION
    assert sung.max() > 2 * sung.min()  # it really opens and closes


def test_head_rolls_with_the_driving_head(singer: SourceFace, driving: ClipMotion,
                                          rendered_landmarks: np.ndarray) -> None:
    driven = roll_degrees(driving.landmarks()) - roll_degrees(driving.landmarks()[:1])
    sung = roll_degrees(rendered_landmarks) - roll_degrees(singer.landmarks[None])
    assert np.abs(driven).max() > 8  # the clip does roll
    assert np.abs(sung - driven).mean() <= ROLL_TOLERANCE_DEGREES


def shut_mouth(landmarks: np.ndarray) -> np.ndarray:
    """Landmarks (68, 2) with the lower inner lip pressed onto the upper one."""
    shut = landmarks.copy()
    shut[ibug.INNER_LIP_PAIRS[:, 1]] = landmarks[ibug.INNER_LIP_PAIRS[:, 0]]
    return shut


def test_initial_frame_with_the_photos_own_face_reproduces_the_source(singer: SourceFace, driving: ClipMotion) -> None:
    # A clip that shuts its mouth fully somewhere (lip gap 0) has its gaps taken as read (see motion._sung_gaps).
    frames = np.concatenate([driving.clip_frames[:4], singer.crop[None], driving.clip_frames[3:8]])
    landmarks = np.concatenate([driving.landmarks()[:4], singer.landmarks[None],
                                shut_mouth(driving.landmarks()[3])[None], driving.landmarks()[4:8]])
    clip = ClipMotion(frames, landmarks)
    frames = render(singer, clip, initial_frame=4)
    assert np.abs(frames[4].astype(int) - singer.crop).max() <= 1


def test_still_template_gives_a_still_output(singer: SourceFace, driving: ClipMotion) -> None:
    still = driving.subclip(np.zeros(12, int))
    frames = render(singer, still, initial_frame=3)
    assert (frames == frames[0]).all()


def test_initial_frame_outside_the_clip_is_refused(singer: SourceFace, driving: ClipMotion) -> None:
    with pytest.raises(ValueError):
        render(singer, driving, driving.frame_count)
