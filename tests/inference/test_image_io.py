"""Reading user photos: what is accepted, and the message for what is not."""
import numpy as np
import pytest
from PIL import Image

from inference.errors import InputError
from inference.image_io import load_photo


def test_a_photo_loads_as_upright_rgb(tmp_path):
    path = tmp_path / "rotated.jpg"
    image = Image.new("RGB", (40, 20), (200, 10, 10))
    exif = image.getexif()
    exif[0x0112] = 6  # EXIF orientation: rotate 90 degrees clockwise to display
    image.save(path, exif=exif)
    photo = load_photo(path)
    assert photo.shape == (40, 20, 3) and photo.dtype == np.uint8


def test_not_an_image_is_refused_in_plain_words(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("hello")
    with pytest.raises(InputError, match="not an image"):
        load_photo(path)


def test_an_animated_image_is_refused(tmp_path):
    path = tmp_path / "anim.gif"
    frames = [Image.new("RGB", (16, 16), colour) for colour in ((255, 0, 0), (0, 255, 0))]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    with pytest.raises(InputError, match="animated"):
        load_photo(path)


def test_a_decompression_bomb_is_refused_before_decoding(tmp_path):
    path = tmp_path / "bomb.png"
    Image.new("L", (12_000, 12_000)).save(path)  # a few hundred KB on disk, 144 megapixels decoded
    with pytest.raises(InputError, match="too many pixels"):
        load_photo(path)


def test_an_oversized_file_is_refused(tmp_path):
    path = tmp_path / "big.png"
    noise = np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    Image.fromarray(noise).save(path)
    with pytest.raises(InputError, match="MB"):
        load_photo(path, max_bytes=100)


def test_a_truncated_image_says_it_is_damaged(tmp_path, demo_photo):
    path = tmp_path / "cut.png"
    path.write_bytes(demo_photo.read_bytes()[:5000])
    with pytest.raises(InputError, match="damaged|not an image"):
        load_photo(path)
