"""The inside of a mouth opened wider than the photo's: a dark cavity and a band of upper teeth."""
from __future__ import annotations

import colorsys

import cv2
import numpy as np

from inference.landmarks import ibug
from inference.landmarks.curve import closed_curve
from inference.landmarks.similarity import DRAW_SHIFT, as_drawable

# How wide the gap must open (face scales) for the cavity to reach full strength.
CAVITY_RAMP = 0.04
# The throat is the lip colour this dark; the tongue, filling the lower part, catches more light.
CAVITY_SHADE, TONGUE_SHADE = 0.3, 0.5
# The inside of a mouth is a deeper red than pale lips: at least this saturated (HSV).
INSIDE_MIN_SATURATION = 0.6
# The tongue shows below this height of the opening (0 upper lip, 1 lower lip).
TONGUE_TOP = 0.6
# Edge softness of cavity and teeth, in face scales (about a pixel and a half on a 256 crop).
FEATHER = 0.02
# Painted teeth show from this gap (face scales) and are fully visible this much wider.
TEETH_START, TEETH_RAMP = 0.12, 0.08
# A source mouth opened this far (face scales) shows no teeth, and this far shows its own: those then move
# with the upper lip and painted ones would cover them.
OWN_TEETH_HIDDEN, OWN_TEETH_SHOWN = 0.05, 0.1
# Upper teeth hang at most this far below the upper inner lip (face scales), and never past this share of the gap.
TEETH_HEIGHT, TEETH_SHARE_OF_GAP = 0.08, 0.35
# How much the teeth's lower edge rises from the middle to the mouth corners (share of their height).
TEETH_ARCH = 0.6
# How much darker the teeth are at the mouth corners than in the middle.
TEETH_CORNER_SHADOW = 0.5
# Slightly warm off-white: pure white teeth look painted on.
TEETH_COLOUR = np.array([222, 214, 198], np.float32)
# Points of the gap outline (see Mesh.gap_outline): corners, and the upper and lower rows facing each other.
GAP_CORNERS = (0, 4)
GAP_UPPER, GAP_LOWER = np.array([1, 2, 3]), np.array([7, 6, 5])
# Pixels of room around the gap for the feathered edges.
ROI_MARGIN = 6


def _polygon_mask(z: np.ndarray, shape: tuple[int, int], feather: float) -> np.ndarray:
    """A soft float mask (0..1) of the polygon through complex points z, in window pixels."""
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [as_drawable(z)], 255, cv2.LINE_AA, DRAW_SHIFT)
    return cv2.GaussianBlur(mask.astype(np.float32) / 255, (0, 0), feather)


