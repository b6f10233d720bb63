"""Inference-only rewrites of the official networks that compute the same up to fp32 rounding, faster."""
from typing import cast

import torch
import torch.nn.functional as F
from torch import nn

from .blocks import ResBlock2d, UpBlock2d, memory_format_of
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
        out = torch.empty(b, c, 2 * h, 2 * w, dtype=phases.dtype, device=phases.device,
                          memory_format=memory_format_of(x))
        for a in (0, 1):
            for p in (0, 1):
                out[:, :, a::2, p::2] = phases[:, (2 * a + p) * c:(2 * a + p + 1) * c, a:a + h, p:p + w]
        return out


# Below this many output channels oneDNN's direct conv leaves its fast path (measured: 1 and 3 are 2-4x slower than
# as column taps, 10 and 11 break even).
FEW_OUTPUTS = 8


class ColumnTapsConv2d(nn.Module):
    """A wide-kernel conv with few outputs as a (kh, 1) conv to (out x kw) channels, one per kernel column, summed
    at their column shifts: the same products, but oneDNN runs a conv with 3 outputs off its fast path (64->3 7x7
    at 256 px, batch 4, 2 threads: 122 ms direct, 55 ms so) and one with 21 on it."""

    @staticmethod
    def pays_for(conv: nn.Conv2d) -> bool:
        """Whether `conv` can be rewritten so (plain, stride 1) and gains from it (few outputs, kernel wider than 1)."""
        plain = conv.stride == (1, 1) and conv.dilation == (1, 1) and conv.groups == 1
        plain = plain and not isinstance(conv.padding, str)
        return plain and conv.out_channels < FEW_OUTPUTS and conv.kernel_size[1] > 1

    def __init__(self, conv: nn.Conv2d):
        super().__init__()
        if not self.pays_for(conv):
            raise ValueError(f"not a plain stride-1 conv with few outputs and a kernel wider than 1: {conv}")
        weight = conv.weight.detach()
        self.out_features, _, _, self.kernel_width = weight.shape
        # (out, in, kh, kw) -> (out * kw, in, kh, 1): output channel o * kw + j holds column j of filter o
        self.weight = nn.Parameter(weight.permute(0, 3, 1, 2).reshape(-1, weight.shape[1], weight.shape[2], 1),
                                   requires_grad=False)
        bias = conv.bias.detach() if conv.bias is not None else weight.new_zeros(self.out_features)
        self.bias = nn.Parameter(bias, requires_grad=False)
        self.padding = cast(tuple[int, int], conv.padding)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        columns = F.conv2d(x, self.weight, padding=self.padding)  # (B, out * kw, H', W + 2 pw): every column's taps
        b, _, h, padded_width = columns.shape
        width = padded_width - self.kernel_width + 1
        # viewed as (B, H', W', out, kw), tap j of output column x being padded column x + j: one strided reduction
        nhwc = columns.permute(0, 2, 3, 1)
        image_stride, row_stride, column_stride, channel_stride = nhwc.stride()
        shifted = nhwc.as_strided((b, h, width, self.out_features, self.kernel_width),
                                  (image_stride, row_stride, column_stride, self.kernel_width * channel_stride,
                                   column_stride + channel_stride), nhwc.storage_offset())
        # summed in fp32: under autocast the taps come out in bf16, and the sum then rounds only once more
        out = shifted.sum(-1, dtype=torch.float32).add_(self.bias).to(columns.dtype).permute(0, 3, 1, 2)
        return out.contiguous(memory_format=memory_format_of(x))


def use_winograd_convs_(block: ResBlock2d) -> None:
    """In place: the residual block's two 3x3 convs become Winograd F(4x4, 3x3), 4x fewer multiplies; its forward
    stays as it is."""
    for name in ("conv1", "conv2"):
        block.add_module(name, WinogradConv2d(getattr(block, name)))


def optimize_for_inference_(network: nn.Module, fewer_flops: bool = True) -> None:
    """In place: fold every BatchNorm that follows a conv and run convs with few outputs as column taps; with
    fewer_flops the generator also gets sub-pixel up blocks and Winograd bottleneck convs (see
    precision.fewer_flop_convs_pay for where they pay)."""
    for module in list(network.modules()):
        fold = getattr(module, "fold_batchnorm_", None)
        if fold is not None:
            fold()
        for name, child in module.named_children():
            if isinstance(child, nn.Conv2d) and ColumnTapsConv2d.pays_for(child):
                setattr(module, name, ColumnTapsConv2d(child))  # the generator's final conv, dense motion's occlusion
    if fewer_flops and isinstance(network, OcclusionAwareGenerator):
        # only these pay (9.7 GMAC a frame at 128-256 px): the hourglasses' up blocks run at 64 px and less, where
        # the padded border eats the saving, and their weights would grow by 16/9 (about 85 MB more)
        for i, block in enumerate(network.up_blocks):
            network.up_blocks[i] = SubpixelUpBlock2d(cast(UpBlock2d, block))  # a ModuleList's items are Modules to mypy
        # 58 of its 79 GFLOP a frame; their weights grow 4x (by 85 MB)
        for block in network.bottleneck:
            use_winograd_convs_(cast(ResBlock2d, block))
