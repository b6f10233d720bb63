"""Winograd F(4x4, 3x3) convolution against F.conv2d, and the residual block built on it."""
import pytest
import torch
import torch.nn.functional as F

from inference.fomm.blocks import ResBlock2d
from inference.fomm.optimize import use_winograd_convs_
from inference.fomm.precision import store_weights_in_
from inference.fomm.winograd import WinogradConv2d, winograd_transforms

# fp32 against a float64 conv, for outputs of about unit size: measured up to 1.5e-5 (direct fp32 conv: 1e-5)
FP32_TOLERANCE = 1e-4


def random_conv(in_features: int, out_features: int, seed: int = 0) -> torch.nn.Conv2d:
    """A 3x3 conv whose outputs on unit-variance inputs have about unit variance, with a non-zero bias."""
    torch.manual_seed(seed)
    conv = torch.nn.Conv2d(in_features, out_features, 3, padding=1)
    with torch.no_grad():
        conv.weight.normal_(0, 1 / (9 * in_features) ** 0.5)
        conv.bias.normal_(0, 0.1)
    return conv


def test_transforms_compute_a_correlation_exactly():
    output, kernel, data = winograd_transforms()
    assert output.shape == (4, 6) and kernel.shape == (6, 3) and data.shape == (6, 6)
    torch.manual_seed(0)
    d, g = torch.randn(6, dtype=torch.float64), torch.randn(3, dtype=torch.float64)
    correlation = torch.stack([d[i:i + 3] @ g for i in range(4)])
    torch.testing.assert_close(output @ ((kernel @ g) * (data @ d)), correlation, rtol=0, atol=1e-12)
    assert torch.equal(data, (data * 4).round() / 4), "B^T is dyadic, so exact in fp32 and bf16"


@pytest.mark.parametrize("memory_format", [torch.contiguous_format, torch.channels_last])
@pytest.mark.parametrize("shape", [
    (4, 64, 16, 16),  # several images per chunk of tiles
    (1, 16, 72, 68),  # one image in bands of tile rows
    (3, 8, 13, 7),  # sizes that are no multiple of 4: the last tiles are cut
])
def test_winograd_conv_equals_conv2d(shape, memory_format):
    conv = random_conv(shape[1], 24)
    x = torch.randn(shape).contiguous(memory_format=memory_format)
    with torch.inference_mode():
        out = WinogradConv2d(conv)(x)
        expected = F.conv2d(x.double(), conv.weight.double(), conv.bias.double(), padding=1)
    assert out.dtype == torch.float32 and out.is_contiguous(memory_format=memory_format)
    torch.testing.assert_close(out.double(), expected, rtol=0, atol=FP32_TOLERANCE)


def test_winograd_conv_refuses_other_convs():
    with pytest.raises(ValueError, match="not a 3x3 conv with stride 1 and padding 1"):
        WinogradConv2d(torch.nn.Conv2d(4, 4, 3, padding=1, stride=2))


def test_winograd_conv_in_bf16_stays_within_its_tolerance():
    conv = random_conv(64, 64)
    x = torch.randn(2, 64, 16, 16).contiguous(memory_format=torch.channels_last)
    winograd = WinogradConv2d(conv)
    store_weights_in_(winograd, torch.bfloat16)
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
        out = winograd(x.bfloat16())
    expected = F.conv2d(x.double(), conv.weight.double(), conv.bias.double(), padding=1)
    assert out.dtype == torch.bfloat16
    # the transforms' entries (up to 8) amplify bf16's rounding of the GEMMs' inputs: measured 0.15 at most and
    # 1.5e-2 on average, a direct bf16 conv 1.4e-2 and 2e-3; the model's bf16 output stays within its own tolerance
    difference = (out.double() - expected).abs()
    assert difference.max() <= 0.25 and difference.mean() <= 0.025, f"{difference.max():.2e}, {difference.mean():.2e}"


def test_res_block_with_winograd_convs_equals_the_plain_block():
    torch.manual_seed(2)
    block = ResBlock2d(32).eval()
    with torch.no_grad():
        for norm in (block.norm1, block.norm2):
            norm.running_mean.normal_(0, 0.1)
            norm.running_var.uniform_(0.5, 1.5)
    x = torch.randn(2, 32, 12, 12).contiguous(memory_format=torch.channels_last)
    with torch.inference_mode():
        expected = block(x)
        block.fold_batchnorm_()
        use_winograd_convs_(block)
        out = block(x)
    torch.testing.assert_close(out, expected, rtol=0, atol=FP32_TOLERANCE)
