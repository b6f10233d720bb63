"""Parity with the official code on the full vox-256 model, through the fixture's synthetic weights.

Tolerances are the fixture README's recommended ones for a fp32 CPU re-implementation.
"""
import json

import numpy as np
import pytest
import torch

from bench.fomm_bench import fixture_weights_module, synthetic_vox_checkpoint
from inference.fomm import FOMMConfig, convert_checkpoint, load, normalize_kp
from inference.fomm.blocks import AntiAliasInterpolation2d
from inference.fomm.checkpoint import networks
from inference.fomm.motion import adapt_movement_scale

KP_TOLERANCE = 5e-5
MOTION_TOLERANCE = 1e-4
PREDICTION_MAX, PREDICTION_MEAN = 1e-4, 2e-6
BF16_PREDICTION_MAX, BF16_PREDICTION_MEAN = 8 / 255, 1 / 255


def assert_prediction_close(actual: torch.Tensor, expected: np.ndarray) -> None:
    difference = np.abs(actual.numpy() - expected)
    assert difference.max() <= PREDICTION_MAX and difference.mean() <= PREDICTION_MEAN, \
        f"max {difference.max():.2e}, mean {difference.mean():.2e}"


def assert_within(actual: torch.Tensor, expected: np.ndarray, tolerance: float) -> None:
    np.testing.assert_allclose(actual.numpy(), expected, rtol=0, atol=tolerance)


def full_size_networks() -> dict[str, torch.nn.Module]:
    with torch.device("meta"):  # shapes only
        return networks(FOMMConfig())


def test_state_dict_keys_shapes_and_order_are_official(fixture_dir):
    official = json.loads((fixture_dir / "keys.json").read_text())
    for part, network in full_size_networks().items():
        ours = [[key, list(t.shape), str(t.dtype).removeprefix("torch.")] for key, t in network.state_dict().items()]
        assert ours == official[part], part


def test_parameter_counts_are_official():
    built = full_size_networks()

    def count(module: torch.nn.Module) -> int:
        return sum(p.numel() for p in module.parameters())

    assert count(built["kp_detector"]) == 14_215_368
    assert count(built["generator"]) == 45_575_391
    assert count(built["generator"].dense_motion_network) == 37_730_268


def test_anti_alias_kernel_is_the_official_gaussian(fixture_dir):
    gen_weights = fixture_weights_module(fixture_dir)
    torch.testing.assert_close(AntiAliasInterpolation2d(3, 0.25).weight, gen_weights.aa_kernel((3, 1, 13, 13)),
                               rtol=0, atol=1e-8)


@pytest.fixture(scope="module")
def checkpoint(fixture_dir, tmp_path_factory):
    """The fixture's weights (checksums verified) saved as an official-layout .pth.tar."""
    return synthetic_vox_checkpoint(tmp_path_factory.mktemp("vox"), fixture_dir)


@pytest.fixture(scope="module")
def model(checkpoint):
    return load(checkpoint)


@pytest.fixture(scope="module")
def inputs(fixture_dir) -> dict[str, torch.Tensor]:
    return {name: torch.from_numpy(array) for name, array in np.load(fixture_dir / "inputs.npz").items()}


@pytest.fixture(scope="module")
def expected(fixture_dir) -> dict[str, np.ndarray]:
    return dict(np.load(fixture_dir / "expected.npz"))


@pytest.fixture(scope="module")
def run(model, inputs) -> dict:
    """The fixture's procedure through the project's API, done once for every test below."""
    kp_source = model.keypoints(inputs["source"])
    kp_driving = model.keypoints(inputs["driving"])
    kp_initial = {name: t[:1] for name, t in kp_driving.items()}
    kp_norm = normalize_kp(kp_source, kp_driving, kp_initial, relative=True, adapt_scale=True)
    encoding = model.encode_source(inputs["source"], kp_source)
    with torch.inference_mode():
        motion = model.generator.dense_motion_network(encoding.motion, kp_norm)
    return {"kp_source": kp_source, "kp_driving": kp_driving, "kp_initial": kp_initial, "kp_norm": kp_norm,
            "motion": motion, "relative": model.generate(encoding, kp_norm),
            "raw": model.animate(inputs["source"], kp_source, kp_driving, kp_initial, relative=False)}


