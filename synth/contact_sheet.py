"""The landmark animator's contact sheet for the README: each photo, then frames of it singing the demo template.

Run `python -m synth.contact_sheet docs/landmarks-contact-sheet.jpg` (needs scikit-image, from the test extra,
for its astronaut portrait).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from inference.alignment import best_frame
from inference.image_io import load_photo
from inference.landmarks import LandmarkAnimator, ibug
from inference.landmarks.similarity import as_complex
from inference.render import prepare_photo
from inference.templates import TemplateLibrary
from inference.templates.library import SHIPPED_TEMPLATES_DIR
from synth.photos import astronaut, turned

# Each tile is the photo's head region at this height, so faces of any size compare side by side.
TILE = 220
# Template frames shown: its most closed, a middle and its widest mouth.
OPENING_QUANTILES = (0.0, 0.5, 1.0)


def _head_tile(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """A square around the face (2.6 eye distances wide), scaled to TILE."""
    z = as_complex(landmarks)
    centre, half = z.mean(), 1.3 * float(ibug.face_scale(z))
    top, left = int(max(0, centre.imag - half)), int(max(0, centre.real - half))
    square = image[top : int(centre.imag + half), left : int(centre.real + half)]
    return cv2.resize(square, (TILE, TILE), interpolation=cv2.INTER_AREA)


def sheet(photos: list[np.ndarray]) -> np.ndarray:
    """One row per photo: the photo, then the frames of OPENING_QUANTILES."""
    demo = TemplateLibrary(SHIPPED_TEMPLATES_DIR).get("demo")
    openings = ibug.mouth_opening(as_complex(demo.landmarks()))
    chosen = [int(np.argsort(openings)[round(q * (len(openings) - 1))]) for q in OPENING_QUANTILES]
    rows = []
    for photo in photos:
        prepared = prepare_photo(photo)
        source = prepared.whole(max(photo.shape[:2]))
        initial = best_frame(prepared.face.landmarks, demo.landmarks())
        frames = np.concatenate(list(LandmarkAnimator().animate(source, demo, initial)))
        tiles = [_head_tile(source.crop, source.landmarks)] + [_head_tile(frames[i], source.landmarks) for i in chosen]
        rows.append(np.concatenate(tiles, axis=1))
    return np.concatenate(rows, axis=0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m synth.contact_sheet", description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    photos = [astronaut(), turned(astronaut()), load_photo(SHIPPED_TEMPLATES_DIR / "demo-singer.png")]
    cv2.imwrite(str(args.output), cv2.cvtColor(sheet(photos), cv2.COLOR_RGB2BGR))


if __name__ == "__main__":
    main()
