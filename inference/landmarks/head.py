"""The head's outline from its landmarks: a ring that encloses face, hair and chin, and the edge, further out,
where its motion has faded to nothing. The landmark mesh moves inside it; FOMM's paste-back blends inside it."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from inference.landmarks import ibug
from inference.landmarks.similarity import DRAW_SHIFT, as_drawable

# The head ring, an ellipse in face scales (outer-eye-corner distances) in the head's own frame:
# x along the eyes, y down from their midpoint. It encloses face, hair and chin, so all of it moves rigidly.
HEAD_RING_CENTRE = 0.2j
HEAD_RING_SEMI_AXES = (1.2, 1.65)
# Spokes from the ring centre; each carries a head-ring point and an edge point.
SPOKE_COUNT = 16
# A head-ring point keeps at least this far (face scales) outside the landmarks on its spoke, so a dropping
# chin does not run over it...
HEAD_RING_CLEARANCE = 0.35
# ...but takes at most this share of the room between those landmarks and the edge, leaving room to fade out.
HEAD_RING_MAX_REACH = 0.7
# Beyond the head ring, motion fades to zero over this many face scales: outside that the photo stays as it is.
FADE_WIDTH = 0.9
# Edge points keep this far (pixels) inside the image, so no motion ever samples past its border.
EDGE_MARGIN = 2.0


@dataclass(frozen=True)
class HeadOutline:
    """Complex points (spokes,) around the head, in image pixels: the ring that moves with the head and the
    edge where motion ends."""

    ring: np.ndarray
    edge: np.ndarray
    scale: float  # face scale, pixels

    def scaled(self, factor: float) -> HeadOutline:
        """The same outline in an image resized by `factor`."""
        return HeadOutline(self.ring * factor, self.edge * factor, self.scale * factor)


def _border_distance(origin: complex, directions: np.ndarray, width: int, height: int) -> np.ndarray:
    """How far each unit direction travels from `origin` before coming within EDGE_MARGIN of the image border."""
    limits = []
    for start, step, size in ((origin.real, directions.real, width), (origin.imag, directions.imag, height)):
        low, high = EDGE_MARGIN, size - 1 - EDGE_MARGIN
        with np.errstate(divide="ignore", invalid="ignore"):
            limits.append(np.where(step > 0, (high - start) / step, np.where(step < 0, (low - start) / step, np.inf)))
    return np.maximum(np.minimum(*limits), 0)


def head_outline(landmarks: np.ndarray, width: int, height: int) -> HeadOutline:
    """The head outline of complex landmarks (68,) in a width x height image."""
    eyes = landmarks[list(ibug.OUTER_EYE_CORNERS)]
    scale, axis = abs(eyes[1] - eyes[0]), (eyes[1] - eyes[0]) / abs(eyes[1] - eyes[0])
    centre = complex(eyes.mean() + axis * scale * HEAD_RING_CENTRE)
    # Half a step off the head's axes, so no spoke runs along the nose and chin and leaves sliver triangles.
    angles = np.linspace(0, 2 * np.pi, SPOKE_COUNT, endpoint=False) + np.pi / SPOKE_COUNT
    semi_x, semi_y = HEAD_RING_SEMI_AXES
    ellipse = axis * scale * (semi_x * np.cos(angles) + 1j * semi_y * np.sin(angles))
    directions = ellipse / np.abs(ellipse)
    # How far the landmarks reach along each spoke, within half a spoke's angle of it.
    offsets = (landmarks - centre)[None] / directions[:, None]
    near_spoke = np.abs(np.angle(offsets)) < np.pi / SPOKE_COUNT
    face_reach = np.where(near_spoke, offsets.real, 0).max(axis=1)
    wanted = np.maximum(np.abs(ellipse), face_reach + HEAD_RING_CLEARANCE * scale)
    # The edge is the head ellipse grown to leave the fade room on every spoke, cut by the image border: a convex
    # outline, so the mesh's triangles (a Delaunay triangulation fills the convex hull) stay inside it.
    growth = ((wanted + FADE_WIDTH * scale) / np.abs(ellipse)).max()
    edge = np.minimum(growth * np.abs(ellipse), _border_distance(centre, directions, width, height))
    ring = np.minimum(wanted, face_reach + HEAD_RING_MAX_REACH * (edge - face_reach))
    return HeadOutline(centre + directions * ring, centre + directions * edge, float(scale))


def smoothstep(t: np.ndarray) -> np.ndarray:
    """0 below 0, 1 above 1, and an S-curve between with no kink at either end."""
    t = np.clip(t, 0, 1)
    return t * t * (3 - 2 * t)


def head_mask(outline: HeadOutline, width: int, height: int) -> np.ndarray:
    """Float mask (height, width): 1 inside the head ring, falling smoothly to exactly 0 at the edge."""
    ring, edge = np.zeros((height, width), np.uint8), np.zeros((height, width), np.uint8)
    cv2.fillPoly(ring, [as_drawable(outline.ring)], 255, cv2.LINE_8, DRAW_SHIFT)
    cv2.fillPoly(edge, [as_drawable(outline.edge)], 255, cv2.LINE_8, DRAW_SHIFT)
    outside_ring = cv2.distanceTransform(255 - ring, cv2.DIST_L2, 5)
    inside_edge = cv2.distanceTransform(edge, cv2.DIST_L2, 5)
    # How far each pixel lies from the ring towards the edge: 0 on the ring, 1 on the edge.
    share = np.divide(outside_ring, outside_ring + inside_edge, out=np.ones_like(outside_ring),
                      where=outside_ring + inside_edge > 0)
    return 1 - smoothstep(share)
