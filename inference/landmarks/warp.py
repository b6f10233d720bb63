"""Piecewise-affine image warp: each output pixel samples the source through its mesh triangle's affine map."""
from __future__ import annotations

import cv2
import numpy as np

from inference.landmarks.head import head_mask
from inference.landmarks.mesh import Mesh
from inference.landmarks.similarity import DRAW_SHIFT, as_drawable

# Relative singular value below which a collapsed output triangle (lips or lids pressed shut) is treated as
# a line: the pseudo-inverse then maps along it instead of blowing up across it.
COLLAPSE_RCOND = 1e-3


def _edges(z: np.ndarray) -> np.ndarray:
    """Real 2x2 matrices (..., 2, 2) whose columns are a triangle's two edges from its first corner."""
    edges = z[..., 1:] - z[..., :1]
    return np.stack([edges.real, edges.imag], axis=-2)


class PiecewiseAffineWarp:
    """Warps one source image along its mesh to any placement of the mesh's points; only the mesh's region
    is computed, the rest of the image is copied as it is."""

    def __init__(self, image: np.ndarray, mesh: Mesh) -> None:
        self.image = image
        self.triangles = mesh.triangles
        source_corners = mesh.points[mesh.triangles]  # complex (t, 3)
        self.source_edges = _edges(source_corners)
        self.source_origin = np.stack([source_corners[:, 0].real, source_corners[:, 0].imag], axis=-1)
        self.rows, self.columns = mesh.region()
        self.origin = complex(self.columns.start, self.rows.start)
        self.grid_x, self.grid_y = np.meshgrid(np.arange(self.columns.start, self.columns.stop, dtype=np.float32),
                                               np.arange(self.rows.start, self.rows.stop, dtype=np.float32))
        # Pixels in no triangle keep the identity map, stored last...
        self.triangle_ids = np.empty(self.grid_x.shape, np.int32)
        # ...and pixels outside the head's edge keep the source's own, whatever a triangle's rounded edge says.
        self.moving = (head_mask(mesh.outline, mesh.width, mesh.height)[self.rows, self.columns] > 0)[..., None]
        self.identity = np.array([1, 0, 0, 0, 1, 0], np.float32)

    def _backward_maps(self, corners: np.ndarray) -> np.ndarray:
        """Per-triangle affine maps, output pixel to source pixel, as rows (t + 1, 6), identity last."""
        linear = self.source_edges @ np.linalg.pinv(_edges(corners), rcond=COLLAPSE_RCOND)  # (t, 2, 2)
        output_origin = np.stack([corners[:, 0].real, corners[:, 0].imag], axis=-1)
        offset = self.source_origin - np.einsum("tij,tj->ti", linear, output_origin)
        rows = np.concatenate([linear, offset[:, :, None]], axis=2).reshape(len(corners), 6)
        return np.vstack([rows.astype(np.float32), self.identity])

    def _rasterise(self, corners: np.ndarray) -> None:
        """Fill triangle_ids with the triangle under each output pixel."""
        self.triangle_ids.fill(len(corners))
        # Sub-pixel corners, so slow motion does not step by whole pixels.
        fixed = as_drawable(corners - self.origin)
        # Thinnest first: a collapsed triangle (a shut gap) is all edge, and its wider neighbours, drawn
        # after it, claim those pixels with their exact maps.
        area = np.abs(np.linalg.det(_edges(corners)))
        for index in np.argsort(area):
            cv2.fillConvexPoly(self.triangle_ids, fixed[index], int(index), cv2.LINE_8, DRAW_SHIFT)

    def __call__(self, points: np.ndarray) -> np.ndarray:
        """The source warped so its control points land on complex `points` (n,): a new image."""
        corners = points[self.triangles]
        maps = self._backward_maps(corners)
        self._rasterise(corners)
        coefficients = maps[self.triangle_ids]  # (h, w, 6)
        map_x = coefficients[..., 0] * self.grid_x + coefficients[..., 1] * self.grid_y + coefficients[..., 2]
        map_y = coefficients[..., 3] * self.grid_x + coefficients[..., 4] * self.grid_y + coefficients[..., 5]
        frame = self.image.copy()
        # The mesh's source points lie inside the image, so no pixel samples past its border.
        warped = cv2.remap(self.image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
        np.copyto(frame[self.rows, self.columns], warped, where=self.moving)
        return frame
