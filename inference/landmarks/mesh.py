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
# A head-ring point stays at most this far along its spoke towards the border, leaving room to fade.
HEAD_RING_MAX_REACH = 0.8
# Share of the head motion each kind of extra point follows: the ring moves with the head, the halfway
# ring half as much, the border not at all, so the background near the edges stays put.
HEAD_RING_WEIGHT, HALFWAY_WEIGHT, BORDER_WEIGHT = 1.0, 0.5, 0.0
# For triangulation only, closed inner lips are drawn this far towards their outer lips, so the
# mouth keeps its own triangles (rows of lip and gap points) however tightly the source's lips shut.
TRIANGULATION_LIP_SPREAD = 0.5
# For triangulation only, the upper and lower gap rows sit at these shares of the way down the opening.
TRIANGULATION_GAP_ROWS = (0.4, 0.6)
# Where the gap rows (one point per inner-lip pair) and the spokes sit among the mesh's points.
UPPER_GAP = ibug.LANDMARK_COUNT + np.arange(len(ibug.INNER_LIP_PAIRS))
LOWER_GAP = UPPER_GAP + len(ibug.INNER_LIP_PAIRS)
SPOKES_START = LOWER_GAP[-1] + 1


@dataclass(frozen=True)
class Mesh:
    """Source control points and their triangles (t, 3).

    Points (complex (n,)): the 68 landmarks, the mouth's gap rows, then the spokes. The gap rows split
    the source's mouth interior in two along its middle: the upper half (upper teeth, if any show) moves
    with the upper lip, the lower half with the lower lip, and the gap opening between the rows is where
    the mouth's new, dark inside shows.
    """

    points: np.ndarray
    spoke_weights: np.ndarray  # share of the head motion each spoke point follows
    triangles: np.ndarray

    def place(self, motion: TransferredMotion) -> np.ndarray:
        """Every control point's position in every output frame: complex (frames, n)."""
        spokes = motion.head.apply(self.points[SPOKES_START:], self.spoke_weights)
        return np.concatenate([motion.landmarks, self._gap_rows(motion), spokes], axis=1)

    def _gap_rows(self, motion: TransferredMotion) -> np.ndarray:
        """Upper then lower gap rows (frames, 6): each keeps its source distance from its own lip, in head
        scale, as long as the opening leaves room; a mouth closing tighter than the source's squeezes them together."""
        upper, lower = (motion.landmarks[:, ibug.INNER_LIP_PAIRS[:, side]] for side in (0, 1))
        opening = lower - upper
        source_half_gap = 0.5 * np.abs(self.points[ibug.INNER_LIP_PAIRS[:, 1]] - self.points[ibug.INNER_LIP_PAIRS[:, 0]])
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


def _spoke_points(landmarks: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Head-ring, halfway and border points along spokes around the head, with their rigid weights."""
    eyes = landmarks[list(ibug.OUTER_EYE_CORNERS)]
    scale, axis = abs(eyes[1] - eyes[0]), (eyes[1] - eyes[0]) / abs(eyes[1] - eyes[0])
    centre = complex(eyes.mean() + axis * scale * HEAD_RING_CENTRE)
    angles = np.linspace(0, 2 * np.pi, SPOKE_COUNT, endpoint=False)
    semi_x, semi_y = HEAD_RING_SEMI_AXES
    ellipse = axis * scale * (semi_x * np.cos(angles) + 1j * semi_y * np.sin(angles))
    directions = ellipse / np.abs(ellipse)
    border = _border_distance(centre, directions, size)
    ring = np.minimum(np.abs(ellipse), HEAD_RING_MAX_REACH * border)
    corners = np.array([0, size - 1, (size - 1) * 1j, (size - 1) * (1 + 1j)])
    points = np.concatenate([centre + directions * ring, centre + directions * (ring + border) / 2,
                             centre + directions * border, corners])
    weights = np.repeat([HEAD_RING_WEIGHT, HALFWAY_WEIGHT, BORDER_WEIGHT], SPOKE_COUNT)
    return points, np.concatenate([weights, np.full(len(corners), BORDER_WEIGHT)])


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
    spokes, weights = _spoke_points(landmarks, size)
    # In the source both gap rows lie on the mouth's middle line: the gap is shut.
    points = np.concatenate([landmarks, _gap_rows_at(landmarks, (0.5, 0.5)), spokes])
    layout = np.concatenate([_triangulation_layout(landmarks), spokes])
    triangles = Delaunay(np.stack([layout.real, layout.imag], axis=1)).simplices
    return Mesh(points, weights, triangles.astype(np.int32))
