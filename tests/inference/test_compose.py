"""Output frames: plain crops, paste-back into the photo, and the AI-generated label."""
import numpy as np

from inference.compose import PasteBack, PlainFrames
from inference.face import SquareBox
from inference.label import Label


def test_paste_back_keeps_the_photo_outside_the_face_and_the_face_inside():
    photo = np.full((300, 400, 3), 40, np.uint8)
    composer = PasteBack(photo, SquareBox(100, 50, 200))
    frame = composer.compose(np.full((256, 256, 3), 220, np.uint8))
    assert (composer.width, composer.height) == (400, 300)
    assert frame[10, 10].tolist() == [40, 40, 40]  # background untouched
    assert frame[150, 200].tolist() == [220, 220, 220]  # centre of the face fully pasted
    edge = frame[150, 102, 0]
    assert 40 <= edge < 220 and edge < frame[150, 150, 0]  # feathered towards the border of the square


def test_paste_back_handles_a_square_past_the_photo_edge_and_large_photos():
    photo = np.full((1500, 2000, 3), 10, np.uint8)
    composer = PasteBack(photo, SquareBox(1700, -200, 600), max_side=720)
    frame = composer.compose(np.full((256, 256, 3), 200, np.uint8))
    assert frame.shape == (540, 720, 3) and composer.width % 2 == 0 and composer.height % 2 == 0
    assert frame[60, 700, 0] == 200


def test_plain_frames_are_the_animated_crop():
    crop = np.random.default_rng(0).integers(0, 255, (256, 256, 3), dtype=np.uint8)
    assert np.array_equal(PlainFrames().compose(crop), crop)


def test_the_label_is_stamped_bottom_right_and_legible():
    frame = np.full((256, 256, 3), 128, np.uint8)
    Label("AI-generated", 256, 256).stamp(frame)
    corner, top_left = frame[200:, 120:], frame[:100, :100]
    assert (top_left == 128).all()
    assert (corner > 240).any() and (corner < 80).any()  # white text on a dark backdrop
