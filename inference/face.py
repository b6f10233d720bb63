"""Face detection and 68-point landmarks (dlib; its weights ship inside the face_recognition_models wheel)."""
from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import cv2
import dlib
import numpy as np

from inference.errors import InputError

# Detection runs on a copy no larger than this; dlib's HOG cost grows with the pixel count.
DETECTION_MAX_SIDE = 640
# Where that finds nothing, a second pass runs on a copy this large: it finds a 100 px face in a 4000 px phone
# photo (about 0.6 s on one core), which the first pass shrinks to 16 px.
DETECTION_FINE_MAX_SIDE = 1600
# The square crop is this many times the detector box, which spans brows to chin; FOMM's vox
# frames show the whole head with some shoulders.
CROP_SCALE = 1.7
# The detector box sits low on the head (it stops at the brows); move the crop up by this much of its height.
CROP_LIFT = 0.12
# Faces smaller than this (box side, pixels of the original photo) give a blurry, unconvincing meme.
MIN_FACE_SIDE = 48
CROP_SIZE = 256


@dataclass(frozen=True)
class FaceBox:
    """A detected face: its box in image pixels and the detector's confidence."""

    left: float
    top: float
    right: float
    bottom: float
    score: float

    @property
    def side(self) -> float:
        return max(self.right - self.left, self.bottom - self.top)

    @property
    def center(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2


@dataclass(frozen=True)
class SquareBox:
    """A square region of an image, possibly reaching past its borders."""

    left: int
    top: int
    side: int

    def scale_to(self, size: int) -> float:
        return size / self.side


def models_dir() -> Path:
    """The folder of the dlib model files that face_recognition_models ships."""
    # Importing face_recognition_models runs pkg_resources, gone from new setuptools: locate it instead.
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("face_recognition_models is not installed (pip install face_recognition_models)")
    return Path(list(spec.submodule_search_locations)[0]) / "models"


@functools.cache
def _detector() -> dlib.fhog_object_detector:
    return dlib.get_frontal_face_detector()


@functools.cache
def _shape_predictor() -> dlib.shape_predictor:
    return dlib.shape_predictor(str(models_dir() / "shape_predictor_68_face_landmarks.dat"))


def detect_faces(rgb: np.ndarray, max_side: int | None = None) -> list[FaceBox]:
    """All frontal faces in an RGB image, largest first, in the image's own pixel coordinates.

    Detection runs on a copy no larger than max_side; by default on DETECTION_MAX_SIDE, then, in a larger photo
    where that finds nothing, on DETECTION_FINE_MAX_SIDE.
    """
    if max_side is not None:
        return _detect_at(rgb, max_side)
    faces = _detect_at(rgb, DETECTION_MAX_SIDE)
    if faces or max(rgb.shape[:2]) <= DETECTION_MAX_SIDE:
        return faces
    return _detect_at(rgb, DETECTION_FINE_MAX_SIDE)


def _detect_at(rgb: np.ndarray, max_side: int) -> list[FaceBox]:
    """Faces found in a copy of the image no larger than max_side, largest first, in image pixels."""
    height, width = rgb.shape[:2]
    scale = min(1.0, max_side / max(height, width))
    # At least a pixel each way: a long, thin strip would otherwise shrink to nothing, which cv2 refuses.
    small_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = cv2.resize(rgb, small_size, interpolation=cv2.INTER_AREA) if scale < 1 else rgb
    # One upsampling step finds faces down to about 40 px in the (small) detection image.
    rects, scores, _ = _detector().run(np.ascontiguousarray(small), 1, 0.0)
    faces = [
        FaceBox(r.left() / scale, r.top() / scale, r.right() / scale, r.bottom() / scale, float(s))
        for r, s in zip(rects, scores, strict=True)  # dlib gives one score per rectangle
    ]
    return sorted(faces, key=lambda f: f.side, reverse=True)


def landmarks(rgb: np.ndarray, face: FaceBox) -> np.ndarray:
    """The 68 iBUG landmarks of one face as float32 (68, 2) x, y pixel coordinates."""
    rect = dlib.rectangle(round(face.left), round(face.top), round(face.right), round(face.bottom))
    shape = _shape_predictor()(np.ascontiguousarray(rgb), rect)
    return np.array([[p.x, p.y] for p in shape.parts()], dtype=np.float32)


def square_around(face: FaceBox, scale: float = CROP_SCALE, lift: float = CROP_LIFT) -> SquareBox:
    """The square crop FOMM expects around a face box."""
    side = round(face.side * scale)
    cx, cy = face.center
    cy -= lift * (face.bottom - face.top)
    return SquareBox(round(cx - side / 2), round(cy - side / 2), side)


def crop_square(rgb: np.ndarray, box: SquareBox, size: int = CROP_SIZE) -> np.ndarray:
    """Cut a square out of an image and resize it, replicating edge pixels where it reaches past the border."""
    s = box.scale_to(size)
    # One affine warp does crop, padding and resize together, without an intermediate copy.
    matrix = np.array([[s, 0, -box.left * s], [0, s, -box.top * s]], dtype=np.float64)
    interpolation = cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR
    return cv2.warpAffine(rgb, matrix, (size, size), flags=interpolation, borderMode=cv2.BORDER_REPLICATE)


def largest_face(rgb: np.ndarray, min_side: int = MIN_FACE_SIDE) -> FaceBox:
    """The largest face in a photo, or an InputError a user can act on."""
    faces = detect_faces(rgb)
    if not faces:
        raise InputError("I couldn't find a face in that photo. Try a clear, front-facing photo with good light.")
    if faces[0].side < min_side:
        raise InputError("The face in that photo is too small to animate; crop closer or send a larger photo.")
    return faces[0]
