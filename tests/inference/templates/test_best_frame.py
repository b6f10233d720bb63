"""Best-frame alignment on an ingested template: the frame chosen has the photo's head pose."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from inference.alignment import best_frame
from inference.render import prepare_photo
from inference.templates.ingest import IngestLimits, ingest
from synth.face import SINGER, Pose, draw_face
from tests.inference.templates import clips

MOUTHS = (0.0, 0.2, 0.4, 0.6)
ROLLS = (-12.0, -4.0, 4.0, 12.0)
# Every (mouth, roll) once, shuffled so that neighbouring frames differ in both.
POSES = [Pose(mouth_open=m, roll_degrees=r, scale=0.8)
         for m, r in np.random.default_rng(3).permutation(list(itertools.product(MOUTHS, ROLLS)))]


@pytest.fixture(scope="module")
def poses_template(tmp_path_factory):
    """A clip of the conductor taking each pose for one frame, ingested."""
    folder = tmp_path_factory.mktemp("poses")
    frames = clips.posed_frames(lambda t: POSES[round(t * 25)], len(POSES) / 25, 25.0, (224, 224))
    video = clips.write_clip(folder / "poses.mp4", frames, 25.0)
    # One frame a pose: shorter than a real template may be.
    return ingest(video, folder / "library" / "poses", "poses", limits=IngestLimits(min_duration=0.1))


@pytest.mark.parametrize("target", range(len(POSES)))
def test_the_frame_with_the_photos_head_pose_is_chosen(poses_template, target):
    pose = POSES[target]
    # Another person, larger and off-centre in a landscape photo, in the same pose.
    elsewhere = Pose(mouth_open=pose.mouth_open, roll_degrees=pose.roll_degrees, dx=0.1, dy=0.03, scale=0.9)
    photo = draw_face(SINGER, elsewhere, 360, 480)
    source = prepare_photo(photo).face
    assert poses_template.frame_count == len(POSES)
    # The head's roll is matched every time; the mouth's opening is not reliably (the official whole-face distance
    # weighs it little, and it chose a wrong opening for 5 of these 16 photos with the old drawn mouth, 11 with the
    # new one). It does not need to be: the animator takes the lip gaps from each template frame as they are.
    assert POSES[best_frame(source.landmarks, poses_template.landmarks())].roll_degrees == pose.roll_degrees
