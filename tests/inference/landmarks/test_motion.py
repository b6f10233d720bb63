"""Relative motion transfer and the robust head fit, on the drawn singer's landmarks moved by hand."""
from __future__ import annotations

import numpy as np
import pytest

from inference.animator import SourceFace
from inference.landmarks import ibug
from inference.landmarks.motion import transfer_motion
from inference.landmarks.similarity import Similarity, as_complex, fit_similarity

LOWER_LIP = np.r_[55:60, 65:68]


def turned(z: np.ndarray, degrees: float, centre: complex, scale: float = 1.0) -> np.ndarray:
    return centre + scale * np.exp(1j * np.radians(degrees)) * (z - centre)


def head_fit(source: np.ndarray, moved: np.ndarray) -> Similarity:
    return fit_similarity(source[ibug.STABLE], moved[ibug.STABLE], tolerance=1.0)


@pytest.fixture
def source(singer: SourceFace) -> np.ndarray:
    return as_complex(singer.landmarks)


def test_still_clip_leaves_the_source_in_place(source: np.ndarray) -> None:
    driving = np.repeat(turned(source, 7, 100, 0.6)[None], 5, axis=0)
    assert np.allclose(transfer_motion(source, driving, 2).landmarks, source, atol=1e-9)


def test_head_roll_and_shift_replay_on_the_source(source: np.ndarray) -> None:
    # A driving face half the source's size, off to one side, that rolls and moves right.
    initial = turned(source, 0, 0, 0.5) + 40
    centre = initial[ibug.STABLE].mean()
    driving = np.stack([initial, turned(initial, 10, centre) + 6, turned(initial, -8, centre) - 3j])
    moved = transfer_motion(source, driving, 0).landmarks
    for frame, (degrees, shift) in enumerate([(0, 0), (10, 12), (-8, -6j)], start=0):
        head = head_fit(source, moved[frame])
        assert np.degrees(np.angle(head.scale_rotation)) == pytest.approx(degrees, abs=1e-6)
        assert abs(head.scale_rotation) == pytest.approx(1, abs=1e-9)
        # Turned about its own head centre, moved twice as far as the half-size driving head.
        source_centre = source[ibug.STABLE].mean()
        assert moved[frame][ibug.STABLE].mean() - source_centre == pytest.approx(shift, abs=1e-6)


def test_expression_is_scaled_and_turned_into_the_source_head(source: np.ndarray) -> None:
    # The driving face lies on its side at a third of the size: its head-down is the image's left.
    initial = turned(source, 90, 128, 1 / 3)
    opened = initial.copy()
    opened[LOWER_LIP] += -5  # lower lip down the driving head, 5 px
    moved = transfer_motion(source, np.stack([initial, opened]), 0).landmarks[1]
    assert np.allclose(moved[LOWER_LIP] - source[LOWER_LIP], 15j, atol=1e-6)  # down the upright source, 15 px
    assert np.allclose(np.delete(moved, LOWER_LIP), np.delete(source, LOWER_LIP), atol=1e-6)


def test_lips_closing_past_the_source_never_cross(source: np.ndarray) -> None:
    opened_source = source.copy()
    opened_source[LOWER_LIP] += 10j
    shut = source.copy()
    shut[LOWER_LIP] -= 30j  # the driving lower lip rises far past the upper
    moved = transfer_motion(opened_source, np.stack([source, shut]), 0).landmarks[1]
    upper, lower = moved[ibug.INNER_LIP_PAIRS[:, 0]], moved[ibug.INNER_LIP_PAIRS[:, 1]]
    eye_line = source[45] - source[36]
    head_down = 1j * eye_line / abs(eye_line)
    assert (((lower - upper) / head_down).real >= -1e-9).all()


def test_head_fit_ignores_a_misplaced_point(source: np.ndarray) -> None:
    moved = turned(source, 5, 120, 1.1)
    moved[ibug.STABLE[0]] += 25 + 25j  # one landmark badly off
    head = head_fit(source, moved)
    assert head.scale_rotation == pytest.approx(1.1 * np.exp(1j * np.radians(5)), abs=1e-3)


def with_gap(z: np.ndarray, gap: float) -> np.ndarray:
    """Upright landmarks (68,) with each lower inner lip point `gap` face scales below its upper one."""
    opened = z.copy()
    opened[ibug.INNER_LIP_PAIRS[:, 1]] = z[ibug.INNER_LIP_PAIRS[:, 0]] + 1j * gap * ibug.face_scale(z)
    return opened


def test_a_clip_whose_shut_mouth_reads_parted_still_closes_the_photos(source: np.ndarray) -> None:
    # A detector reading the clip's shut lips 0.08 face scales apart, its widest note 0.3 apart.
    clip = np.stack([with_gap(source, gap) for gap in (0.08, 0.2, 0.3, 0.08)])
    sung = ibug.mouth_opening(transfer_motion(with_gap(source, 0.1), clip, 0).landmarks)
    assert sung[[0, 3]] == pytest.approx(0, abs=1e-9)  # shut, though the photo's mouth is open
    assert sung[2] == pytest.approx(0.3)  # the widest as wide as read
    assert sung[1] == pytest.approx(0.3 * 0.12 / 0.22)  # between, stretched to match


def test_a_clip_that_never_shuts_its_mouth_is_sung_as_read(source: np.ndarray) -> None:
    clip = np.stack([with_gap(source, gap) for gap in (0.15, 0.3, 0.2)])
    sung = ibug.mouth_opening(transfer_motion(with_gap(source, 0.1), clip, 0).landmarks)
    assert sung == pytest.approx([0.15, 0.3, 0.2])
