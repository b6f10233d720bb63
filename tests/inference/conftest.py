"""Fixtures shared by the inference tests."""
import pytest
import torch

from inference.fomm import FOMMConfig, load
from inference.fomm.animator import FOMMAnimator
from inference.fomm.checkpoint import networks


@pytest.fixture
def small_fomm(tmp_path) -> FOMMAnimator:
    """A FOMM animator on the small config, loaded from a checkpoint of seeded random weights in the official layout."""
    config = FOMMConfig.small()
    torch.manual_seed(0)
    checkpoint = tmp_path / "small.pth.tar"
    torch.save({name: net.state_dict() for name, net in networks(config).items()}, checkpoint)
    return FOMMAnimator(load(checkpoint, config=config), batch_size=8)
