"""The inference API on the small config: streaming pieces, relative motion, batching, optimisations, dtypes."""
import pytest
import torch

from inference.fomm import FOMM, load, normalize_kp
from inference.fomm.blocks import UpBlock2d, fold_batchnorm
from inference.fomm.optimize import ColumnTapsConv2d, SubpixelUpBlock2d
from inference.fomm.winograd import WinogradConv2d

from .conftest import SMALL


@pytest.fixture(scope="module")
def keypoints(small_model, small_frames):
    """(source, driving, initial) keypoints: frame 0 is the source, frames 1.. drive, frame 1 is the initial."""
    kp = small_model.keypoints(small_frames)
    return ({n: t[:1] for n, t in kp.items()}, {n: t[1:] for n, t in kp.items()}, {n: t[1:2] for n, t in kp.items()})


def test_keypoint_shapes_and_ranges(small_model, small_frames):
    kp = small_model.keypoints(small_frames.double())  # any float dtype in, fp32 out
    assert kp["value"].shape == (6, SMALL.num_kp, 2) and kp["jacobian"].shape == (6, SMALL.num_kp, 2, 2)
    assert kp["value"].dtype == torch.float32 and kp["value"].abs().max() <= 1
    assert kp["value"].is_inference()


def test_animate_is_encode_source_then_generate(small_model, small_frames, keypoints):
    kp_source, kp_driving, kp_initial = keypoints
    animated = small_model.animate(small_frames[:1], kp_source, kp_driving, kp_initial)
    encoding = small_model.encode_source(small_frames[:1], kp_source)
    generated = small_model.generate(encoding, normalize_kp(kp_source, kp_driving, kp_initial))
    assert animated.shape == (5, 3, 64, 64) and animated.dtype == torch.float32
    assert torch.equal(animated, generated)
    assert 0 <= animated.min() and animated.max() <= 1


def test_relative_motion(keypoints):
    kp_source, kp_driving, kp_initial = keypoints
    kp_norm = normalize_kp(kp_source, kp_driving, kp_initial, relative=True, adapt_scale=True)
    assert torch.equal(kp_norm["value"][0], kp_source["value"][0])  # the initial frame maps onto the source
    torch.testing.assert_close(kp_norm["jacobian"][0], kp_source["jacobian"][0], rtol=0, atol=1e-5)
    assert not torch.allclose(kp_norm["value"][1:], kp_source["value"].expand(4, -1, -1))
    unscaled = normalize_kp(kp_source, kp_driving, kp_initial, relative=True, adapt_scale=False)
    torch.testing.assert_close(unscaled["value"] - kp_source["value"], kp_driving["value"] - kp_initial["value"])
    absolute = normalize_kp(kp_source, kp_driving, kp_initial, relative=False)
    assert absolute["value"] is kp_driving["value"] and absolute["jacobian"] is kp_driving["jacobian"]


def test_absolute_mode_differs_from_relative(small_model, small_frames, keypoints):
    kp_source, kp_driving, kp_initial = keypoints
    relative = small_model.animate(small_frames[:1], kp_source, kp_driving, kp_initial, relative=True)
    absolute = small_model.animate(small_frames[:1], kp_source, kp_driving, kp_initial, relative=False)
    encoding = small_model.encode_source(small_frames[:1], kp_source)
    assert torch.equal(absolute, small_model.generate(encoding, kp_driving))
    assert (relative - absolute).abs().max() > 1e-3


def test_one_batch_equals_frame_by_frame(small_model, small_frames, keypoints):
    kp_source, kp_driving, _ = keypoints
    encoding = small_model.encode_source(small_frames[:1], kp_source)
    batched = small_model.generate(encoding, kp_driving)
    single = torch.cat([small_model.generate(encoding, {n: t[i:i + 1] for n, t in kp_driving.items()})
                        for i in range(5)])
    torch.testing.assert_close(batched, single, rtol=0, atol=1e-5)


def test_repeated_generate_is_identical_and_leaves_the_encoding_alone(small_model, small_frames, keypoints):
    kp_source, kp_driving, _ = keypoints
    encoding = small_model.encode_source(small_frames[:1], kp_source)
    features = encoding.features.clone()
    first = small_model.generate(encoding, kp_driving)
    for _ in range(10):
        assert torch.equal(small_model.generate(encoding, kp_driving), first)
    assert torch.equal(encoding.features, features)


