"""The control mesh: landmarks, the mouth's gap, rings around the head that fade its motion out, a fixed edge."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy.spatial import Delaunay

from inference.landmarks import ibug
from inference.landmarks.head import SPOKE_COUNT, HeadOutline, head_outline, smoothstep
from inference.landmarks.motion import TransferredMotion

# Rings between the head ring and the edge, at these shares of the way out; each takes the head ring's
# movement times 1 - smoothstep(share), so motion falls smoothly to zero at the edge.
FADE_SHARES = (0.25, 0.5, 0.75)
# Moved head-ring points keep this far (pixels) inside the image.
HEAD_RING_BORDER_MARGIN = 4.0
# Share of the jaw line's own movement (a dropping chin) the head ring takes along, so the neck stretches
# smoothly instead of folding under the chin.
HEAD_RING_JAW_FOLLOW = 1.0
# How sharply a head-ring point's jaw following favours its nearest jaw points (inverse-distance power).
JAW_FOLLOW_FALLOFF = 2
# For triangulation only, closed inner lips are drawn this far towards their outer lips, so the
# mouth keeps its own triangles (rows of lip and gap points) however tightly the source's lips shut.
TRIANGULATION_LIP_SPREAD = 0.5
# For triangulation only, the upper and lower gap rows sit at these shares of the way down the opening.
TRIANGULATION_GAP_ROWS = (0.4, 0.6)
# Where the gap rows (one point per inner-lip pair) and the spokes' points sit among the mesh's points.
UPPER_GAP = ibug.LANDMARK_COUNT + np.arange(len(ibug.INNER_LIP_PAIRS))
LOWER_GAP = UPPER_GAP + len(ibug.INNER_LIP_PAIRS)
HEAD_RING = LOWER_GAP[-1] + 1 + np.arange(SPOKE_COUNT)
FADE_START = HEAD_RING[-1] + 1
EDGE = FADE_START + len(FADE_SHARES) * SPOKE_COUNT + np.arange(SPOKE_COUNT)
FADE_WEIGHTS = 1 - smoothstep(np.repeat(np.array(FADE_SHARES), SPOKE_COUNT))


@dataclass(frozen=True)
class Mesh:
    """Source control points and their triangles (t, 3).

    Points (complex (n,)): the 68 landmarks; the mouth's gap rows; the head ring, the fade rings and the edge
    (see inference.landmarks.head). Pixels outside the edge are in no triangle and stay as they are.
    The gap rows split the source's mouth interior along its middle: the upper
    half (upper teeth, if any show) moves with the upper lip, the lower half with the lower lip, and the gap
    opening between the rows is where the mouth's new, dark inside shows. The head ring moves with the
    head, the fade rings by less and less of its movement, the edge not at all.
    """

    points: np.ndarray
    jaw_follow: np.ndarray  # (spokes, 68): how much of each landmark's own movement each head-ring point takes
    triangles: np.ndarray
    outline: HeadOutline
    width: int
    height: int

    def place(self, motion: TransferredMotion) -> np.ndarray:
        """Every control point's position in every output frame: complex (frames, n)."""
        landmarks = self.points[: ibug.LANDMARK_COUNT]
        expression = motion.landmarks - motion.head.apply(landmarks)  # what the face does besides the head's motion
        ring = motion.head.apply(self.points[HEAD_RING]) + expression @ self.jaw_follow.T
        margin = HEAD_RING_BORDER_MARGIN
        ring = (np.clip(ring.real, margin, self.width - 1 - margin)
                + 1j * np.clip(ring.imag, margin, self.height - 1 - margin))
        moved = np.tile(ring - self.points[HEAD_RING], len(FADE_SHARES))
        fade = self.points[FADE_START : EDGE[0]] + FADE_WEIGHTS * moved
        edge = np.broadcast_to(self.points[EDGE], (len(ring), SPOKE_COUNT))
        return np.concatenate([motion.landmarks, self._gap_rows(motion), ring, fade, edge], axis=1)

    def region(self) -> tuple[slice, slice]:
        """Rows and columns of the image that can move: the box around the edge."""
        edge = self.outline.edge
        top, bottom = int(np.floor(edge.imag.min())), int(np.ceil(edge.imag.max())) + 1
        left, right = int(np.floor(edge.real.min())), int(np.ceil(edge.real.max())) + 1
        return slice(max(0, top), min(self.height, bottom)), slice(max(0, left), min(self.width, right))

    def _gap_rows(self, motion: TransferredMotion) -> np.ndarray:
        """Upper then lower gap rows (frames, 6): each keeps its source distance from its own lip, in head
        scale, as long as the opening leaves room; a mouth closing tighter than the source's squeezes them together,
        one opening wider hides the lower teeth."""
        upper, lower = (motion.landmarks[:, ibug.INNER_LIP_PAIRS[:, side]] for side in (0, 1))
        opening = lower - upper
        pairs = ibug.INNER_LIP_PAIRS
        source_half_gap = 0.5 * np.abs(self.points[pairs[:, 1]] - self.points[pairs[:, 0]])
        head_scale = np.abs(motion.head.scale_rotation)[:, None]
        width = np.abs(opening)
        # Share of the opening between each lip and its row; half (rows together) when the lips touch.
        share = np.divide(head_scale * source_half_gap, width, out=np.full(width.shape, 0.5), where=width > 0)
        share = np.minimum(share, 0.5)
        # Opened past the source, the lower teeth slide behind the lower lip as a singer's jaw drops: their band
        # is gone once the opening is twice the source's.
        extra = np.divide(width - 2 * head_scale * source_half_gap, 2 * head_scale * source_half_gap,
                          out=np.zeros(width.shape), where=source_half_gap > 0)
        lower_share = share * np.clip(1 - extra, 0, 1)
        return np.concatenate([upper + share * opening, lower - lower_share * opening], axis=1)

    def gap_outline(self, points: np.ndarray) -> np.ndarray:
        """The polygon of the mouth's gap in placed points (n,): corner, upper row, corner, lower row back (8,)."""
        left, right = ibug.MOUTH_CORNERS
        return points[np.r_[left, UPPER_GAP, right, LOWER_GAP[::-1]]]


