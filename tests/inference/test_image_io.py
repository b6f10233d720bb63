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
    with pytest.raises(InputError, match="too large"):
        load_photo(path, max_bytes=100)


def test_a_truncated_image_says_it_is_damaged(tmp_path, demo_photo):
    path = tmp_path / "cut.png"
    path.write_bytes(demo_photo.read_bytes()[:5000])
    with pytest.raises(InputError, match="damaged|not an image"):
        load_photo(path)


def _saved_in_mode(demo_photo, tmp_path, mode: str):
    """The demo photo converted to `mode` the way another app would save it; the grey or colour it should read as."""
    rgb = Image.open(demo_photo).convert("RGB")
    grey = np.asarray(rgb.convert("L"))
    match mode:
        case "I;16":
            image, suffix = Image.fromarray((grey.astype(np.uint16) * 257)), ".png"
        case "I":
            image, suffix = Image.fromarray((grey.astype(np.int32) * 257)), ".tiff"
        case "F":
            image, suffix = Image.fromarray((grey / 255.0).astype(np.float32)), ".tiff"
        case "LA":
            image, suffix = rgb.convert("LA"), ".png"
        case "P":  # a palette with one transparent entry, as GIF-like PNGs have
            image, suffix = rgb.convert("P", palette=Image.Palette.ADAPTIVE), ".png"
            image.info["transparency"] = 255
        case "CMYK":
            image, suffix = rgb.convert("CMYK"), ".jpg"
    path = tmp_path / f"photo-{mode.replace(';', '')}{suffix}"
    image.save(path)
    expected = np.repeat(grey[..., None], 3, axis=2) if mode in ("I;16", "I", "F", "LA") else np.asarray(rgb)
    return path, expected


@pytest.mark.parametrize("mode", ["I;16", "I", "F", "LA", "P", "CMYK"])
def test_every_image_mode_reads_as_the_photo_it_shows(demo_photo, tmp_path, mode):
    from inference.face import largest_face

    path, expected = _saved_in_mode(demo_photo, tmp_path, mode)
    photo = load_photo(path)
    assert photo.shape == expected.shape and photo.dtype == np.uint8
    assert np.abs(photo.astype(int) - expected).mean() < 12  # palettes and JPEG shift colours a little
    largest_face(photo)  # and the face is still found


def test_a_transparent_background_turns_white_not_black(tmp_path):
    path = tmp_path / "cut-out.png"
    Image.new("RGBA", (8, 8), (0, 0, 0, 0)).save(path)
    assert (load_photo(path) == 255).all()
