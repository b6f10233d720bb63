"""The official DenseMotionNetwork, split into its source-only half (once per render) and its per-frame half."""
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .blocks import Hourglass, downscaler
from .config import FOMMConfig
from .geometry import coordinate_grid, inverse_2x2, keypoint_gaussians, matmul_2x2


@dataclass(frozen=True)
class MotionSource:
    """What dense motion needs from the source image and its keypoints; depends on nothing per frame."""

    # batch 1, or one per frame where frames of several sources share a model call
    image: torch.Tensor  # (1, C, h, w) anti-aliased, downscaled source
    gaussians: torch.Tensor  # (1, K, h, w) Gaussians of the source keypoints
    kp_value: torch.Tensor  # (1, K, 2)
    kp_jacobian: torch.Tensor  # (1, K, 2, 2)


@dataclass(frozen=True)
class DenseMotion:
    """Per-frame dense motion: where each output pixel samples the source, and what is visible."""

    deformation: torch.Tensor  # (B, h, w, 2) grid_sample coordinates into the source
    occlusion: torch.Tensor  # (B, 1, h, w) in [0, 1]
    mask: torch.Tensor  # (B, K + 1, h, w) softmax weights of background + each keypoint's motion


class DenseMotionNetwork(nn.Module):
    """Blends the keypoints' local affine motions into one dense deformation plus an occlusion map."""

    def __init__(self, config: FOMMConfig):
        super().__init__()
        cfg = config.generator.dense_motion
        self.kp_variance = cfg.kp_variance
        # per keypoint (and the background): its heatmap channel and the source warped by its motion
        in_features = (config.num_kp + 1) * (config.num_channels + 1)
        self.hourglass = Hourglass(cfg.block_expansion, in_features, cfg.max_features, cfg.num_blocks)
        self.mask = nn.Conv2d(self.hourglass.out_features, config.num_kp + 1, kernel_size=7, padding=3)
        self.occlusion = nn.Conv2d(self.hourglass.out_features, 1, kernel_size=7, padding=3)
        self.down = downscaler(config.num_channels, cfg.scale_factor)

    def prepare(self, source_image: torch.Tensor, kp_source: dict[str, torch.Tensor]) -> MotionSource:
        """The source-only half: downscaled source and its keypoint Gaussians."""
        image = self.down(source_image)
        h, w = image.shape[2:]
        return MotionSource(image=image, gaussians=keypoint_gaussians(kp_source["value"], h, w, self.kp_variance),
                            kp_value=kp_source["value"], kp_jacobian=kp_source["jacobian"])

    def forward(self, source: MotionSource, kp_driving: dict[str, torch.Tensor]) -> DenseMotion:
        b, k = kp_driving["value"].shape[:2]
        c, h, w = source.image.shape[1:]
        heatmaps = keypoint_gaussians(kp_driving["value"], h, w, self.kp_variance) - source.gaussians
        heatmaps = torch.cat([heatmaps.new_zeros(b, 1, h, w), heatmaps], dim=1)  # zero background channel
        motions = self.sparse_motions(source, kp_driving)
        # one source image per frame or one for all (frames of several renders share a batch; see batching.py)
        images = source.image.unsqueeze(1).expand(b, k + 1, c, h, w).reshape(b * (k + 1), c, h, w)
        warped = F.grid_sample(images, motions.view(b * (k + 1), h, w, 2), align_corners=False)
        features = torch.cat([heatmaps.unsqueeze(2), warped.reshape(b, k + 1, c, h, w)], dim=2)
        prediction = self.hourglass(features.reshape(b, (k + 1) * (c + 1), h, w))
        mask = torch.softmax(self.mask(prediction), dim=1)
        deformation = (motions * mask.unsqueeze(-1)).sum(dim=1)
        return DenseMotion(deformation=deformation, occlusion=torch.sigmoid(self.occlusion(prediction)), mask=mask)

    @staticmethod
    def sparse_motions(source: MotionSource, kp_driving: dict[str, torch.Tensor]) -> torch.Tensor:
        """(B, K + 1, h, w, 2): identity, then T_k(z) = J_s J_d^-1 (z - p_d) + p_s for each keypoint k."""
        b, k = kp_driving["value"].shape[:2]
        h, w = source.image.shape[2:]
        identity = coordinate_grid(h, w, source.kp_value.device, source.kp_value.dtype)
        jacobian = matmul_2x2(source.kp_jacobian, inverse_2x2(kp_driving["jacobian"]))  # (B, K, 2, 2)
        offset = identity - kp_driving["value"].view(b, k, 1, 1, 2)
        # the 2x2 product per pixel, written out: a broadcast matmul would materialise B*K*h*w tiny matrices
        moved = (jacobian.view(b, k, 1, 1, 2, 2) * offset.unsqueeze(-2)).sum(-1)
        moved = moved + source.kp_value.view(-1, k, 1, 1, 2)
        return torch.cat([identity.expand(b, 1, h, w, 2), moved], dim=1)
