"""FOMM as an animation backend: relative motion from the template's cached keypoints, one source encoding per
render."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

from inference.animator import DrivingMotion, SourceFace
from inference.fomm.generator import SourceEncoding
from inference.fomm.motion import Keypoints, normalize_kp

# Frames per generator call: batching gains nothing on a 2-core CPU and costs ~170 MB of activations; GPUs need it.
FOMM_CPU_BATCH_SIZE = 1
FOMM_GPU_BATCH_SIZE = 16


def _to_tensor(frames: np.ndarray, device: torch.device) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(frames)).to(device).permute(0, 3, 1, 2).float().div_(255)


def to_uint8(frames: torch.Tensor) -> torch.Tensor:
    """(B, 3, H, W) frames in [0, 1] -> (B, H, W, 3) uint8 on their own device."""
    return frames.mul(255).round_().clamp_(0, 255).to(torch.uint8).permute(0, 2, 3, 1)


def _to_uint8(frames: torch.Tensor) -> np.ndarray:
    return to_uint8(frames).cpu().numpy()


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

    def prepare(self, face: SourceFace, motion: DrivingMotion, initial_frame: int) -> PreparedRender:
        """The source encoded once and every frame's relative keypoints, normalised at once (one convex hull)."""
        driving = self.driving_keypoints(motion)
        source = _to_tensor(face.crop[None], self.model.device)
        kp_source = self.model.keypoints(source)
        kp_initial = {name: value[initial_frame:initial_frame + 1] for name, value in driving.items()}
        return PreparedRender(self.model.encode_source(source, kp_source),
                              normalize_kp(kp_source, driving, kp_initial, relative=True, adapt_scale=True))

    def animate(self, face: SourceFace, motion: DrivingMotion, initial_frame: int) -> Iterator[np.ndarray]:
        prepared = self.prepare(face, motion, initial_frame)
        for start in range(0, prepared.frame_count, self.batch_size):
            kp_batch = {name: value[start:start + self.batch_size] for name, value in prepared.kp_driving.items()}
            yield _to_uint8(self.model.generate(prepared.encoding, kp_batch))


@dataclass(frozen=True)
class PreparedRender:
    """What a render's frames are generated from: the source encoding and the driving keypoints to use."""

    encoding: SourceEncoding
    kp_driving: Keypoints  # normalised, (frames, K, ...) on the model's device

    @property
    def frame_count(self) -> int:
        return len(self.kp_driving["value"])
