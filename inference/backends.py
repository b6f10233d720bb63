"""Choosing and building an animation backend: FOMM with a checkpoint, the weight-free landmark animator without."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch

from inference.animator import Animator, DrivingMotion, SourceFace
from inference.errors import InputError

BACKENDS = ("fomm", "landmarks")
# Frames per generator call: batching gains nothing on a 2-core CPU and costs ~170 MB of activations; GPUs need it.
FOMM_CPU_BATCH_SIZE = 1
FOMM_GPU_BATCH_SIZE = 16
CHECKPOINT_HELP = (
    "no FOMM checkpoint is configured: download vox-adv-cpk.pth.tar from the first-order-model authors, "
    "then pass --checkpoint PATH or set MEMEBOT_CHECKPOINT (or use --backend landmarks, which needs no weights)"
)
log = logging.getLogger(__name__)


class BackendUnavailable(RuntimeError):
    """The asked-for backend cannot run here (no checkpoint, unreadable checkpoint)."""


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
            parts = [self.model.keypoints(_to_tensor(batch, self.model.device)) for batch in motion.frames(self.batch_size)]
            cached = {name: torch.cat([p[name] for p in parts]).cpu().numpy() for name in ("value", "jacobian")}
            motion.store_keypoints(self.model.weights_id, cached)
        return {name: torch.from_numpy(array).to(self.model.device) for name, array in cached.items()}

    def animate(self, face: SourceFace, motion: DrivingMotion, initial_frame: int) -> Iterator[np.ndarray]:
        from inference.fomm import normalize_kp

        driving = self.driving_keypoints(motion)
        source = _to_tensor(face.crop[None], self.model.device)
        kp_source = self.model.keypoints(source)
        encoded = self.model.encode_source(source, kp_source)  # once per render, not per frame
        kp_initial = {name: value[initial_frame:initial_frame + 1] for name, value in driving.items()}
        for start in range(0, motion.frame_count, self.batch_size):
            kp_batch = {name: value[start:start + self.batch_size] for name, value in driving.items()}
            kp_norm = normalize_kp(kp_source, kp_batch, kp_initial, relative=True, adapt_scale=True)
            yield _to_uint8(self.model.generate(encoded, kp_norm))


def choose_backend(requested: str | None, checkpoint: Path | None) -> str:
    """The backend to use: the one asked for, else FOMM when a checkpoint is configured, else landmarks."""
    if requested is not None and requested not in BACKENDS:
        raise InputError(f"unknown backend '{requested}'; choose one of {', '.join(BACKENDS)}")
    chosen = requested or ("fomm" if checkpoint else "landmarks")
    if chosen == "fomm" and not checkpoint:
        raise BackendUnavailable(CHECKPOINT_HELP)
    return chosen


def build_animator(backend: str, checkpoint: Path | None = None, device: str = "cpu") -> Animator:
    """Build the animator once (loading the model if it has one); log which backend serves renders."""
    if backend == "fomm":
        from inference.fomm import CheckpointError, load

        try:
            model = load(checkpoint, device=device)
        except (CheckpointError, FileNotFoundError) as error:
            raise BackendUnavailable(str(error)) from None
        log.info("animation backend: fomm (checkpoint %s, weights %s, %s)", checkpoint, model.weights_id, device)
        return FOMMAnimator(model)
    from inference.landmarks import LandmarkAnimator

    log.info("animation backend: landmarks (weight-free)")
    return LandmarkAnimator()
