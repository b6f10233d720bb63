"""The weight-free backend: landmark motion transfer, a piecewise-affine warp and a painted mouth."""
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
    """Makes a photo sing from the driving clip's landmarks alone: no weights, no GPU, many frames a second."""

    backend = "landmarks"

    def __init__(self, batch_size: int = 8) -> None:
        self.batch_size = batch_size

    def animate(self, face: SourceFace, motion: DrivingMotion, initial_frame: int) -> Iterator[np.ndarray]:
        """Yield every output frame, in clip order, as uint8 batches (b, 256, 256, 3)."""
        driving = as_complex(motion.landmarks())
        if not 0 <= initial_frame < len(driving):
            raise ValueError(f"initial frame {initial_frame} is outside the clip's {len(driving)} frames")
        source = as_complex(face.landmarks)
        transferred = transfer_motion(source, steady(driving, motion.fps), initial_frame)
        mesh = build_mesh(source, face.crop.shape[0])
        warp = PiecewiseAffineWarp(face.crop, mesh)
        mouth = MouthInterior(face.crop, source)

        def render(points: np.ndarray) -> np.ndarray:
            frame = warp(points)
            mouth.paint(frame, points[: ibug.LANDMARK_COUNT], mesh.gap_outline(points))
            return frame

        placements = mesh.place(transferred)
        for start in range(0, len(placements), self.batch_size):
            yield np.stack([render(points) for points in placements[start : start + self.batch_size]])
