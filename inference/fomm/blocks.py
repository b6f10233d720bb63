"""The official building blocks and their state-dict keys: conv-BN-ReLU, residual, hourglass, anti-aliasing."""
import torch
import torch.nn.functional as F
from torch import nn


def channel_width(block_expansion: int, max_features: int, level: int) -> int:
    """Channels at a pyramid level: doubling per level, capped (the rule every official network uses)."""
    return min(max_features, block_expansion * 2**level)


def memory_format_of(x: torch.Tensor) -> torch.memory_format:
    """channels_last if `x` is laid out so, else contiguous: what a rewritten op's output should keep."""
    return torch.channels_last if x.is_contiguous(memory_format=torch.channels_last) else torch.contiguous_format


@torch.no_grad()
def fold_batchnorm(conv: nn.Conv2d, norm: nn.BatchNorm2d) -> None:
    """Fold an eval-mode BatchNorm that directly follows `conv` into the conv's weight and bias."""
    assert norm.running_var is not None and norm.running_mean is not None, "the official BatchNorms track stats"
    assert conv.bias is not None, "the official convs that BatchNorms follow have a bias"
    scale = norm.weight / torch.sqrt(norm.running_var + norm.eps)
    conv.weight.mul_(scale.view(-1, 1, 1, 1))
    conv.bias.sub_(norm.running_mean).mul_(scale).add_(norm.bias)


class ConvNormReLU(nn.Module):
    """Conv -> BatchNorm -> ReLU, the core of the official Same/Down/UpBlock2d (keys `conv.*`, `norm.*`)."""

    def __init__(self, in_features: int, out_features: int, kernel_size: int = 3):
        super().__init__()
        self.conv = nn.Conv2d(in_features, out_features, kernel_size, padding=kernel_size // 2)
        self.norm: nn.BatchNorm2d | nn.Identity = nn.BatchNorm2d(out_features)  # Identity once folded

    def conv_norm_relu(self, x: torch.Tensor) -> torch.Tensor:
        """The block's conv, norm and ReLU."""
        return F.relu(self.norm(self.conv(x)), inplace=True)

    def fold_batchnorm_(self) -> None:
        """Fold the norm into the conv (eval only); the block then computes the same with one op less."""
        assert isinstance(self.norm, nn.BatchNorm2d), "folded only once"
        fold_batchnorm(self.conv, self.norm)
        self.norm = nn.Identity()


class SameBlock2d(ConvNormReLU):
    """Conv-BN-ReLU at the same resolution."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv_norm_relu(x)


class DownBlock2d(ConvNormReLU):
    """Conv-BN-ReLU, then 2x2 average pooling."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.avg_pool2d(self.conv_norm_relu(x), 2)


class UpBlock2d(ConvNormReLU):
    """Nearest 2x upsampling, then conv-BN-ReLU."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv_norm_relu(F.interpolate(x, scale_factor=2))


class ResBlock2d(nn.Module):
    """Pre-activation residual block: BN -> ReLU -> conv -> BN -> ReLU -> conv, plus the input."""

    def __init__(self, features: int):
        super().__init__()
        self.conv1 = nn.Conv2d(features, features, 3, padding=1)
        self.conv2 = nn.Conv2d(features, features, 3, padding=1)
        self.norm1 = nn.BatchNorm2d(features)
        self.norm2: nn.BatchNorm2d | nn.Identity = nn.BatchNorm2d(features)  # Identity once folded

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.norm1(x), inplace=True)  # norm1 returns a new tensor, so x survives for the skip
        out = F.relu(self.norm2(self.conv1(out)), inplace=True)
        return self.conv2(out).add_(x)

    def fold_batchnorm_(self) -> None:
        """Fold norm2 into conv1 (eval only); norm1 acts on the skip input, so it stays a scale and shift."""
        assert isinstance(self.norm2, nn.BatchNorm2d), "folded only once"
        fold_batchnorm(self.conv1, self.norm2)
        self.norm2 = nn.Identity()


class HourglassEncoder(nn.Module):
    """Down blocks; returns the input and every block's output, for the decoder's skips."""

    def __init__(self, block_expansion: int, in_features: int, num_blocks: int, max_features: int):
        super().__init__()
        self.down_blocks = nn.ModuleList(
            DownBlock2d(in_features if i == 0 else channel_width(block_expansion, max_features, i),
                        channel_width(block_expansion, max_features, i + 1))
            for i in range(num_blocks))

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        outs = [x]
        for block in self.down_blocks:
            outs.append(block(outs[-1]))
        return outs


class HourglassDecoder(nn.Module):
    """Up blocks from the deepest level, each output concatenated with the encoder output of its size."""

    def __init__(self, block_expansion: int, num_blocks: int, max_features: int):
        super().__init__()
        self.up_blocks = nn.ModuleList(
            UpBlock2d(channel_width(block_expansion, max_features, i + 1) * (1 if i == num_blocks - 1 else 2),
                      channel_width(block_expansion, max_features, i))
            for i in reversed(range(num_blocks)))

    def forward(self, skips: list[torch.Tensor]) -> torch.Tensor:
        out = skips[-1]
        for block, skip in zip(self.up_blocks, reversed(skips[:-1]), strict=True):
            out = torch.cat([block(out), skip], dim=1)
        return out


class Hourglass(nn.Module):
    """U-Net style hourglass; the output has `block_expansion + in_features` channels at the input size."""

    def __init__(self, block_expansion: int, in_features: int, max_features: int, num_blocks: int):
        super().__init__()
        self.encoder = HourglassEncoder(block_expansion, in_features, num_blocks, max_features)
        self.decoder = HourglassDecoder(block_expansion, num_blocks, max_features)
        self.out_features = block_expansion + in_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


def gaussian_kernel(size: int, sigma: float) -> torch.Tensor:
    """Normalised 2-D Gaussian of shape (size, size), on the CPU."""
    # an explicit CPU device even under torch.device("meta"): the meta versions of these ops import slowly
    ax = torch.arange(size, dtype=torch.float32, device="cpu")
    g = torch.exp(-((ax - (size - 1) / 2) ** 2) / (2 * sigma**2))
    kernel = g.view(-1, 1) * g.view(1, -1)
    return kernel / kernel.sum()


class AntiAliasInterpolation2d(nn.Module):
    """Depthwise Gaussian blur, then subsampling by 1/scale (the kernel is the checkpoint buffer `weight`)."""

    weight: torch.Tensor  # the registered buffer

    def __init__(self, channels: int, scale: float):
        super().__init__()
        sigma = (1 / scale - 1) / 2
        size = 2 * round(sigma * 4) + 1
        self.register_buffer("weight", gaussian_kernel(size, sigma).repeat(channels, 1, 1, 1))
        self.stride = int(1 / scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # a strided conv gives exactly the official full-resolution blur's [::stride, ::stride] samples
        return F.conv2d(x, self.weight, stride=self.stride, padding=self.weight.shape[-1] // 2,
                        groups=x.shape[1])


def downscaler(channels: int, scale: float) -> nn.Module:
    """The official `down` module: anti-aliased downscaling, or nothing (and no keys) at scale 1."""
    return nn.Identity() if scale == 1 else AntiAliasInterpolation2d(channels, scale)
