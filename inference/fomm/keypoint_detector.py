"""The official KPDetector: keypoints and local jacobians from the softmax heatmaps of an hourglass."""
import torch
from torch import nn

from .blocks import Hourglass, downscaler
from .config import FOMMConfig
from .geometry import coordinate_grid


class KPDetector(nn.Module):
    """Frames (B, C, H, W) in [0, 1] -> {"value": (B, K, 2) in [-1, 1], "jacobian": (B, K, 2, 2)}."""

    def __init__(self, config: FOMMConfig):
        super().__init__()
        cfg = config.kp_detector
        self.num_kp = config.num_kp
        self.temperature = cfg.temperature
        self.predictor = Hourglass(cfg.block_expansion, config.num_channels, cfg.max_features, cfg.num_blocks)
        # padding 0, as in the official model: a 64x64 feature map gives 58x58 heatmaps
        self.kp = nn.Conv2d(self.predictor.out_features, config.num_kp, kernel_size=7)
        self.jacobian = nn.Conv2d(self.predictor.out_features, 4 * config.num_kp, kernel_size=7)
        with torch.no_grad():  # the official identity initialisation (a checkpoint overwrites it)
            self.jacobian.weight.zero_()
            assert self.jacobian.bias is not None, "a Conv2d has a bias by default"
            self.jacobian.bias.copy_(torch.tensor([1.0, 0.0, 0.0, 1.0], device="cpu").repeat(config.num_kp))
        self.down = downscaler(config.num_channels, cfg.scale_factor)

    def forward(self, frames: torch.Tensor) -> dict[str, torch.Tensor]:
        features = self.predictor(self.down(frames))
        logits = self.kp(features)
        b, k, h, w = logits.shape
        heatmap = torch.softmax(logits.reshape(b, k, h * w) / self.temperature, dim=2)
        grid = coordinate_grid(h, w, heatmap.device, heatmap.dtype).reshape(h * w, 2)
        value = (heatmap.unsqueeze(-1) * grid).sum(2)  # not a matmul: autocast would run that in fp16
        jacobian_maps = self.jacobian(features).reshape(b, k, 4, h * w)
        jacobian = (jacobian_maps * heatmap.unsqueeze(2)).sum(-1)
        return {"value": value, "jacobian": jacobian.view(b, k, 2, 2)}
