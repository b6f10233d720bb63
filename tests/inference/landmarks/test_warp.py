"""The mesh and its piecewise-affine warp: exact where nothing moves, rigid where the head moves."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from scipy.spatial import ConvexHull

from inference.animator import SourceFace
from inference.landmarks import ibug
from inference.landmarks.mesh import LOWER_GAP, UPPER_GAP, build_mesh
from inference.landmarks.motion import HeadMotion, TransferredMotion
from inference.landmarks.similarity import as_complex
from inference.landmarks.warp import PiecewiseAffineWarp
from synth.face import SINGER, Pose, draw_face
from synth.photos import astronaut
from tests.inference.landmarks.clips import CROP, detect

SHIFT_X, SHIFT_Y = 4, 3


@pytest.fixture(scope="module")
def astronaut_landmarks() -> np.ndarray:
    """dlib's landmarks (complex (68,)) of the astronaut's smile, teeth showing."""
    return as_complex(detect(astronaut()))


def test_unmoved_mesh_reproduces_the_image(singer: SourceFace) -> None:
    mesh = build_mesh(as_complex(singer.landmarks), CROP, CROP)
    assert (PiecewiseAffineWarp(singer.crop, mesh)(mesh.points) == singer.crop).all()


def test_head_moves_as_a_unit_and_the_border_stays(singer: SourceFace) -> None:
    source = as_complex(singer.landmarks)
    mesh = build_mesh(source, CROP, CROP)
    shift = complex(SHIFT_X, SHIFT_Y)
    head = HeadMotion(complex(source.mean()), np.ones(1, complex), np.array([shift]))
    placed = mesh.place(TransferredMotion(source[None] + shift, head))[0]
    out = PiecewiseAffineWarp(singer.crop, mesh)(placed).astype(int)
    left, top = np.floor(singer.landmarks.min(axis=0)).astype(int)
    right, bottom = np.ceil(singer.landmarks.max(axis=0)).astype(int)
    moved_face = out[top + SHIFT_Y : bottom + SHIFT_Y, left + SHIFT_X : right + SHIFT_X]
    assert np.abs(moved_face - singer.crop[top:bottom, left:right]).max() <= 1
    for edge in (np.s_[0], np.s_[-1], np.s_[:, 0], np.s_[:, -1]):
        assert (out[edge] == singer.crop[edge]).all()


@pytest.mark.parametrize("mouth_open", [0.0, 0.6])
def test_mesh_joins_upper_and_lower_mouth_only_across_the_gap(mouth_open: float) -> None:
    image = draw_face(SINGER, Pose(mouth_open=mouth_open), CROP, CROP)
    triangles = build_mesh(as_complex(detect(image)), CROP, CROP).triangles
    upper_lip, lower_lip = set(ibug.INNER_LIP_PAIRS[:, 0]), set(ibug.INNER_LIP_PAIRS[:, 1])
    upper_half, lower_half = upper_lip | set(UPPER_GAP), lower_lip | set(LOWER_GAP)
    for triangle in map(set, triangles.tolist()):
        assert not (triangle & upper_lip and triangle & lower_half)
        assert not (triangle & lower_lip and triangle & upper_half)


MOUTH_ROWS = [np.r_[48, 49:55], np.r_[60:65], np.r_[60, UPPER_GAP, 64], np.r_[60, LOWER_GAP, 64],
              np.r_[60, 67, 66, 65, 64], np.r_[48, 59:54:-1, 54]]


def test_every_lip_line_is_a_mesh_edge_and_the_triangles_tile_the_mesh(astronaut_landmarks: np.ndarray) -> None:
    mesh = build_mesh(astronaut_landmarks, 512, 512)
    edges = {frozenset(edge) for t in mesh.triangles.tolist() for edge in ((t[0], t[1]), (t[1], t[2]), (t[0], t[2]))}
    assert all(frozenset(edge) in edges for row in MOUTH_ROWS for edge in zip(row[:-1], row[1:], strict=True))
    # No triangle overlaps another and none is missing: their areas add up to the hull's.
    corners = mesh.points[mesh.triangles]
    areas = np.abs(((corners[:, 1] - corners[:, 0]).conjugate() * (corners[:, 2] - corners[:, 0])).imag) / 2
    hull = ConvexHull(np.stack([mesh.points.real, mesh.points.imag], axis=1))
    assert areas.sum() == pytest.approx(hull.volume, rel=1e-9)


MARKER = (0, 255, 0)


def marked_teeth(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """The image with its teeth (bright, colourless pixels inside the inner lips of complex landmarks (68,))
    painted in the marker colour."""
    inside = np.zeros(image.shape[:2], np.uint8)
    lips = landmarks[ibug.INNER_LIPS]
    cv2.fillPoly(inside, [np.round(np.stack([lips.real, lips.imag], axis=1)).astype(np.int32)], 1)
    hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV)
    marked = image.copy()
    marked[(hsv[..., 2] > 200) & (hsv[..., 1] < 60) & (inside > 0)] = MARKER
    return marked


def test_a_smile_shut_shows_none_of_its_teeth(astronaut_landmarks: np.ndarray) -> None:
    image = marked_teeth(astronaut(), astronaut_landmarks)
    mesh = build_mesh(astronaut_landmarks, *image.shape[1::-1])
    shut = astronaut_landmarks.copy()
    shut[ibug.INNER_LIP_PAIRS[:, 1]] = shut[ibug.INNER_LIP_PAIRS[:, 0]]  # lower inner lip pressed onto the upper
    still = HeadMotion(complex(astronaut_landmarks.mean()), np.ones(1, complex), np.zeros(1, complex))
    out = PiecewiseAffineWarp(image, mesh)(mesh.place(TransferredMotion(shut[None], still))[0])

    def teeth(frame: np.ndarray) -> int:
        return int((np.abs(frame.astype(int) - MARKER).max(axis=-1) < 60).sum())

    # She smiles with about a hundred pixels of teeth; shut, a few rounded edge pixels may remain (the
    # triangulation that let lip triangles span the mouth left 28).
    assert teeth(image) > 80
    assert teeth(out) <= 5
