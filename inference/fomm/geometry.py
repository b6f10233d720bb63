"""Keypoint geometry shared by the networks: the [-1, 1] coordinate grid, keypoint Gaussians, 2x2 algebra."""
import torch


def coordinate_grid(height: int, width: int, device=None, dtype=torch.float32) -> torch.Tensor:
    """(height, width, 2) grid of (x, y) in [-1, 1], x along the width (the official make_coordinate_grid)."""
    x = torch.arange(width, device=device, dtype=dtype)
    y = torch.arange(height, device=device, dtype=dtype)
    x = 2 * (x / (width - 1)) - 1
    y = 2 * (y / (height - 1)) - 1
    return torch.stack([x.view(1, -1).expand(height, width), y.view(-1, 1).expand(height, width)], dim=-1)


def keypoint_gaussians(kp_value: torch.Tensor, height: int, width: int, variance: float) -> torch.Tensor:
    """(B, K, height, width) maps exp(-|z - p|^2 / (2 variance)) around each keypoint p of (B, K, 2)."""
    grid = coordinate_grid(height, width, kp_value.device, kp_value.dtype)
    offset = grid - kp_value.view(*kp_value.shape[:2], 1, 1, 2)
    return torch.exp(-0.5 * (offset**2).sum(-1) / variance)


def matmul_2x2(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Product of broadcastable (..., 2, 2) matrices, elementwise so that autocast keeps it in fp32."""
    return (a.unsqueeze(-1) * b.unsqueeze(-3)).sum(-2)


def inverse_2x2(m: torch.Tensor) -> torch.Tensor:
    """Inverse of (..., 2, 2) matrices in closed form (cheaper than torch.inverse for 2x2, same within fp32)."""
    a, b, c, d = m[..., 0, 0], m[..., 0, 1], m[..., 1, 0], m[..., 1, 1]
    det = a * d - b * c
    return torch.stack([torch.stack([d, -b], -1), torch.stack([-c, a], -1)], -2) / det[..., None, None]
