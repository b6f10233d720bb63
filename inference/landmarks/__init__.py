"""A weight-free animator: moves a face photo's landmarks as the driving clip's move and warps the photo along."""
from inference.landmarks.animator import LandmarkAnimator

__all__ = ["LandmarkAnimator"]
