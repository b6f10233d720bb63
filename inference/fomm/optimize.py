"""Inference-only rewrites of the official networks that compute the same up to fp32 rounding, faster."""
from typing import cast

import torch
import torch.nn.functional as F
from torch import nn

from .blocks import ResBlock2d, UpBlock2d
from .generator import OcclusionAwareGenerator
from .winograd import WinogradConv2d

# Nearest 2x upsampling then a 3-tap filter equals, per output phase (even/odd row), a 2-tap filter on the
# low-resolution input: phase 0 sees rows (i-1, i) with taps (w0, w1 + w2), phase 1 rows (i, i+1) with (w0 + w1, w2).
_PHASE_TAPS = torch.tensor([[[1, 0, 0], [0, 1, 1]],
                            [[1, 1, 0], [0, 0, 1]]], dtype=torch.float32)  # (phase, 2-tap, 3-tap)


class SubpixelUpBlock2d(nn.Module):
    """A folded UpBlock2d as four 2x2 convs at the input resolution: 2.25x fewer MACs, no upsampled copy."""

    def __init__(self, block: UpBlock2d):
        super().__init__()
        if not isinstance(block.norm, nn.Identity):
            raise ValueError("fold the block's BatchNorm first")
        weight = block.conv.weight.detach()
        self.out_features = weight.shape[0]
        # (row phase a, column phase p, out, in, 2, 2) -> out channels ordered phase-major: (2a + p) * out + o
        phases = torch.einsum("aiu,pjv,ocuv->apocij", _PHASE_TAPS.to(weight), _PHASE_TAPS.to(weight), weight)
        self.weight = nn.Parameter(phases.reshape(4 * self.out_features, weight.shape[1], 2, 2), requires_grad=False)
        assert block.conv.bias is not None, "UpBlock2d's conv has a bias"
        self.bias = nn.Parameter(block.conv.bias.detach().repeat(4), requires_grad=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, _, h, w = x.shape
        c = self.out_features
        # padding 1 gives (h+1, w+1) outputs; phase a of output row 2i+a is at row i+a of its phase's output
        phases = F.relu(F.conv2d(x, self.weight, self.bias, padding=1), inplace=True)
        channels_last = x.is_contiguous(memory_format=torch.channels_last)
        out = torch.empty(b, c, 2 * h, 2 * w, dtype=phases.dtype, device=phases.device,
                          memory_format=torch.channels_last if channels_last else torch.contiguous_format)
        for a in (0, 1):
            for p in (0, 1):
                out[:, :, a::2, p::2] = phases[:, (2 * a + p) * c:(2 * a + p + 1) * c, a:a + h, p:p + w]
        return out


def use_winograd_convs_(block: ResBlock2d) -> None:
    """In place: the residual block's two 3x3 convs become Winograd F(4x4, 3x3), 4x fewer multiplies; its forward
    stays as it is."""
    for name in ("conv1", "conv2"):
        block.add_module(name, WinogradConv2d(getattr(block, name)))


def optimize_for_inference_(network: nn.Module, fewer_flops: bool = True) -> None:
    """In place: fold every BatchNorm that follows a conv; with fewer_flops the generator also gets sub-pixel up
    blocks and Winograd bottleneck convs (see precision.fewer_flop_convs_pay for where they pay)."""
    for module in list(network.modules()):
        fold = getattr(module, "fold_batchnorm_", None)
        if fold is not None:
            fold()
    if fewer_flops and isinstance(network, OcclusionAwareGenerator):
        # only these pay (9.7 GMAC a frame at 128-256 px): the hourglasses' up blocks run at 64 px and less, where
        # the padded border eats the saving, and their weights would grow by 16/9 (about 85 MB more)
        for i, block in enumerate(network.up_blocks):
            network.up_blocks[i] = SubpixelUpBlock2d(cast(UpBlock2d, block))  # a ModuleList's items are Modules to mypy
        # 58 of its 79 GFLOP a frame; their weights grow 4x (by 85 MB)
        for block in network.bottleneck:
            use_winograd_convs_(cast(ResBlock2d, block))
