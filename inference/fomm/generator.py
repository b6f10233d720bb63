"""The official OcclusionAwareGenerator, split into a once-per-source encoding and a per-frame decoding."""
from collections import OrderedDict
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .blocks import DownBlock2d, ResBlock2d, SameBlock2d, UpBlock2d, channel_width
from .config import FOMMConfig
from .dense_motion import DenseMotionNetwork, MotionSource


@dataclass(frozen=True)
class SourceEncoding:
    """Everything the generator computes from the source image alone."""

    features: torch.Tensor  # (1, C, h, w) encoder output, warped per frame (or one per frame: see batching.py)
    motion: MotionSource


class OcclusionAwareGenerator(nn.Module):
    """Source image + source/driving keypoints -> the source re-posed like the driving frame, in [0, 1]."""

    def __init__(self, config: FOMMConfig):
        super().__init__()
        cfg = config.generator
        levels = cfg.num_down_blocks

        def width(level: int) -> int:
            return channel_width(cfg.block_expansion, cfg.max_features, level)

        self.dense_motion_network = DenseMotionNetwork(config)
        self.first = SameBlock2d(config.num_channels, cfg.block_expansion, kernel_size=7)
        self.down_blocks = nn.ModuleList(DownBlock2d(width(i), width(i + 1)) for i in range(levels))
        self.up_blocks = nn.ModuleList(UpBlock2d(width(levels - i), width(levels - i - 1)) for i in range(levels))
        self.bottleneck = nn.Sequential(OrderedDict(
            (f"r{i}", ResBlock2d(width(levels))) for i in range(cfg.num_bottleneck_blocks)))
        self.final = nn.Conv2d(cfg.block_expansion, config.num_channels, kernel_size=7, padding=3)

    def encode(self, source_image: torch.Tensor, kp_source: dict[str, torch.Tensor]) -> SourceEncoding:
        """The source-only work: first and down blocks, and the source half of dense motion."""
        features = self.first(source_image)
        for block in self.down_blocks:
            features = block(features)
        return SourceEncoding(features=features, motion=self.dense_motion_network.prepare(source_image, kp_source))

    def decode(self, source: SourceEncoding, kp_driving: dict[str, torch.Tensor]) -> torch.Tensor:
        """(B, C, H, W) predictions for B driving keypoint sets, all from the one source encoding."""
        motion = self.dense_motion_network(source.motion, kp_driving)
        out = warp(source.features.expand(len(motion.deformation), *source.features.shape[1:]), motion.deformation)
        out = out * resize_to(motion.occlusion, out.shape[2:])
        out = self.bottleneck(out)
        for block in self.up_blocks:
            out = block(out)
        return torch.sigmoid(self.final(out))

    def forward(self, source_image: torch.Tensor, kp_driving: dict[str, torch.Tensor],
                kp_source: dict[str, torch.Tensor]) -> torch.Tensor:
        """The official forward (argument order included), returning only the prediction."""
        return self.decode(self.encode(source_image, kp_source), kp_driving)


def resize_to(maps: torch.Tensor, size: torch.Size) -> torch.Tensor:
    """Bilinear resize of (B, C, h, w) maps to `size`, a no-op when it already matches (as in vox-256)."""
    return maps if maps.shape[2:] == size else F.interpolate(maps, size=size, mode="bilinear")


def warp(features: torch.Tensor, deformation: torch.Tensor) -> torch.Tensor:
    """Sample (B, C, H, W) features at a (B, h, w, 2) deformation, resized to (H, W) first if needed."""
    grid = resize_to(deformation.permute(0, 3, 1, 2), features.shape[2:]).permute(0, 2, 3, 1)
    return F.grid_sample(features, grid, align_corners=False)
