"""Reading, checking, fingerprinting and converting FOMM checkpoints (official .pth.tar or converted .safetensors)."""
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import save_file
from torch import nn

from .config import FOMMConfig
from .generator import OcclusionAwareGenerator
from .keypoint_detector import KPDetector

PARTS = ("generator", "kp_detector")  # the only checkpoint entries inference needs
StateDicts = dict[str, dict[str, torch.Tensor]]


class CheckpointError(ValueError):
    """The file is not a usable FOMM checkpoint; the message names the file and what is missing or wrong."""


def _listing(names: list[str], shown: int = 3) -> str:
    """'a, b, c, ... (n more)': enough names to act on without flooding the message."""
    more = f", ... ({len(names) - shown} more)" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def read_state_dicts(path: str | os.PathLike) -> StateDicts:
    """The generator and kp_detector state dicts of a checkpoint, any `module.` prefix removed."""
    if not Path(path).is_file():
        raise CheckpointError(f"{path}: no such file")
    try:
        if Path(path).suffix == ".safetensors":
            entries = _read_safetensors(path)
        else:
            entries = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # torch/pickle/zip/safetensors raise many types for a bad file; all mean the same here
        raise CheckpointError(f"{path}: not a readable checkpoint ({type(e).__name__}: {e})") from e
    if not isinstance(entries, Mapping):
        raise CheckpointError(f"{path}: not a checkpoint dict (found {type(entries).__name__})")
    missing = [part for part in PARTS if part not in entries]
    if missing:
        found = _listing(sorted(map(str, entries)))
        raise CheckpointError(f"{path}: missing entries: {', '.join(missing)} (found: {found})")
    state_dicts = {}
    for part in PARTS:
        entry = entries[part]
        if not isinstance(entry, Mapping) or not all(isinstance(t, torch.Tensor) for t in entry.values()):
            raise CheckpointError(f"{path}: entry {part} is not a state dict of tensors")
        state_dicts[part] = {key.removeprefix("module."): tensor for key, tensor in entry.items()}
    return state_dicts


def _read_safetensors(path: str | os.PathLike) -> dict[str, dict[str, torch.Tensor]]:
    """{part: state dict} from a converted file whose keys are `<part>.<key>`."""
    entries: dict[str, dict[str, torch.Tensor]] = {}
    with safe_open(path, framework="pt") as f:
        for name in f.keys():
            part, _, key = name.partition(".")
            # copied out of the file mapping: a few tensors kept as views would keep all its pages resident
            entries.setdefault(part, {})[key] = f.get_tensor(name).clone()
    return entries


def check_state_dict(path: str | os.PathLike, part: str, state_dict: Mapping[str, torch.Tensor],
                     module: nn.Module) -> None:
    """Raise CheckpointError naming every missing, unexpected or wrongly shaped key of one entry."""
    expected = {key: tuple(t.shape) for key, t in module.state_dict().items()}
    problems = []
    missing = [key for key in expected if key not in state_dict]
    if missing:
        problems.append(f"missing {part} keys: {_listing(missing)}")
    unexpected = [key for key in state_dict if key not in expected]
    if unexpected:
        problems.append(f"unexpected {part} keys: {_listing(unexpected)}")
    wrong = [f"{key} {tuple(t.shape)} instead of {expected[key]}"
             for key, t in state_dict.items() if key in expected and tuple(t.shape) != expected[key]]
    if wrong:
        problems.append(f"wrong {part} shapes: {_listing(wrong)}")
    if problems:
        raise CheckpointError(f"{path}: " + "; ".join(problems))


def weights_id(state_dicts: StateDicts) -> str:
    """Short stable digest of the tensors (names, dtypes, shapes, bytes); equal for a file and its conversion."""
    digest = hashlib.sha256()
    for part in PARTS:
        for key in sorted(state_dicts[part]):
            tensor = state_dicts[part][key].detach().cpu().contiguous()
            digest.update(f"{part}.{key}:{tensor.dtype}:{tuple(tensor.shape)}".encode())
            digest.update(tensor.reshape(-1).view(torch.uint8).numpy().data)
    return digest.hexdigest()[:16]


def networks(config: FOMMConfig) -> dict[str, nn.Module]:
    """The module each checkpoint entry is the state dict of (built on the current default device)."""
    return {"generator": OcclusionAwareGenerator(config), "kp_detector": KPDetector(config)}


def read_checkpoint(path: str | os.PathLike, config: FOMMConfig) -> StateDicts:
    """The checked, fp32 generator and kp_detector state dicts of a checkpoint of the given architecture."""
    state_dicts = read_state_dicts(path)
    with torch.device("meta"):  # shapes only: no memory, no random init
        expected = networks(config)
    for part in PARTS:
        check_state_dict(path, part, state_dicts[part], expected[part])
        state_dicts[part] = {key: t.float() if t.is_floating_point() else t for key, t in state_dicts[part].items()}
    return state_dicts


def convert_checkpoint(src: str | os.PathLike, dst: str | os.PathLike, config: FOMMConfig = FOMMConfig()) -> Path:
    """Write the generator and kp_detector of a checkpoint to a compact, memory-mappable .safetensors file."""
    state_dicts = read_checkpoint(src, config)
    dst = Path(dst)
    tmp = dst.with_name(dst.name + ".part")  # written aside and renamed: a half-written file never has the name
    tensors = {f"{part}.{key}": t.contiguous() for part in PARTS for key, t in state_dicts[part].items()}
    try:
        save_file(tensors, tmp, metadata={"source": Path(src).name, "weights_id": weights_id(state_dicts)})
        tmp.replace(dst)
    finally:
        tmp.unlink(missing_ok=True)
    return dst
