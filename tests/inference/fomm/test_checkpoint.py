"""Checkpoint loading: the official layout, the module. prefix, conversion, and clear errors for bad files."""
import re

import pytest
import torch
from safetensors import safe_open

from bench.fomm_bench import save_official_layout
from inference.fomm import CheckpointError, convert_checkpoint, load

from .conftest import SMALL


def _edited(state_dicts, part, edit):
    copy = {name: dict(sd) for name, sd in state_dicts.items()}
    edit(copy[part])
    return copy


def _load_error(path) -> str:
    with pytest.raises(CheckpointError) as caught:
        load(path, config=SMALL)
    return str(caught.value)


def test_checkpoint_error_is_a_value_error():
    assert issubclass(CheckpointError, ValueError)


def test_module_prefix_is_accepted(tmp_path, small_state_dicts, small_model, small_frames):
    prefixed = {part: {f"module.{key}": t for key, t in sd.items()} for part, sd in small_state_dicts.items()}
    model = load(save_official_layout(prefixed, tmp_path / "prefixed.pth.tar"), config=SMALL)
    assert model.weights_id == small_model.weights_id
    assert torch.equal(model.keypoints(small_frames)["value"], small_model.keypoints(small_frames)["value"])


def test_missing_keys_are_named(tmp_path, small_state_dicts):
    dropped = [key for key in small_state_dicts["kp_detector"] if key.startswith("predictor.encoder")][:4]
    broken = _edited(small_state_dicts, "kp_detector", lambda sd: [sd.pop(key) for key in dropped])
    message = _load_error(save_official_layout(broken, tmp_path / "vox.pth.tar"))
    assert message.startswith(f"{tmp_path / 'vox.pth.tar'}: missing kp_detector keys: {dropped[0]}, ")
    assert message.endswith("(1 more)")


def test_unexpected_keys_are_named(tmp_path, small_state_dicts):
    broken = _edited(small_state_dicts, "generator", lambda sd: sd.update({"extra.weight": torch.zeros(3)}))
    message = _load_error(save_official_layout(broken, tmp_path / "extra.pth.tar"))
    assert "extra.pth.tar: unexpected generator keys: extra.weight" in message


def test_wrong_shapes_are_named(tmp_path, small_state_dicts):
    broken = _edited(small_state_dicts, "generator", lambda sd: sd.update({"final.bias": torch.zeros(4)}))
    message = _load_error(save_official_layout(broken, tmp_path / "shapes.pth.tar"))
    assert "shapes.pth.tar: wrong generator shapes: final.bias (4,) instead of (3,)" in message


def test_missing_entry_is_named(tmp_path, small_state_dicts):
    path = tmp_path / "half.pth.tar"
    torch.save({"generator": small_state_dicts["generator"], "epoch": 3}, path)
    assert "half.pth.tar: missing entries: kp_detector (found: epoch, generator)" in _load_error(path)


def test_truncated_file_is_a_checkpoint_error(tmp_path, small_checkpoint):
    path = tmp_path / "truncated.pth.tar"
    path.write_bytes(small_checkpoint.read_bytes()[:5000])
    assert re.match(r".*truncated\.pth\.tar: not a readable checkpoint \(\w+: ", _load_error(path))


def test_other_files_are_checkpoint_errors(tmp_path):
    text = tmp_path / "notes.pth.tar"
    text.write_text("not a checkpoint")
    assert "notes.pth.tar: not a readable checkpoint" in _load_error(text)
    listing = tmp_path / "list.pth.tar"
    torch.save([1, 2, 3], listing)
    assert "list.pth.tar: not a checkpoint dict (found list)" in _load_error(listing)
    assert "absent.pth.tar: no such file" in _load_error(tmp_path / "absent.pth.tar")


def test_converted_file_holds_only_the_two_networks(tmp_path, small_checkpoint, small_model, small_frames):
    converted = convert_checkpoint(small_checkpoint, tmp_path / "small.safetensors", config=SMALL)
    with safe_open(converted, framework="pt") as f:
        assert {key.split(".")[0] for key in f.keys()} == {"generator", "kp_detector"}
        assert f.metadata()["weights_id"] == small_model.weights_id
    model = load(converted, config=SMALL)
    assert model.weights_id == small_model.weights_id
    kp = small_model.keypoints(small_frames)
    assert torch.equal(model.keypoints(small_frames)["jacobian"], kp["jacobian"])
    assert torch.equal(model.animate(small_frames[:1], kp, kp, kp), small_model.animate(small_frames[:1], kp, kp, kp))


def test_truncated_converted_file_is_a_checkpoint_error(tmp_path, small_checkpoint):
    converted = convert_checkpoint(small_checkpoint, tmp_path / "full.safetensors", config=SMALL)
    truncated = tmp_path / "cut.safetensors"
    truncated.write_bytes(converted.read_bytes()[:-1000])
    assert "cut.safetensors: not a readable checkpoint" in _load_error(truncated)


def test_converting_a_bad_file_writes_nothing(tmp_path):
    bad = tmp_path / "bad.pth.tar"
    bad.write_bytes(b"\x80\x02garbage")
    with pytest.raises(CheckpointError, match="bad.pth.tar"):
        convert_checkpoint(bad, tmp_path / "out.safetensors", config=SMALL)
    assert list(tmp_path.iterdir()) == [bad]


def test_weights_id_follows_the_weights(tmp_path, small_state_dicts, small_model):
    assert re.fullmatch(r"[0-9a-f]{16}", small_model.weights_id)
    changed = _edited(small_state_dicts, "generator", lambda sd: sd.update({"final.bias": sd["final.bias"] + 1e-3}))
    assert load(save_official_layout(changed, tmp_path / "changed.pth.tar"), config=SMALL).weights_id != \
        small_model.weights_id
