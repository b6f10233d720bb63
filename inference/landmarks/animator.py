"""The weight-free backend: landmark motion transfer, a piecewise-affine warp of the head and the template's own
mouth interior."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from inference.animator import DrivingMotion, SourceFace
from inference.landmarks import ibug
from inference.landmarks.mesh import build_mesh
from inference.landmarks.motion import steady, transfer_motion
from inference.landmarks.mouth import MouthInterior
from inference.landmarks.similarity import as_complex
from inference.landmarks.warp import PiecewiseAffineWarp


class LandmarkAnimator:
    """Makes a photo sing from the driving clip's landmarks, and its frames' mouths: no weights, no GPU, many frames
    a second.

    It takes a source image of any size, the whole photo at output resolution included, and moves only its head.
    """

    backend = "landmarks"

    def __init__(self, batch_size: int = 8) -> None:
        self.batch_size = batch_size

    def animate(self, face: SourceFace, motion: DrivingMotion, initial_frame: int) -> Iterator[np.ndarray]:
        """Yield every output frame, in clip order, as uint8 batches (b, h, w, 3) of the source image's size."""
        driving = as_complex(motion.landmarks())
        if not 0 <= initial_frame < len(driving):
            raise ValueError(f"initial frame {initial_frame} is outside the clip's {len(driving)} frames")
        source = as_complex(face.landmarks)
        transferred = transfer_motion(source, steady(driving, motion.fps), initial_frame)
        height, width = face.crop.shape[:2]
        mesh = build_mesh(source, width, height)
        warp = PiecewiseAffineWarp(face.crop, mesh)
        mouth = MouthInterior(face.crop, source)

        def render(points: np.ndarray, template: np.ndarray, template_landmarks: np.ndarray) -> np.ndarray:
            frame = warp(points)
            mouth.paint(frame, points[: ibug.LANDMARK_COUNT], mesh.gap_outline(points), template, template_landmarks)
            return frame

        placements = mesh.place(transferred)
        templates = _each_frame(motion, self.batch_size)
        for start in range(0, len(placements), self.batch_size):
            end = min(start + self.batch_size, len(placements))
            yield np.stack([render(placements[i], next(templates), driving[i]) for i in range(start, end)])


def _each_frame(motion: DrivingMotion, batch_size: int) -> Iterator[np.ndarray]:
    """The driving clip's frames one by one, the last repeated for ever: a clip decoded a frame or two shorter
    than its landmark cache keeps its last mouth, and one decoded longer is read no further than needed."""
    frame = None
    for batch in motion.frames(batch_size):
        yield from batch
        frame = batch[-1]
    if frame is None:
        raise ValueError("the driving clip has no frames")
    while True:
        yield frame
