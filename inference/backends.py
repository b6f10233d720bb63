"""Choosing and building an animation backend: FOMM with a checkpoint, the weight-free landmark animator without."""
from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

from inference.animator import Animator
from inference.errors import InputError

BACKENDS = ("fomm", "landmarks")
CHECKPOINT_HELP = (
    "no FOMM checkpoint is configured: download vox-adv-cpk.pth.tar from the first-order-model authors, "
    "then pass --checkpoint PATH or set MEMEBOT_CHECKPOINT (or use --backend landmarks, which needs no weights)"
)
# The base install is weight-free; torch and safetensors come with the extra.
FOMM_PACKAGES = ("torch", "safetensors")
FOMM_EXTRA_HELP = "the FOMM backend needs 'pip install memebot[fomm]'"
DEFAULT_DTYPE = "auto"
log = logging.getLogger(__name__)


class BackendUnavailable(RuntimeError):
    """The asked-for backend cannot run here (no checkpoint, unreadable checkpoint, its packages not installed)."""


def require_fomm() -> None:
    """BackendUnavailable naming the extra unless FOMM's packages are installed (looked up, not imported)."""
    if any(importlib.util.find_spec(name) is None for name in FOMM_PACKAGES):
        raise BackendUnavailable(FOMM_EXTRA_HELP)


def choose_backend(requested: str | None, checkpoint: Path | None, *, runs_here: bool = False) -> str:
    """The backend to use: the one asked for, else FOMM when a checkpoint is configured, else landmarks.

    `runs_here`: this process will build it, so FOMM's packages must be installed (a cluster's bot, which only
    hands renders to workers, needs neither torch nor the checkpoint file).
    """
    if requested is not None and requested not in BACKENDS:
        raise InputError(f"unknown backend '{requested}'; choose one of {', '.join(BACKENDS)}")
    chosen = requested or ("fomm" if checkpoint else "landmarks")
    if chosen == "fomm" and runs_here:
        require_fomm()
    if chosen == "fomm" and not checkpoint:
        raise BackendUnavailable(CHECKPOINT_HELP)
    return chosen


def build_animator(backend: str, checkpoint: Path | None = None, device: str = "cpu",
                   dtype: str = DEFAULT_DTYPE, batch_frames: int = 0) -> Animator:
    """Build the animator once (loading the model if it has one); log which backend serves renders, and how.

    dtype: FOMM's generator precision, one of inference.fomm.precision.DTYPE_NAMES ("auto" picks for the device).
    batch_frames: > 0 serves FOMM through a FrameBatcher, so concurrent renders share model calls of that many frames.
    """
    # Imported only when chosen: a weight-free deployment never loads torch.
    if backend == "fomm":
        require_fomm()
        from inference.fomm import CheckpointError, load
        from inference.fomm.animator import FOMMAnimator
        from inference.fomm.precision import resolve_dtype

        assert checkpoint is not None, "choose_backend refuses fomm without a checkpoint"
        try:
            dtype_name, torch_dtype = resolve_dtype(dtype, device)
        except ValueError as error:
            raise InputError(str(error)) from None
        try:
            model = load(checkpoint, device=device, dtype=torch_dtype)
        except (CheckpointError, FileNotFoundError) as error:
            raise BackendUnavailable(str(error)) from None
        log.info("animation backend: fomm (checkpoint %s, weights %s, %s, %s%s%s)", checkpoint, model.weights_id,
                 device, dtype_name, " chosen by auto" if dtype == "auto" else "",
                 f", renders batched {batch_frames} frames a call" if batch_frames else "")
        if batch_frames:
            from inference.fomm.batching import FrameBatcher

            return FrameBatcher(FOMMAnimator(model), batch_frames)
        return FOMMAnimator(model)
    from inference.landmarks import LandmarkAnimator

    log.info("animation backend: landmarks (weight-free)")
    return LandmarkAnimator()