@pytest.mark.full_size
def test_keypoints_match_official(run, expected):
    for kp in ("kp_source", "kp_driving"):
        assert_within(run[kp]["value"], expected[f"{kp}_value"], KP_TOLERANCE)
        assert_within(run[kp]["jacobian"], expected[f"{kp}_jacobian"], KP_TOLERANCE)


@pytest.mark.full_size
def test_relative_keypoints_and_scale_match_official(run, expected):
    assert adapt_movement_scale(run["kp_source"], run["kp_initial"]) == pytest.approx(
        float(expected["adapt_movement_scale"]), abs=KP_TOLERANCE)
    assert_within(run["kp_norm"]["value"], expected["kp_norm_value"], KP_TOLERANCE)
    assert_within(run["kp_norm"]["jacobian"], expected["kp_norm_jacobian"], KP_TOLERANCE)
    assert torch.equal(run["kp_norm"]["value"][0], run["kp_source"]["value"][0])


@pytest.mark.full_size
def test_dense_motion_matches_official(run, fixture_dir):
    official = np.load(fixture_dir / "expected_intermediates.npz")
    assert_within(run["motion"].mask, official["mask"], MOTION_TOLERANCE)
    assert_within(run["motion"].occlusion, official["occlusion_map"], MOTION_TOLERANCE)
    assert_within(run["motion"].deformation, official["deformation"], MOTION_TOLERANCE)


@pytest.mark.full_size
def test_predictions_match_official(run, expected):
    assert_prediction_close(run["relative"], expected["prediction_relative"])
    assert_prediction_close(run["raw"], expected["prediction_raw"])


@pytest.mark.full_size
def test_converted_file_gives_the_same_model(checkpoint, model, run, inputs, expected, tmp_path):
    converted = load(convert_checkpoint(checkpoint, tmp_path / "vox.safetensors"))
    assert converted.weights_id == model.weights_id
    kp_source = converted.keypoints(inputs["source"])
    torch.testing.assert_close(kp_source["value"], run["kp_source"]["value"], rtol=0, atol=1e-6)
    last = {name: t[-1:] for name, t in run["kp_driving"].items()}  # one frame is enough to tell the weights apart
    prediction = converted.animate(inputs["source"], kp_source, last, run["kp_initial"])
    assert_prediction_close(prediction, expected["prediction_relative"][-1:])


@pytest.mark.full_size
def test_plain_networks_in_the_official_loop_match_official(checkpoint, inputs, expected):
    plain = load(checkpoint, optimize=False, channels_last=False)  # what the bench's baseline runs
    kp_detector, generator = plain.kp_detector, plain.generator
    frames = (2, 3)  # two frames keep this slow path short; the optimised model covers all four
    with torch.no_grad():  # the fixture README's procedure, frame by frame
        kp_source, kp_initial = kp_detector(inputs["source"]), kp_detector(inputs["driving"][:1])
        predictions = []
        for i in frames:
            kp_norm = normalize_kp(kp_source, kp_detector(inputs["driving"][i:i + 1]), kp_initial)
            predictions.append(generator(inputs["source"], kp_norm, kp_source))
    assert_prediction_close(torch.cat(predictions), expected["prediction_relative"][list(frames)])


@pytest.mark.full_size
def test_bf16_predictions_stay_within_their_tolerance(checkpoint, run, inputs, expected):
    """bf16 (MEMEBOT_DTYPE=auto on a CPU with native bf16) against the official fp32 outputs: at most 8/255 off
    at any pixel and 1/255 on average (measured: 1.3e-2 and 1.9e-3)."""
    bf16 = load(checkpoint, dtype=torch.bfloat16)
    prediction = bf16.generate(bf16.encode_source(inputs["source"], run["kp_source"]), run["kp_norm"])
    difference = np.abs(prediction.numpy() - expected["prediction_relative"])
    assert difference.max() <= BF16_PREDICTION_MAX and difference.mean() <= BF16_PREDICTION_MEAN, \
        f"max {difference.max():.2e}, mean {difference.mean():.2e}"
