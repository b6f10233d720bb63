"""Reading user photos safely: format checks, decompression-bomb and animation refusal, EXIF rotation."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from inference.errors import InputError

# A 40-megapixel phone photo is about 40e6 pixels; anything far beyond is a bomb or a poster.
MAX_IMAGE_PIXELS = 50_000_000
MAX_IMAGE_BYTES = 25 * 1024 * 1024


def load_photo(path: Path | str, max_pixels: int = MAX_IMAGE_PIXELS, max_bytes: int = MAX_IMAGE_BYTES) -> np.ndarray:
    """Load a still photo as an upright RGB uint8 array, or raise InputError saying why not."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError("That file is too large; please send a smaller photo.")
    too_large = "That image has too many pixels to process; please send a smaller photo."
    try:
        with warnings.catch_warnings():
            # Pillow only warns about a likely bomb below twice its limit; refuse those too, before decoding.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise InputError(too_large)
                if getattr(image, "n_frames", 1) > 1:
                    raise InputError("That image is animated; please send a still photo.")
                return to_rgb(ImageOps.exif_transpose(image))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(too_large) from None
    except UnidentifiedImageError:
        raise InputError("That file is not an image I can read; please send a JPEG or PNG photo.") from None
    except OSError as error:
        raise InputError("That image looks damaged and could not be read; please send it again.") from error


def to_rgb(image: Image.Image) -> np.ndarray:
    """Any mode Pillow opens as RGB uint8: 16-bit and float greys scaled (not clipped to white), transparency
    flattened onto white, CMYK and palettes converted."""
    if image.mode in ("I", "I;16", "I;16L", "I;16B", "I;16N", "F"):
        grey = np.asarray(image, dtype=np.float64)
        top = grey.max(initial=0.0)
        # Scale by the depth the values use: 16-bit greys by 65535, float images in 0..1 by 1, 8-bit ones as they are.
        full_scale = 65535.0 if top > 255 else 1.0 if image.mode == "F" and top <= 1.0 else 255.0
        grey = np.clip(grey / full_scale * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=2)
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info:
        # What shows through a transparent photo is the chat's background; white is what most apps show.
        flattened = Image.new("RGBA", image.size, (255, 255, 255, 255))
        flattened.alpha_composite(image.convert("RGBA"))
        return np.asarray(flattened.convert("RGB"))
    return np.asarray(image.convert("RGB"))
