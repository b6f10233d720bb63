"""FOMM as an animation backend: relative motion from the template's cached keypoints, one source encoding per
render."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch

from inference.animator import DrivingMotion, SourceFace
from inference.fomm.motion import normalize_kp

# Frames per generator call: batching gains nothing on a 2-core CPU and costs ~170 MB of activations; GPUs need it.
FOMM_CPU_BATCH_SIZE = 1
FOMM_GPU_BATCH_SIZE = 16


def _to_tensor(frames: np.ndarray, device: torch.device) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(frames)).to(device).permute(0, 3, 1, 2).float().div_(255)


def _to_uint8(frames: torch.Tensor) -> np.ndarray:
    return frames.mul(255).round_().clamp_(0, 255).to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()


class FOMMAnimator:
    """FOMM's relative motion transfer; driving keypoints come from the template's cache, computed once per weights."""

    backend = "fomm"

    def __init__(self, model, batch_size: int | None = None) -> None:
        self.model = model
        self.batch_size = batch_size or (FOMM_CPU_BATCH_SIZE if model.device.type == "cpu" else FOMM_GPU_BATCH_SIZE)

    def driving_keypoints(self, motion: DrivingMotion) -> dict[str, torch.Tensor]:
        """The motion's keypoints for these weights: from its cache, else computed in batches and cached."""
        cached = motion.cached_keypoints(self.model.weights_id)
        if cached is None:
            parts = [
                self.model.keypoints(_to_tensor(batch, self.model.device)) for batch in motion.frames(self.batch_size)
            ]
            cached = {name: torch.cat([p[name] for p in parts]).cpu().numpy() for name in ("value", "jacobian")}
            motion.store_keypoints(self.model.weights_id, cached)
        return {name: torch.from_numpy(array).to(self.model.device) for name, array in cached.items()}

    def animate(self, face: SourceFace, motion: DrivingMotion, initial_frame: int) -> Iterator[np.ndarray]:
        driving = self.driving_keypoints(motion)
        source = _to_tensor(face.crop[None], self.model.device)
        kp_source = self.model.keypoints(source)
        encoded = self.model.encode_source(source, kp_source)  # once per render, not per frame
        kp_initial = {name: value[initial_frame:initial_frame + 1] for name, value in driving.items()}
        for start in range(0, motion.frame_count, self.batch_size):
            kp_batch = {name: value[start:start + self.batch_size] for name, value in driving.items()}
            kp_norm = normalize_kp(kp_source, kp_batch, kp_initial, relative=True, adapt_scale=True)
            yield _to_uint8(self.model.generate(encoded, kp_norm))