def test_optimised_model_matches_the_plain_networks(small_checkpoint, small_model, small_frames, keypoints):
    plain = load(small_checkpoint, config=SMALL, optimize=False, channels_last=False)
    assert not any(isinstance(m, SubpixelUpBlock2d) for m in plain.generator.modules())
    assert any(isinstance(m, SubpixelUpBlock2d) for m in small_model.generator.modules())
    assert all(isinstance(conv, WinogradConv2d) for block in small_model.generator.bottleneck
               for conv in (block.conv1, block.conv2))
    assert isinstance(small_model.generator.final, ColumnTapsConv2d)
    assert isinstance(small_model.generator.dense_motion_network.occlusion, ColumnTapsConv2d)
    torch.testing.assert_close(plain.keypoints(small_frames)["value"], small_model.keypoints(small_frames)["value"],
                               rtol=0, atol=1e-5)
    kp_source, kp_driving, kp_initial = keypoints
    with torch.inference_mode():  # the official forward signature: (source, kp_driving, kp_source)
        official = plain.generator(small_frames[:1], normalize_kp(kp_source, kp_driving, kp_initial), kp_source)
    optimised = small_model.animate(small_frames[:1], kp_source, kp_driving, kp_initial)
    torch.testing.assert_close(optimised, official, rtol=0, atol=1e-5)


@pytest.mark.parametrize("memory_format", [torch.contiguous_format, torch.channels_last])
def test_subpixel_up_block_equals_upsample_then_conv(memory_format):
    torch.manual_seed(0)
    block = UpBlock2d(6, 5).eval()
    with torch.no_grad():
        block.norm.running_mean.normal_()
        block.norm.running_var.uniform_(0.5, 2)
    x = torch.randn(2, 6, 7, 9).contiguous(memory_format=memory_format)
    with torch.inference_mode():
        expected = block(x)
        block.fold_batchnorm_()
        subpixel = SubpixelUpBlock2d(block)
        out = subpixel(x)
    assert out.is_contiguous(memory_format=memory_format)
    torch.testing.assert_close(out, expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize("memory_format", [torch.contiguous_format, torch.channels_last])
@pytest.mark.parametrize("padding", [0, 3])
def test_column_taps_conv_equals_the_conv(memory_format, padding):
    torch.manual_seed(2)
    conv = torch.nn.Conv2d(5, 3, (7, 5), padding=padding).eval()
    x = torch.randn(2, 5, 12, 13).contiguous(memory_format=memory_format)
    with torch.inference_mode():
        expected = conv(x)
        out = ColumnTapsConv2d(conv)(x)
    assert out.shape == expected.shape and out.is_contiguous(memory_format=memory_format)
    torch.testing.assert_close(out, expected, rtol=0, atol=1e-5)


def test_column_taps_conv_under_bf16_autocast_is_as_close_as_the_conv():
    torch.manual_seed(3)
    conv = torch.nn.Conv2d(16, 1, 7, padding=3).eval()
    x = torch.randn(1, 16, 20, 20)
    with torch.inference_mode():
        expected = conv(x)
        columns = ColumnTapsConv2d(conv)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            direct, out = conv(x), columns(x)
    assert out.dtype == direct.dtype == torch.bfloat16
    assert (out.float() - expected).abs().max() <= 2 * (direct.float() - expected).abs().max()


def test_folding_keeps_a_conv_bn_pair_exact():
    torch.manual_seed(1)
    conv, norm = torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4).eval()
    with torch.no_grad():
        norm.running_mean.normal_()
        norm.running_var.uniform_(0.5, 2)
        norm.weight.normal_()
    x = torch.randn(1, 3, 8, 8)
    with torch.no_grad():
        expected = norm(conv(x))
        fold_batchnorm(conv, norm)
        torch.testing.assert_close(conv(x), expected, rtol=0, atol=1e-5)


def test_autocast_dtype_runs_and_stays_close(small_checkpoint, small_model, small_frames, keypoints):
    bf16 = load(small_checkpoint, config=SMALL, dtype=torch.bfloat16)
    assert bf16.dtype is torch.bfloat16
    kp_source, kp_driving, kp_initial = keypoints
    out = bf16.animate(small_frames[:1], kp_source, kp_driving, kp_initial)
    assert out.dtype == torch.float32
    reference = small_model.animate(small_frames[:1], kp_source, kp_driving, kp_initial)
    assert (out - reference).abs().max() < 0.05


def test_model_reports_its_config_and_device(small_model):
    assert isinstance(small_model, FOMM)
    assert small_model.config == SMALL and small_model.device == torch.device("cpu")
    assert not any(p.requires_grad for p in small_model.generator.parameters())
    assert not small_model.generator.training and not small_model.kp_detector.training


def test_generate_accepts_kp_from_another_dtype(small_model, small_frames, keypoints):
    kp_source, kp_driving, _ = keypoints
    encoding = small_model.encode_source(small_frames[:1].double(), {n: t.double() for n, t in kp_source.items()})
    out = small_model.generate(encoding, {n: t.double() for n, t in kp_driving.items()})
    torch.testing.assert_close(out, small_model.generate(small_model.encode_source(small_frames[:1], kp_source),
                                                         kp_driving))