def _lip_colour(crop: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Mean RGB of the lips: inside the outer lip line, outside the inner one."""
    lips = np.zeros(crop.shape[:2], np.uint8)
    for group, value in ((ibug.OUTER_LIPS, 255), (ibug.INNER_LIPS, 0)):
        cv2.fillPoly(lips, [as_drawable(z[group])], value, cv2.LINE_8, DRAW_SHIFT)
    return np.array(cv2.mean(crop, lips)[:3], np.float32)


def _inside_colour(lips: np.ndarray, shade: float) -> np.ndarray:
    """The lip colour, darkened to `shade` of its brightness and saturated to a mouth's inner red."""
    hue, saturation, value = colorsys.rgb_to_hsv(*(lips / 255))
    rgb = colorsys.hsv_to_rgb(hue, max(saturation, INSIDE_MIN_SATURATION), value * shade)
    return np.array(rgb, np.float32) * 255


def _window(z: np.ndarray, shape: tuple[int, ...]) -> tuple[slice, slice, complex]:
    """Rows, columns and corner (complex) of the frame window around points z, clipped to the frame."""
    top = int(np.clip(np.floor(z.imag.min()) - ROI_MARGIN, 0, shape[0]))
    bottom = int(np.clip(np.ceil(z.imag.max()) + ROI_MARGIN, 0, shape[0]))
    left = int(np.clip(np.floor(z.real.min()) - ROI_MARGIN, 0, shape[1]))
    right = int(np.clip(np.ceil(z.real.max()) + ROI_MARGIN, 0, shape[1]))
    return slice(top, bottom), slice(left, right), complex(left, top)


class MouthInterior:
    """Paints cavity and teeth into the mouth's gap: the opening the source's lips never had."""

    def __init__(self, crop: np.ndarray, landmarks: np.ndarray) -> None:
        lips = _lip_colour(crop, landmarks)
        self.throat_colour, self.tongue_colour = _inside_colour(lips, CAVITY_SHADE), _inside_colour(lips, TONGUE_SHADE)
        source_opening = float(ibug.mouth_opening(landmarks))
        painted = (OWN_TEETH_SHOWN - source_opening) / (OWN_TEETH_SHOWN - OWN_TEETH_HIDDEN)
        self.painted_teeth = float(np.clip(painted, 0, 1))

    def paint(self, frame: np.ndarray, landmarks: np.ndarray, gap: np.ndarray) -> None:
        """Draw into `frame` (h, w, 3) uint8, in place, given its complex landmarks (68,) and gap outline (8,)."""
        scale = float(ibug.face_scale(landmarks))
        opening = float(np.abs(gap[GAP_LOWER] - gap[GAP_UPPER]).mean()) / scale
        cavity_strength = np.clip(opening / CAVITY_RAMP, 0, 1)
        rows, columns, origin = _window(gap, frame.shape)
        window = frame[rows, columns].astype(np.float32)
        if cavity_strength == 0 or window.size == 0:
            return
        gap = gap - origin
        cavity = _polygon_mask(closed_curve(gap), window.shape[:2], FEATHER * scale) * cavity_strength

        # Each pixel in mouth coordinates from the middle of the gap's upper edge: along the eye line, and head-down.
        eye_line = landmarks[ibug.OUTER_EYE_CORNERS[1]] - landmarks[ibug.OUTER_EYE_CORNERS[0]]
        along_eyes = eye_line / abs(eye_line)
        upper_middle, lower_middle = gap[GAP_UPPER[1]], gap[GAP_LOWER[1]]
        ys, xs = np.mgrid[: window.shape[0], : window.shape[1]]
        mouth = ((xs + 1j * ys) - upper_middle) / along_eyes
        along, below = mouth.real, mouth.imag
        height = max(((lower_middle - upper_middle) / along_eyes).imag, 1.0)
        tongue = np.clip((below / height - TONGUE_TOP) / (1 - TONGUE_TOP), 0, 1)[..., None]
        inside = self.throat_colour + (self.tongue_colour - self.throat_colour) * tongue
        window += (inside - window) * cavity[..., None]

        teeth_strength = np.clip((opening - TEETH_START) / TEETH_RAMP, 0, 1) * cavity_strength * self.painted_teeth
        if teeth_strength > 0:
            # The row of upper teeth: everything in the opening above an arc that curves up towards the
            # corners, as a dental arch does, darkening into the corners' shadow.
            half_width = 0.5 * abs(gap[GAP_CORNERS[1]] - gap[GAP_CORNERS[0]])
            corner_distance = np.clip(np.abs(along) / half_width, 0, 1)
            depth = min(TEETH_HEIGHT, TEETH_SHARE_OF_GAP * opening) * scale
            edge = depth * (1 - TEETH_ARCH * corner_distance**2)
            teeth = np.clip((edge - below) / (FEATHER * scale) + 0.5, 0, 1) * cavity * teeth_strength
            shade = 1 - TEETH_CORNER_SHADOW * corner_distance**2
            window += (TEETH_COLOUR * shade[..., None] - window) * teeth[..., None]
        frame[rows, columns] = np.round(window).clip(0, 255).astype(np.uint8)
