"""The loaded model and its inference API: keypoints, source encoding, frame generation, whole animations."""
import contextlib
import functools
import os
from typing import cast

import torch

from .checkpoint import networks, read_checkpoint, weights_id
from .config import FOMMConfig
from .generator import OcclusionAwareGenerator, SourceEncoding
from .keypoint_detector import KPDetector
from .motion import Keypoints, normalize_kp
from .optimize import optimize_for_inference_
from .precision import fewer_flop_convs_pay, store_weights_in_


def _inference(method):
    """Run an API method without autograd."""
    @functools.wraps(method)
    def wrapper(self: "FOMM", *args, **kwargs):
        with torch.inference_mode():
            return method(self, *args, **kwargs)
    return wrapper


class FOMM:
    """A First Order Motion Model in eval mode on one device, optimised for inference unless told not to.

    It takes over the two networks given (optimising changes them in place); `load` is the usual way in.

    optimize: fold BatchNorm into the convs, use sub-pixel up blocks and Winograd bottleneck convs where they pay
    (same results within 1e-4);
    channels_last: keep weights and activations channels-last (faster convs on CPU and on CUDA tensor cores);
    dtype: store the generator's weights in this dtype and run it under torch.autocast with it (torch.bfloat16 on
    a CPU with native bf16, torch.float16 on CUDA); None means fp32. The keypoint detector stays fp32: it runs
    once per source and once per template, whose cached keypoints then do not depend on a worker's dtype.
    """

    def __init__(self, kp_detector: KPDetector, generator: OcclusionAwareGenerator, config: FOMMConfig,
                 weights_id: str, device: str | torch.device = "cpu", dtype: torch.dtype | None = None,
                 optimize: bool = True, channels_last: bool = True):
        self.config = config
        self.weights_id = weights_id
        self.device = torch.device(device)
        self.dtype = dtype
        self.memory_format = torch.channels_last if channels_last else torch.contiguous_format
        fewer_flops = fewer_flop_convs_pay(self.device, dtype)
        for network in (kp_detector, generator):
            network.eval().requires_grad_(False)
            if optimize:
                optimize_for_inference_(network, fewer_flops)
            if dtype is not None and network is generator:
                store_weights_in_(network, dtype)
            # Module.to takes memory_format at run time; torch's stub leaves it out.
            network.to(self.device, memory_format=self.memory_format)  # type: ignore[call-overload]
        self.kp_detector = kp_detector
        self.generator = generator

    def autocast(self) -> contextlib.AbstractContextManager:
        """The autocast context of the model's dtype (a no-op for fp32)."""
        if self.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.dtype)

    def _images(self, images: torch.Tensor) -> torch.Tensor:
        return images.to(self.device, torch.float32, memory_format=self.memory_format)

    def _keypoints(self, kp: Keypoints) -> Keypoints:
        return {name: kp[name].to(self.device, torch.float32) for name in ("value", "jacobian")}

    @_inference
    def keypoints(self, frames: torch.Tensor) -> Keypoints:
        """Frames (B, 3, H, W) in [0, 1] -> {"value": (B, K, 2), "jacobian": (B, K, 2, 2)}, fp32."""
        return {name: t.float() for name, t in self.kp_detector(self._images(frames)).items()}

    @_inference
    def encode_source(self, source: torch.Tensor, kp_source: Keypoints) -> SourceEncoding:
        """Everything that depends only on the (1, 3, H, W) source: compute it once per render."""
        with self.autocast():
            return self.generator.encode(self._images(source), self._keypoints(kp_source))

    @_inference
    def generate(self, encoding: SourceEncoding, kp_driving: Keypoints) -> torch.Tensor:
        """(B, 3, H, W) fp32 frames in [0, 1] for B driving keypoint sets (normalised ones in relative mode)."""
        with self.autocast():
            return self.generator.decode(encoding, self._keypoints(kp_driving)).float()

    @_inference
    def animate(self, source: torch.Tensor, kp_source: Keypoints, kp_driving: Keypoints, kp_initial: Keypoints,
                relative: bool = True, adapt_scale: bool = True) -> torch.Tensor:
        """The source animated by B driving keypoint sets, as the official demo does (relative=False: absolute)."""
        kp_source = self._keypoints(kp_source)
        kp_norm = normalize_kp(kp_source, self._keypoints(kp_driving), self._keypoints(kp_initial),
                               relative=relative, adapt_scale=adapt_scale)
        return self.generate(self.encode_source(source, kp_source), kp_norm)


def load(path: str | os.PathLike, device: str | torch.device = "cpu", config: FOMMConfig = FOMMConfig(),
         dtype: torch.dtype | None = None, optimize: bool = True, channels_last: bool = True) -> FOMM:
    """Load an official vox checkpoint (.pth.tar) or its converted .safetensors; CheckpointError if unusable.

    optimize, channels_last and dtype: see FOMM.
    """
    state_dicts = read_checkpoint(path, config)
    digest = weights_id(state_dicts)
    with torch.device("meta"):  # the loaded tensors replace every parameter, so skip the random init
        built = networks(config)
    for part, network in built.items():
        # pop: the modules become the only owners, so tensors replaced while optimising are freed at once
        network.load_state_dict(state_dicts.pop(part), strict=True, assign=True)
    kp_detector, generator = cast(KPDetector, built["kp_detector"]), cast(OcclusionAwareGenerator, built["generator"])
    return FOMM(kp_detector, generator, config, digest, device, dtype, optimize, channels_last)
