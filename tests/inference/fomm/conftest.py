"""FOMM test fixtures: the parity fixture folder and small checkpoints written in the official layout."""
from pathlib import Path

import pytest
import torch
from torch import nn

from bench.fomm_bench import FIXTURE_DIR, save_official_layout
from inference.fomm import FOMMConfig, load
from inference.fomm.checkpoint import networks

SMALL = FOMMConfig.small()


def random_state_dicts(config: FOMMConfig, seed: int = 0) -> dict[str, dict[str, torch.Tensor]]:
    """Deterministic random weights for `config` that give spread keypoints and a motion-sensitive output."""
    torch.manual_seed(seed)
    built = networks(config)
    kp_detector, generator = built["kp_detector"], built["generator"]
    # torch's default init gives a near-constant output; these gains (as in the fixture's recipe) do not
    gains = {kp_detector.kp: 3.0, kp_detector.jacobian: 0.2, generator.final: 3.0,
             generator.dense_motion_network.mask: 3.0}
    with torch.no_grad():
        for module in (m for network in built.values() for m in network.modules()):
            if isinstance(module, nn.Conv2d):
                module.weight.normal_(0, gains.get(module, 1.4) / module.weight[0].numel() ** 0.5)
                module.bias.normal_(0, 0.05)
            elif isinstance(module, nn.BatchNorm2d):  # non-trivial statistics, so that folding them is tested
                module.running_mean.normal_(0, 0.1)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.normal_(1, 0.05)
                module.bias.normal_(0, 0.05)
        kp_detector.jacobian.bias.add_(torch.tensor([1.0, 0.0, 0.0, 1.0]).repeat(config.num_kp))
    return {part: network.state_dict() for part, network in built.items()}


@pytest.fixture(scope="session")
def fixture_dir() -> Path:
    """The FOMM parity fixture (tests/fixtures/fomm); missing, the parity tests fail rather than skip."""
    if not (FIXTURE_DIR / "expected.npz").is_file():
        pytest.fail(f"the FOMM parity fixture is missing from {FIXTURE_DIR.resolve()}", pytrace=False)
    return FIXTURE_DIR


@pytest.fixture(scope="session")
def small_state_dicts() -> dict[str, dict[str, torch.Tensor]]:
    return random_state_dicts(SMALL)


@pytest.fixture(scope="session")
def small_checkpoint(tmp_path_factory, small_state_dicts) -> Path:
    """A small-config checkpoint in the official .pth.tar layout."""
    return save_official_layout(small_state_dicts, tmp_path_factory.mktemp("small") / "small-cpk.pth.tar")


@pytest.fixture(scope="session")
def small_model(small_checkpoint):
    return load(small_checkpoint, config=SMALL)


@pytest.fixture(scope="session")
def small_frames() -> torch.Tensor:
    """Six smooth 64x64 frames in [0, 1]: the first is the source, the rest drive it."""
    y, x = torch.meshgrid(torch.linspace(-1, 1, 64), torch.linspace(-1, 1, 64), indexing="ij")
    frames = []
    for t in range(6):
        blob = torch.exp(-((x - 0.1 * t) ** 2 + (y + 0.05 * t) ** 2) / 0.2)
        frames.append(torch.stack([blob, 0.5 * (x + 1) * blob, 0.5 + 0.5 * torch.sin(3 * y + t)]))
    return torch.stack(frames)
