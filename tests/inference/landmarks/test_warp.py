"""The mesh and its piecewise-affine warp: exact where nothing moves, rigid where the head moves."""
from __future__ import annotations

import numpy as np
import pytest

from inference.animator import SourceFace
from inference.landmarks import ibug
from inference.landmarks.mesh import LOWER_GAP, UPPER_GAP, build_mesh
from inference.landmarks.motion import HeadMotion, TransferredMotion
from inference.landmarks.similarity import as_complex
from inference.landmarks.warp import PiecewiseAffineWarp
from synth.face import SINGER, Pose, draw_face
from tests.inference.landmarks.clips import CROP, detect

SHIFT_X, SHIFT_Y = 4, 3


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
