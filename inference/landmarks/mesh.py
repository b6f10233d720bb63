"""The control mesh: landmarks, the mouth's gap, rings around the head that fade its motion out, a fixed border."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import Delaunay

from inference.landmarks import ibug
from inference.landmarks.motion import TransferredMotion

# The head ring, an ellipse in face scales (outer-eye-corner distances) in the head's own frame:
# x along the eyes, y down from their midpoint. It encloses face, hair and chin, so all of it moves rigidly.
HEAD_RING_CENTRE = 0.2j
HEAD_RING_SEMI_AXES = (1.2, 1.65)
# Spokes from the ring centre; each carries a head-ring point, a halfway point and a border point.
SPOKE_COUNT = 16
# A head-ring point keeps at least this far (face scales) outside the landmarks on its spoke, so a dropping
# chin does not run over it...
HEAD_RING_CLEARANCE = 0.35
# ...but takes at most this share of the room between those landmarks and the border, leaving room to fade out.
HEAD_RING_MAX_REACH = 0.7
# Moved head-ring points keep this far (pixels) inside the image, so nothing folds over the fixed border.
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
HALFWAY = HEAD_RING + SPOKE_COUNT
FIXED_START = HALFWAY[-1] + 1  # border points on the spokes, then the image corners


@dataclass(frozen=True)
class Mesh:
    """Source control points and their triangles (t, 3).

    Points (complex (n,)): the 68 landmarks; the mouth's gap rows; the spokes' head-ring, halfway and border
    points; the image corners. The gap rows split the source's mouth interior along its middle: the upper
    half (upper teeth, if any show) moves with the upper lip, the lower half with the lower lip, and the gap
    opening between the rows is where the mouth's new, dark inside shows. The head ring moves with the
    head, each halfway point stays midway between its ring point and the fixed border.
    """

    points: np.ndarray
    jaw_follow: np.ndarray  # (spokes, 68): how much of each landmark's own movement each head-ring point takes
    triangles: np.ndarray
    size: int

    def place(self, motion: TransferredMotion) -> np.ndarray:
        """Every control point's position in every output frame: complex (frames, n)."""
        landmarks = self.points[: ibug.LANDMARK_COUNT]
        expression = motion.landmarks - motion.head.apply(landmarks)  # what the face does besides the head's motion
        ring = motion.head.apply(self.points[HEAD_RING]) + expression @ self.jaw_follow.T
        low, high = HEAD_RING_BORDER_MARGIN, self.size - 1 - HEAD_RING_BORDER_MARGIN
        ring = np.clip(ring.real, low, high) + 1j * np.clip(ring.imag, low, high)
        border = self.points[FIXED_START : FIXED_START + SPOKE_COUNT]
        fixed = np.broadcast_to(self.points[FIXED_START:], (len(ring), len(self.points) - FIXED_START))
        return np.concatenate([motion.landmarks, self._gap_rows(motion), ring, (ring + border) / 2, fixed], axis=1)

    def _gap_rows(self, motion: TransferredMotion) -> np.ndarray:
        """Upper then lower gap rows (frames, 6): each keeps its source distance from its own lip, in head
        scale, as long as the opening leaves room; a mouth closing tighter than the source's squeezes them together."""
        upper, lower = (motion.landmarks[:, ibug.INNER_LIP_PAIRS[:, side]] for side in (0, 1))
        opening = lower - upper
        pairs = ibug.INNER_LIP_PAIRS
        source_half_gap = 0.5 * np.abs(self.points[pairs[:, 1]] - self.points[pairs[:, 0]])
        head_scale = np.abs(motion.head.scale_rotation)[:, None]
        width = np.abs(opening)
        # Share of the opening between each lip and its row; half (rows together) when the lips touch.
        share = np.divide(head_scale * source_half_gap, width, out=np.full(width.shape, 0.5), where=width > 0)
        share = np.minimum(share, 0.5)
        return np.concatenate([upper + share * opening, lower - share * opening], axis=1)

    def gap_outline(self, points: np.ndarray) -> np.ndarray:
        """The polygon of the mouth's gap in placed points (n,): corner, upper row, corner, lower row back (8,)."""
        left, right = ibug.MOUTH_CORNERS
        return points[np.r_[left, UPPER_GAP, right, LOWER_GAP[::-1]]]


def _border_distance(origin: complex, directions: np.ndarray, size: int) -> np.ndarray:
    """How far each unit direction travels from `origin` before leaving the [0, size - 1] square."""
    limits = []
    for start, step in ((origin.real, directions.real), (origin.imag, directions.imag)):
        with np.errstate(divide="ignore"):
            limits.append(np.where(step > 0, (size - 1 - start) / step, np.where(step < 0, -start / step, np.inf)))
    return np.minimum(*limits)


def _spoke_points(landmarks: np.ndarray, size: int) -> np.ndarray:
    """Head-ring, halfway and border points along spokes around the head, then the image corners."""
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
    border = _border_distance(centre, directions, size)
    wanted = np.maximum(np.abs(ellipse), face_reach + HEAD_RING_CLEARANCE * scale)
    ring = np.minimum(wanted, face_reach + HEAD_RING_MAX_REACH * (border - face_reach))
    corners = np.array([0, size - 1, (size - 1) * 1j, (size - 1) * (1 + 1j)])
    return np.concatenate([centre + directions * ring, centre + directions * (ring + border) / 2,
                           centre + directions * border, corners])


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


def build_mesh(landmarks: np.ndarray, size: int) -> Mesh:
    """The mesh over a size x size source crop with complex landmarks (68,)."""
    spokes = _spoke_points(landmarks, size)
    # In the source both gap rows lie on the mouth's middle line: the gap is shut.
    points = np.concatenate([landmarks, _gap_rows_at(landmarks, (0.5, 0.5)), spokes])
    layout = np.concatenate([_triangulation_layout(landmarks), spokes])
    triangles = Delaunay(np.stack([layout.real, layout.imag], axis=1)).simplices
    return Mesh(points, _jaw_follow(landmarks, spokes[:SPOKE_COUNT]), triangles.astype(np.int32), size)
