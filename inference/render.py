"""The render pipeline: photo -> face crop -> animator batches -> composed, labelled frames streamed into ffmpeg."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inference.alignment import best_frame
from inference.animator import Animator, DrivingMotion, SourceFace
from inference.api import RenderResult
from inference.compose import MAX_OUTPUT_SIDE, PasteBack, PlainFrames
from inference.face import CROP_SIZE, FaceBox, SquareBox, crop_square, landmarks, largest_face, square_around
from inference.label import DEFAULT_LABEL, Label
from inference.provenance import ContentCredentials
from inference.video import VideoWriter

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RenderOptions:
    """How a meme is made; every field has the default users get."""

    paste_back: bool = True
    label: str = DEFAULT_LABEL
    best_frame: bool = True
    max_side: int = MAX_OUTPUT_SIDE
    credentials: ContentCredentials | None = None  # the C2PA manifest the finished video is signed with


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo with its face found: what the animator starts from and where the face goes back."""

    photo: np.ndarray
    box: SquareBox
    face: SourceFace


def prepare_photo(photo: np.ndarray, found: FaceBox | None = None) -> PreparedPhoto:
    """Crop the square FOMM expects around the face `found` (by default the largest one detected now), and
    measure its landmarks in crop pixels."""
    found = found or largest_face(photo)
    box = square_around(found)
    scale = box.scale_to(CROP_SIZE)
    points = (landmarks(photo, found) - np.array([box.left, box.top], np.float32)) * scale
    return PreparedPhoto(photo, box, SourceFace(crop=crop_square(photo, box), landmarks=points.astype(np.float32)))


def render(
    prepared: PreparedPhoto,
    motion: DrivingMotion,
    animator: Animator,
    output: Path | str,
    options: RenderOptions = RenderOptions(),
    audio: Path | None = None,
    progress: Progress = lambda done, total: None,
) -> RenderResult:
    """Animate the photo with the motion and write the MP4; the partial file is removed on any failure."""
    started = time.perf_counter()
    initial = best_frame(prepared.face.landmarks, motion.landmarks()) if options.best_frame else 0
    composer = PasteBack(prepared.photo, prepared.box, options.max_side) if options.paste_back else PlainFrames()
    label = Label(options.label, composer.width, composer.height)
    total = motion.frame_count
    comment = f"{options.label}: made with memebot ({animator.backend}); the face was animated by a machine."
    with VideoWriter(output, composer.width, composer.height, motion.fps, audio=audio, comment=comment,
                     duration=total / motion.fps, credentials=options.credentials) as writer:
        for batch in animator.animate(prepared.face, motion, initial):
            for animated in batch:
                writer.write(label.stamp(composer.compose(animated)))
            progress(writer.frames_written, total)
    elapsed = time.perf_counter() - started
    return RenderResult(Path(output), total, elapsed, animator.backend, composer.width, composer.height)
