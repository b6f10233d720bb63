"""Output frames: plain frames, FOMM's crop pasted back over the head's mask, and the AI-generated label."""
import numpy as np
import pytest

from inference.compose import PasteBack, PlainFrames
from inference.face import SquareBox, landmarks, largest_face, square_around
from inference.label import Label
from inference.landmarks.head import HeadOutline, head_mask, head_outline
from inference.landmarks.similarity import as_complex
from synth.face import SINGER, Pose, draw_face


@pytest.fixture(scope="module")
def photo_and_head() -> tuple[np.ndarray, SquareBox, HeadOutline]:
    photo = draw_face(SINGER, Pose(scale=0.6, dx=-0.1), 300, 400)
    found = largest_face(photo)
    outline = head_outline(as_complex(landmarks(photo, found)), 400, 300)
    return photo, square_around(found), outline


def test_paste_back_shows_the_face_inside_the_head_and_the_photo_exactly_outside(photo_and_head):
    photo, box, head = photo_and_head
    composer = PasteBack(photo, box, head)
    frame = composer.compose(np.full((256, 256, 3), 220, np.uint8))
    assert (composer.width, composer.height) == (400, 300)
    mask = head_mask(head, 400, 300)
    assert (frame[mask == 0] == photo[mask == 0]).all()  # outside the head's edge, the photo as it is
    centre = np.round(head.ring.mean()).astype(complex)
    assert frame[int(centre.imag), int(centre.real)].tolist() == [220, 220, 220]


def test_head_mask_falls_smoothly_from_the_ring_to_the_edge(photo_and_head):
    _, _, head = photo_and_head
    mask = head_mask(head, 400, 300)
    assert mask.max() == 1 and mask.min() == 0
    # No step anywhere: neighbouring pixels differ by a small share of the fade.
    assert np.abs(np.diff(mask, axis=0)).max() < 0.1 and np.abs(np.diff(mask, axis=1)).max() < 0.1


def test_paste_back_scales_large_photos_to_the_output_limit():
    photo = np.full((1500, 2000, 3), 10, np.uint8)
    ring, edge = np.array([1800 + 100j, 1900 + 200j, 1800 + 300j]), np.array([1700 + 0j, 1999 + 200j, 1700 + 400j])
    head = HeadOutline(ring, edge, 100)
    composer = PasteBack(photo, SquareBox(1700, -200, 600), head, max_side=720)
    frame = composer.compose(np.full((256, 256, 3), 200, np.uint8))
    assert frame.shape == (540, 720, 3) and composer.width % 2 == 0 and composer.height % 2 == 0
    assert frame[72, 670, 0] == 200 and frame[500, 100, 0] == 10


def test_plain_frames_are_the_animated_crop():
    crop = np.random.default_rng(0).integers(0, 255, (256, 256, 3), dtype=np.uint8)
    assert np.array_equal(PlainFrames().compose(crop), crop)


def test_the_label_is_stamped_bottom_right_and_legible():
    frame = np.full((256, 256, 3), 128, np.uint8)
    Label("AI-generated", 256, 256).stamp(frame)
    corner, top_left = frame[200:, 120:], frame[:100, :100]
    assert (top_left == 128).all()
    assert (corner > 240).any() and (corner < 80).any()  # white text on a dark backdrop
