"""Winograd F(4x4, 3x3) convolution: a 3x3 conv with 4x fewer multiplies, computed as one batched GEMM."""
import math

import torch
import torch.nn.functional as F
from torch import nn

from .blocks import memory_format_of

# The finite interpolation points (infinity is the sixth). 2 and -1/2 rather than the usual ±2 keep the transforms'
# entries small: a random 256-channel conv's largest fp32 error is 1.4e-5 with them, 3.8e-5 with ±2, 1.1e-5 direct.
POINTS = (0.0, 1.0, -1.0, 2.0, -0.5)
KERNEL = 3
# Tiles transformed together: one 64x64 image, whose intermediates (9 MB each at 256 channels) stay in the L3 cache.
TILES_PER_CHUNK = 256


def vandermonde(points: tuple[float, ...], size: int) -> torch.Tensor:
    """(len(points) + 1, size) float64: powers 0..size-1 of each point, then the point at infinity's row."""
    finite = torch.tensor(points, dtype=torch.float64)[:, None] ** torch.arange(size, dtype=torch.float64)
    infinity = torch.zeros(1, size, dtype=torch.float64)
    infinity[0, -1] = 1  # evaluating at infinity keeps the highest coefficient
    return torch.cat([finite, infinity])


def polynomial(roots: list[float], size: int) -> torch.Tensor:
    """(size,) float64 coefficients, lowest first, of the monic polynomial with these roots (exact for dyadic ones)."""
    coefficients = torch.zeros(size, dtype=torch.float64)
    coefficients[0] = 1
    for root in roots:  # times (x - root)
        coefficients = torch.cat([coefficients.new_zeros(1), coefficients[:-1]]) - root * coefficients
    return coefficients


def winograd_transforms(points: tuple[float, ...] = POINTS,
                        kernel: int = KERNEL) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Toom-Cook F(m, kernel) matrices, float64: output A^T (m, n), kernel G (n, kernel), input B^T (n, n).

    With n = len(points) + 1 and m = n - kernel + 1, the correlation of d (n) with g (kernel) is
    A^T ((G g) * (B^T d)): evaluate both at the points, multiply, interpolate (transposed, as correlation is).
    """
    n = len(points) + 1
    output = vandermonde(points, n - kernel + 1).T
    # B^T's rows: per point the polynomial that vanishes at the others (a Lagrange numerator), for infinity the one
    # that vanishes at all; dyadic points give dyadic coefficients, exact in fp32 and bf16. G takes the denominators.
    data = torch.stack([polynomial([p for p in points if p != a], n) for a in points] + [polynomial(list(points), n)])
    denominators = torch.tensor([math.prod(a - p for p in points if p != a) for a in points] + [1.0],
                                dtype=torch.float64)
    return output, vandermonde(points, kernel) / denominators[:, None], data


class WinogradConv2d(nn.Module):
    """A 3x3 conv (stride 1, padding 1) as Winograd F(4x4, 3x3): 36 GEMMs (tiles, in) @ (in, out) replace it.

    Each 6x6 input tile gives a 4x4 output tile from 36 products per channel pair instead of 144. The weight is
    transformed once, here; the tiles' transforms are small matrix products of their own.
    """

    def __init__(self, conv: nn.Conv2d):
        super().__init__()
        if (conv.kernel_size, conv.stride, conv.padding, conv.dilation, conv.groups) != ((3, 3), (1, 1), (1, 1),
                                                                                          (1, 1), 1):
            raise ValueError(f"not a 3x3 conv with stride 1 and padding 1: {conv}")
        output, kernel, data = winograd_transforms()
        self.tile_outputs = output.shape[0]
        weight = conv.weight.detach()
        # G g G^T of every channel pair, as (position in the tile, in, out): the GEMMs' right-hand sides
        taps = weight.permute(2, 3, 1, 0).reshape(KERNEL * KERNEL, -1)  # (3x3 tap, in * out)
        transformed = torch.kron(kernel, kernel).to(weight) @ taps
        self.weight = nn.Parameter(transformed.view(-1, weight.shape[1], weight.shape[0]), requires_grad=False)
        bias = conv.bias.detach() if conv.bias is not None else weight.new_zeros(weight.shape[0])
        self.bias = nn.Parameter(bias, requires_grad=False)
        # B^T d B and A^T m A of every tile at once: a 6x6 (4x4) tile, flattened, times a Kronecker product
        self.register_buffer("input_transform", torch.kron(data, data).float())
        self.register_buffer("output_transform", torch.kron(output, output).float())

    input_transform: torch.Tensor
    output_transform: torch.Tensor

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        m = self.tile_outputs
        n = m + KERNEL - 1
        rows, cols = -(-h // m), -(-w // m)
        # the conv's 1-pixel zero border, and as many more zeros at the bottom and right as complete the last tiles;
        # channels-last, so that a tile's row is one contiguous run of n * c values
        padded = F.pad(x, (1, cols * m - w + 1, 1, rows * m - h + 1)).permute(0, 2, 3, 1).contiguous()
        image_stride, row_stride, column_stride, _ = padded.stride()
        images = max(1, TILES_PER_CHUNK // (rows * cols))
        band = min(rows, max(1, TILES_PER_CHUNK // cols))
        out = None
        for i in range(0, b, images):
            for r in range(0, rows, band):
                chunk_images, chunk_rows = min(images, b - i), min(band, rows - r)
                # overlapping tiles as a view: (tile row, tile column, image, row of tiles, column of tiles, channel)
                tiles = padded.as_strided(
                    (n, n, chunk_images, chunk_rows, cols, c),
                    (row_stride, column_stride, image_stride, m * row_stride, m * column_stride, 1),
                    padded.storage_offset() + i * image_stride + r * m * row_stride)
                spectra = self.input_transform @ tiles.reshape(n * n, -1)
                products = torch.bmm(spectra.view(n * n, -1, c), self.weight)
                tile_outputs = (self.output_transform @ products.view(n * n, -1)).view(
                    m, m, chunk_images, chunk_rows, cols, -1)
                if out is None:  # the GEMMs' dtype: autocast's, if on
                    out = tile_outputs.new_empty(b, rows * m, cols * m, tile_outputs.shape[-1])
                target = out[i:i + chunk_images, r * m:(r + chunk_rows) * m]
                torch.add(tile_outputs.permute(2, 3, 0, 4, 1, 5), self.bias,
                          out=target.view(chunk_images, chunk_rows, m, cols, m, -1))
        assert out is not None, "an empty batch"
        result = out[:, :h, :w].permute(0, 3, 1, 2)
        return result.contiguous(memory_format=memory_format_of(x))
