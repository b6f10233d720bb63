"""The render pipeline: photo -> face (the whole photo for the landmark animator, a 256x256 crop for FOMM) ->
animator batches -> composed, labelled frames streamed into ffmpeg."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inference.alignment import best_frame
from inference.animator import Animator, DrivingMotion, SourceFace
from inference.api import RenderResult
from inference.compose import MAX_OUTPUT_SIDE, PasteBack, PlainFrames, fit_photo
from inference.face import CROP_SIZE, FaceBox, SquareBox, crop_square, landmarks, largest_face, square_around
from inference.label import DEFAULT_LABEL, Label
from inference.landmarks import LandmarkAnimator
from inference.landmarks.head import head_outline
from inference.landmarks.similarity import as_complex
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
    """A photo with its face found: its landmarks, FOMM's crop and where that crop goes back."""

    photo: np.ndarray
    landmarks: np.ndarray  # (68, 2) float32, photo pixels
    box: SquareBox
    face: SourceFace

    def whole(self, max_side: int) -> SourceFace:
        """The whole photo at its output size, with its landmarks: what the landmark animator moves."""
        fitted = fit_photo(self.photo, max_side)
        scale = np.array([fitted.shape[1] / self.photo.shape[1], fitted.shape[0] / self.photo.shape[0]], np.float32)
        return SourceFace(fitted, self.landmarks * scale)


def prepare_photo(photo: np.ndarray, found: FaceBox | None = None) -> PreparedPhoto:
    """Crop the square FOMM expects around the face `found` (by default the largest one detected now), and
    measure its landmarks in crop pixels."""
    found = found or largest_face(photo)
    box = square_around(found)
    scale = box.scale_to(CROP_SIZE)
    points = landmarks(photo, found)
    in_crop = (points - np.array([box.left, box.top], np.float32)) * scale
    return PreparedPhoto(photo, points, box, SourceFace(crop_square(photo, box), in_crop.astype(np.float32)))


def _source_and_composer(prepared: PreparedPhoto, animator: Animator,
                         options: RenderOptions) -> tuple[SourceFace, PasteBack | PlainFrames]:
    """What the animator moves and how its frames become output frames.

    The landmark animator warps the whole photo at output resolution, so its frames are the output; FOMM's
    256x256 face is blended back into the photo over the head's mask.
    """
    if not options.paste_back:
        return prepared.face, PlainFrames()
    if isinstance(animator, LandmarkAnimator):
        whole = prepared.whole(options.max_side)
        return whole, PlainFrames(whole.crop.shape[1], whole.crop.shape[0])
    height, width = prepared.photo.shape[:2]
    head = head_outline(as_complex(prepared.landmarks), width, height)
    return prepared.face, PasteBack(prepared.photo, prepared.box, head, options.max_side)


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
    source, composer = _source_and_composer(prepared, animator, options)
    label = Label(options.label, composer.width, composer.height)
    total = motion.frame_count
    comment = f"{options.label}: made with memebot ({animator.backend}); the face was animated by a machine."
    with VideoWriter(output, composer.width, composer.height, motion.fps, audio=audio, comment=comment,
                     duration=total / motion.fps, credentials=options.credentials) as writer:
        for batch in animator.animate(source, motion, initial):
            for animated in batch:
                writer.write(label.stamp(composer.compose(animated)))
            progress(writer.frames_written, total)
    elapsed = time.perf_counter() - started
    return RenderResult(Path(output), total, elapsed, animator.backend, composer.width, composer.height)