def _jaw_follow(landmarks: np.ndarray, ring: np.ndarray) -> np.ndarray:
    """Inverse-distance weights (ring, 68) from each head-ring point to the jaw line, summing to the follow share."""
    closeness = np.abs(ring[:, None] - landmarks[None, ibug.JAW]) ** -float(JAW_FOLLOW_FALLOFF)
    follow = np.zeros((len(ring), ibug.LANDMARK_COUNT))
    follow[:, ibug.JAW] = HEAD_RING_JAW_FOLLOW * closeness / closeness.sum(axis=1, keepdims=True)
    return follow


def _gap_rows_at(landmarks: np.ndarray, shares: tuple[float, float]) -> np.ndarray:
    """Upper and lower gap rows (6,) at the given shares of the way from the upper to the lower inner lip."""
    upper, lower = landmarks[ibug.INNER_LIP_PAIRS[:, 0]], landmarks[ibug.INNER_LIP_PAIRS[:, 1]]
    return np.concatenate([upper + share * (lower - upper) for share in shares])


def _triangulation_layout(landmarks: np.ndarray) -> np.ndarray:
    """Landmarks and gap rows laid out with the mouth held open: the mesh's topology, never coincident points."""
    spread = landmarks.copy()
    for inner, outer in ibug.INNER_TO_OUTER_LIP.items():
        spread[inner] += TRIANGULATION_LIP_SPREAD * (landmarks[outer] - landmarks[inner])
    return np.concatenate([spread, _gap_rows_at(spread, TRIANGULATION_GAP_ROWS)])


def _stitch(first: np.ndarray, second: np.ndarray, layout: np.ndarray) -> list[tuple[int, int, int]]:
    """Triangles filling the band between two chains of point indices running the same way (left to right),
    advancing along whichever chain is behind by share of its length; none where the chains share a point."""
    def progress(chain: np.ndarray) -> np.ndarray:
        steps = np.abs(np.diff(layout[chain]))
        return np.r_[0, np.cumsum(steps)] / max(steps.sum(), 1e-9)

    along_first, along_second = progress(first), progress(second)
    triangles: list[tuple[int, int, int]] = []
    i = j = 0
    while i < len(first) - 1 or j < len(second) - 1:
        if j == len(second) - 1 or (i < len(first) - 1 and along_first[i + 1] <= along_second[j + 1]):
            corners, i = (int(first[i]), int(first[i + 1]), int(second[j])), i + 1
        else:
            corners, j = (int(first[i]), int(second[j + 1]), int(second[j])), j + 1
        if len(set(corners)) == 3:
            triangles.append(corners)
    return triangles


def _mouth_triangles(layout: np.ndarray) -> list[tuple[int, int, int]]:
    """The mouth's triangles in bands between its rows, outer lips to gap: every lip line is a triangle edge, so
    what lies between two rows in the photo (teeth, a smile's dark corners) stays between them, and squeezes
    away when they close."""
    left, right = ibug.MOUTH_CORNERS
    rows = [ibug.OUTER_UPPER_LIP, np.r_[left, ibug.INNER_LIP_PAIRS[:, 0], right], np.r_[left, UPPER_GAP, right],
            np.r_[left, LOWER_GAP, right], np.r_[left, ibug.INNER_LIP_PAIRS[:, 1], right], ibug.OUTER_LOWER_LIP]
    bands = zip(rows[:-1], rows[1:], strict=True)
    return [triangle for upper, lower in bands for triangle in _stitch(upper, lower, layout)]


def _triangulate(layout: np.ndarray) -> np.ndarray:
    """Triangles (t, 3) over the layout: Delaunay outside the outer lips, the mouth's bands inside them."""
    outside = np.r_[np.arange(ibug.INNER_LIPS[0]), np.arange(HEAD_RING[0], len(layout))]  # no inner lips, no gap
    delaunay = outside[Delaunay(np.stack([layout[outside].real, layout[outside].imag], axis=1)).simplices]
    lips = np.stack([layout[ibug.OUTER_LIPS].real, layout[ibug.OUTER_LIPS].imag], axis=1).astype(np.float32)
    centres = layout[delaunay].mean(axis=1)
    around_mouth = delaunay[[cv2.pointPolygonTest(lips, (float(c.real), float(c.imag)), False) < 0 for c in centres]]
    return np.concatenate([around_mouth, np.array(_mouth_triangles(layout))]).astype(np.int32)


def build_mesh(landmarks: np.ndarray, width: int, height: int) -> Mesh:
    """The mesh over the head of a width x height source image with complex landmarks (68,)."""
    outline = head_outline(landmarks, width, height)
    fade = np.concatenate([outline.ring + share * (outline.edge - outline.ring) for share in FADE_SHARES])
    spokes = np.concatenate([outline.ring, fade, outline.edge])
    # In the source both gap rows lie on the mouth's middle line: the gap is shut.
    points = np.concatenate([landmarks, _gap_rows_at(landmarks, (0.5, 0.5)), spokes])
    layout = np.concatenate([_triangulation_layout(landmarks), spokes])
    return Mesh(points, _jaw_follow(landmarks, outline.ring), _triangulate(layout), outline, width, height)
