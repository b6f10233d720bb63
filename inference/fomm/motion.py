"""Relative motion transfer: the official normalize_kp and its convex-hull movement scale."""
import numpy as np
import torch
from scipy.spatial import ConvexHull

from .geometry import inverse_2x2, matmul_2x2

Keypoints = dict[str, torch.Tensor]


def adapt_movement_scale(kp_source: Keypoints, kp_driving_initial: Keypoints) -> float:
    """sqrt(hull area of the source keypoints / hull area of the initial driving ones), float64, batch element 0."""
    def hull_area(kp: Keypoints) -> float:
        return ConvexHull(kp["value"][0].detach().cpu().double().numpy()).volume  # a 2-D hull's volume is its area

    return float(np.sqrt(hull_area(kp_source)) / np.sqrt(hull_area(kp_driving_initial)))


def normalize_kp(kp_source: Keypoints, kp_driving: Keypoints, kp_driving_initial: Keypoints,
                 relative: bool = True, adapt_scale: bool = True) -> Keypoints:
    """Driving keypoints to drive the generator with: moved relative to the initial driving frame, or as they are.

    relative: value = (driving - initial) * scale + source, jacobian = J_d J_initial^-1 J_s;
    adapt_scale: scale = adapt_movement_scale(...) instead of 1. relative=False returns kp_driving unchanged.
    """
    if not relative:
        return dict(kp_driving)
    scale = adapt_movement_scale(kp_source, kp_driving_initial) if adapt_scale else 1.0
    value = (kp_driving["value"] - kp_driving_initial["value"]) * scale + kp_source["value"]
    jacobian = matmul_2x2(matmul_2x2(kp_driving["jacobian"], inverse_2x2(kp_driving_initial["jacobian"])),
                          kp_source["jacobian"])
    return {"value": value, "jacobian": jacobian}
