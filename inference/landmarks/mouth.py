"""The inside of the mouth, taken from the template's own frame: its teeth, tongue and cavity, warped to the
photo's mouth shape and relit as the photo's skin around the mouth is lit."""
from __future__ import annotations

import cv2
import numpy as np

from inference.landmarks import ibug
from inference.landmarks.curve import closed_curve
from inference.landmarks.similarity import DRAW_SHIFT, as_drawable

# How wide the new gap must open (face scales) to show the inside at full strength: a hairline gap shows none.
GAP_RAMP = 0.04
# Edge softness of the inside at the lips, in face scales (about two pixels on a 512 px portrait).
FEATHER = 0.02
# The template's inside covers the photo's own (its teeth) by how far the mouth opens past the photo's: fully
# at twice its opening, as its lower teeth are gone behind the lower lip there (see Mesh._gap_rows).
OWN_MOUTH_GONE_AT = 2.0
# A photo's mouth opened less than this (face scales) counts as shut: it has no inside of its own to show.
SHUT_OPENING = 0.02
# The light is read off the skin around the mouth: a band this wide (face scales) outside the outer lip line (the
# lips' colour is the person's, not the light's), by its median, which a nose's shadow or a beard edge cannot move.
SURROUND_WIDTH = 0.1
# Weight of the outer-lip points beside the inner ones in the template-to-photo fit: they keep the fit whole when
# the inner lips lie in a line, while the inner ones place the inside on the opening.
OUTER_LIP_FIT_WEIGHT = 0.1
# Each colour channel of the inside is made at most this much brighter or darker, so an odd surround cannot turn
# a throat grey or black.
GAIN_LIMITS = (0.5, 2.0)
# Pixels of room around the outer lips for the feathered edge.
ROI_MARGIN = 6
# Points of the gap outline (see Mesh.gap_outline): its upper and lower rows, facing each other.
GAP_UPPER, GAP_LOWER = np.array([1, 2, 3]), np.array([7, 6, 5])
MOUTH = np.r_[ibug.OUTER_LIPS, ibug.INNER_LIPS]
FIT_WEIGHTS = np.r_[np.full(len(ibug.OUTER_LIPS), OUTER_LIP_FIT_WEIGHT), np.ones(len(ibug.INNER_LIPS))]


def _fill(z: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A uint8 mask (255 inside) of the smooth closed curve through complex points z."""
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [as_drawable(closed_curve(z))], 255, cv2.LINE_AA, DRAW_SHIFT)
    return mask


def _window(z: np.ndarray, shape: tuple[int, ...], margin: int = ROI_MARGIN) -> tuple[slice, slice, complex]:
    """Rows, columns and corner (complex) of the image window `margin` pixels around points z, clipped to the
    image."""
    top = int(np.clip(np.floor(z.imag.min()) - margin, 0, shape[0]))
    bottom = int(np.clip(np.ceil(z.imag.max()) + margin, 0, shape[0]))
    left = int(np.clip(np.floor(z.real.min()) - margin, 0, shape[1]))
    right = int(np.clip(np.ceil(z.real.max()) + margin, 0, shape[1]))
    return slice(top, bottom), slice(left, right), complex(left, top)




def _light(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Median RGB colour (3,) of the skin around the mouth in an RGB image with complex landmarks (68,)."""
    width = max(1, round(SURROUND_WIDTH * float(ibug.face_scale(landmarks))))
    outer = landmarks[ibug.OUTER_LIPS]
    rows, columns, origin = _window(outer, image.shape, width + ROI_MARGIN)
    window = image[rows, columns]
    lips = _fill(outer - origin, window.shape[:2])
    band = cv2.dilate(lips, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * width + 1,) * 2)) & ~lips
    return np.median(window[band > 0], axis=0).astype(np.float32)


def _affine(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The weighted least-squares affine map (2, 3) taking the mouth points of complex landmarks `source` onto
    those of `target`."""
    rows = np.stack([source[MOUTH].real, source[MOUTH].imag, np.ones(len(MOUTH))], axis=1) * FIT_WEIGHTS[:, None]
    goals = np.stack([target[MOUTH].real, target[MOUTH].imag], axis=1) * FIT_WEIGHTS[:, None]
    return np.linalg.lstsq(rows, goals, rcond=None)[0].T


class MouthInterior:
    """Shows the template's mouth interior in the photo's opening: wherever the opening is new (the gap between
    the lips' moved halves) and, as the mouth opens past the photo's, over the photo's own teeth too."""

    def __init__(self, photo: np.ndarray, landmarks: np.ndarray) -> None:
        self.photo_light = _light(photo, landmarks)
        self.photo_opening = max(float(ibug.mouth_opening(landmarks)), SHUT_OPENING)

    def paint(self, frame: np.ndarray, landmarks: np.ndarray, gap: np.ndarray, template: np.ndarray,
              template_landmarks: np.ndarray) -> None:
        """Draw into `frame` (h, w, 3) uint8, in place, given its complex landmarks (68,) and gap outline (8,),
        the template's frame (h', w', 3) uint8 and its complex landmarks (68,)."""
        rows, columns, origin = _window(landmarks[ibug.OUTER_LIPS], frame.shape)
        shape = (rows.stop - rows.start, columns.stop - columns.start)
        scale = float(ibug.face_scale(landmarks))
        gap_strength = np.clip(float(np.abs(gap[GAP_LOWER] - gap[GAP_UPPER]).mean()) / scale / GAP_RAMP, 0, 1)
        covers_own = np.clip((float(ibug.mouth_opening(landmarks)) / self.photo_opening - 1)
                             / (OWN_MOUTH_GONE_AT - 1), 0, 1)
        if min(shape) == 0 or gap_strength == covers_own == 0:
            return
        mask = np.maximum(gap_strength * _fill(gap - origin, shape),
                          covers_own * _fill(landmarks[ibug.INNER_LIPS] - origin, shape)).astype(np.float32)
        # Grown by the feather before softening, so the inside reaches the lip line whole and fades on the lips.
        feather = FEATHER * scale
        reach = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * round(feather) + 1,) * 2)
        alpha = cv2.GaussianBlur(cv2.dilate(mask, reach) / 255, (0, 0), feather)[..., None]

        inside = cv2.warpAffine(template, _affine(template_landmarks, landmarks - origin), shape[::-1],
                                flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        # Relit as the photo's skin is lit: light multiplies each channel, so a dark throat stays dark.
        gain = np.clip(self.photo_light / np.maximum(_light(template, template_landmarks), 1.0), *GAIN_LIMITS)

        window = frame[rows, columns].astype(np.float32)
        window += (inside * gain - window) * alpha
        frame[rows, columns] = np.round(window).clip(0, 255).astype(np.uint8)
