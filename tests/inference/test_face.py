"""Face detection, landmarks and the FOMM crop on drawn faces."""
import numpy as np
import pytest

from inference.errors import InputError
from inference.face import CROP_SIZE, crop_square, detect_faces, landmarks, largest_face, square_around
from synth.face import CONDUCTOR, SINGER, Pose, draw_face
from synth.photos import astronaut


def test_the_largest_face_is_chosen():
    photo = np.concatenate([draw_face(SINGER, Pose(scale=0.5), 400, 400), draw_face(CONDUCTOR, Pose(), 400, 400)], axis=1)
    faces = detect_faces(photo)
    assert len(faces) == 2
    assert largest_face(photo).left > 400  # the full-size conductor on the right


def test_landmarks_sit_on_the_drawn_features():
    photo = draw_face(SINGER, Pose(mouth_open=1.0), 512, 512)
    points = landmarks(photo, largest_face(photo))
    mouth_gap = points[66, 1] - points[62, 1]
    eye_line = points[36:48, 1].mean()
    assert points.shape == (68, 2)
    assert mouth_gap > 20  # the mouth is drawn wide open
    assert eye_line < points[48:68, 1].min()  # eyes above the mouth


def test_no_face_is_a_clear_error():
    with pytest.raises(InputError, match="couldn't find a face"):
        largest_face(np.full((300, 300, 3), 127, np.uint8))


def test_a_long_thin_strip_is_a_clear_error_not_a_crash():
    with pytest.raises(InputError, match="couldn't find a face"):
        largest_face(np.full((1, 3000, 3), 127, np.uint8))


def test_a_tiny_face_is_a_clear_error():
    photo = draw_face(SINGER, Pose(scale=0.2), 480, 480)
    with pytest.raises(InputError, match="too small"):
        largest_face(photo, min_side=100)


def test_the_crop_is_square_and_pads_past_the_border():
    photo = draw_face(SINGER, Pose(dx=0.4), 400, 400)  # head half out of the picture on the right
    box = square_around(largest_face(photo))
    crop = crop_square(photo, box)
    assert crop.shape == (CROP_SIZE, CROP_SIZE, 3)
    assert box.left + box.side > 400  # reaches past the right edge and is padded, not shrunk


def test_a_small_face_in_a_big_phone_photo_is_found():
    pytest.importorskip("skimage")
    canvas = np.full((3000, 4000, 3), 120, np.uint8)
    canvas[1500:2012, 2500:3012] = astronaut()  # her face is about 90 px across
    found = largest_face(canvas)
    assert 2600 < found.center[0] < 2800 and 1550 < found.center[1] < 1700
    assert 80 < found.side < 130
