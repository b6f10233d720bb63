"""FOMM driving keypoints are computed once per template and weights, then read back (small random-weight models)."""
from __future__ import annotations

import json
import logging
import shutil
import stat

import numpy as np
import pytest
import torch

from bench.fomm_bench import save_official_layout
from inference.fomm import load
from inference.fomm.animator import FOMMAnimator, _to_tensor
from inference.templates import Template
from inference.templates.template import META_FILE, default_keypoints_cache
from tests.inference.fomm.conftest import SMALL, random_state_dicts

BATCH = 16


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """Two small models with different random weights (so different weights ids)."""
    folder = tmp_path_factory.mktemp("weights")
    return [load(save_official_layout(random_state_dicts(SMALL, seed), folder / f"seed{seed}.pth.tar"), config=SMALL)
            for seed in (0, 1)]


@pytest.fixture
def template(tmp_path, moving_template) -> Template:
    """A private copy of the session's template, so its keypoint cache starts empty (and so does the outside one)."""
    return Template(shutil.copytree(moving_template.template.folder, tmp_path / "singer"), tmp_path / "cache")


def _count_keypoint_batches(model, monkeypatch) -> list[int]:
    """Record the batch size of every kp-detector call the model makes."""
    calls: list[int] = []
    detect = model.keypoints

    def counted(frames: torch.Tensor):
        calls.append(len(frames))
        return detect(frames)

    monkeypatch.setattr(model, "keypoints", counted)
    return calls


def test_keypoints_are_computed_once_then_read_from_the_template(template, models, monkeypatch):
    model = models[0]
    calls = _count_keypoint_batches(model, monkeypatch)
    animator = FOMMAnimator(model, batch_size=BATCH)

    first = animator.driving_keypoints(template)
    assert calls == [16, 16, 8]
    assert first["value"].shape == (40, SMALL.num_kp, 2) and first["jacobian"].shape == (40, SMALL.num_kp, 2, 2)
    stored = template.folder / "keypoints" / f"{model.weights_id}.npz"
    assert stored.is_file() and stat.S_IMODE(stored.stat().st_mode) == 0o644
    assert sorted(p.name for p in stored.parent.iterdir()) == [stored.name]  # no temporary file left
    # What is cached is the frames' keypoints in clip order: the last batch, computed directly, matches.
    last_batch = list(template.frames(BATCH))[-1]
    direct = model.keypoints(_to_tensor(last_batch, model.device))
    assert torch.allclose(first["value"][-8:], direct["value"], atol=1e-6)

    # A later render (a new worker: a fresh Template object) must not decode the clip or run the detector.
    calls.clear()
    reopened = Template(template.folder)
    monkeypatch.setattr(reopened, "frames", lambda batch_size: pytest.fail("the driving clip was decoded again"))
    again = animator.driving_keypoints(reopened)
    assert calls == []
    assert all(torch.equal(again[name], first[name]) for name in ("value", "jacobian"))


def test_other_weights_compute_and_keep_their_own_keypoints(template, models, monkeypatch):
    first_model, other_model = models
    assert first_model.weights_id != other_model.weights_id
    first = FOMMAnimator(first_model, batch_size=BATCH).driving_keypoints(template)
    calls = _count_keypoint_batches(other_model, monkeypatch)
    other = FOMMAnimator(other_model, batch_size=BATCH).driving_keypoints(template)
    assert calls == [16, 16, 8]
    assert not torch.allclose(first["value"], other["value"])
    assert sorted(p.name for p in (template.folder / "keypoints").iterdir()) == sorted(
        f"{m.weights_id}.npz" for m in models)
    cached = template.cached_keypoints(other_model.weights_id)
    assert np.array_equal(cached["value"], other["value"].numpy())


def test_a_read_only_template_keeps_its_keypoints_in_the_cache_outside_it(template, models, monkeypatch, tmp_path):
    """Shipped templates may sit in a read-only folder (site-packages, a container image): the cache is elsewhere."""
    (template.folder / "keypoints").write_text("not a folder")  # makes the folder's cache unwritable, even for root
    calls = _count_keypoint_batches(models[0], monkeypatch)
    first = FOMMAnimator(models[0], batch_size=BATCH).driving_keypoints(template)
    assert calls == [16, 16, 8]
    [stored] = (tmp_path / "cache").glob(f"singer-*/{models[0].weights_id}.npz")
    assert stat.S_IMODE(stored.stat().st_mode) == 0o644

    calls.clear()
    reopened = Template(template.folder, tmp_path / "cache")
    monkeypatch.setattr(reopened, "frames", lambda batch_size: pytest.fail("the driving clip was decoded again"))
    again = FOMMAnimator(models[0], batch_size=BATCH).driving_keypoints(reopened)
    assert calls == [] and torch.equal(again["value"], first["value"])

    # A template replaced under the same name (new metadata) never reads the old one's keypoints.
    meta = json.loads((template.folder / META_FILE).read_text())
    (template.folder / META_FILE).write_text(json.dumps({**meta, "added_at": "later"}))
    assert Template(template.folder, tmp_path / "cache").cached_keypoints(models[0].weights_id) is None


def test_a_template_whose_keypoints_can_be_cached_nowhere_still_renders(template, models, monkeypatch, tmp_path,
                                                                          caplog):
    """A full disk or an unwritable cache too: the keypoints are then just not kept."""
    (template.folder / "keypoints").write_text("not a folder")
    (tmp_path / "cache").write_text("not a folder either")
    calls = _count_keypoint_batches(models[0], monkeypatch)
    animator = FOMMAnimator(models[0], batch_size=BATCH)
    with caplog.at_level(logging.WARNING):
        keypoints = animator.driving_keypoints(template)
    assert keypoints["value"].shape == (40, SMALL.num_kp, 2) and calls == [16, 16, 8]
    assert "could not cache" in caplog.text
    assert template.cached_keypoints(models[0].weights_id) is None


def test_the_outside_cache_is_in_the_data_folder_else_the_users_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("MEMEBOT_DATA_DIR", str(tmp_path / "data"))
    assert default_keypoints_cache() == tmp_path / "data" / "cache" / "keypoints"
    monkeypatch.delenv("MEMEBOT_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_keypoints_cache() == tmp_path / "xdg" / "memebot" / "keypoints"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_keypoints_cache() == tmp_path / "home" / ".cache" / "memebot" / "keypoints"
