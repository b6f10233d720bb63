"""Which floating-point type FOMM computes in: a setting name (auto, fp32, bf16, fp16) resolved for a device."""
from pathlib import Path

import torch
from torch import nn

DTYPE_NAMES = ("auto", "fp32", "bf16", "fp16")
_DTYPES: dict[str, torch.dtype | None] = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}
# CPU flags (Linux /proc/cpuinfo) of native bf16 arithmetic; AVX-512 without them only emulates bf16, slower than fp32.
NATIVE_BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})
CPUINFO = Path("/proc/cpuinfo")


def cpu_flags(cpuinfo: Path = CPUINFO) -> frozenset[str]:
    """The first CPU's feature flags, or none where the file is missing (not Linux)."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


def auto_dtype_name(device: torch.device, flags: frozenset[str] | None = None) -> str:
    """fp16 on CUDA, bf16 on a CPU with native bf16, fp32 elsewhere."""
    if device.type == "cuda":
        return "fp16"
    if device.type == "cpu" and NATIVE_BF16_FLAGS & (cpu_flags() if flags is None else flags):
        return "bf16"
    return "fp32"


def fewer_flop_convs_pay(device: torch.device, dtype: torch.dtype | None, flags: frozenset[str] | None = None) -> bool:
    """Whether the sub-pixel and Winograd rewrites (fewer multiplies, more memory traffic) beat direct convs.

    They do everywhere measured but in bf16 on a CPU with AMX tiles: there oneDNN's direct convs run at up to
    3 TFLOP/s, a 256-channel bottleneck conv in 6 ms against Winograd's 13, an up block's conv 3-4x faster than
    its sub-pixel form.
    """
    if dtype is not torch.bfloat16 or device.type != "cpu":
        return True
    return "amx_bf16" not in (cpu_flags() if flags is None else flags)


def resolve_dtype(name: str, device: str | torch.device) -> tuple[str, torch.dtype | None]:
    """(the concrete name, its torch dtype; None for fp32) of a setting name on `device`; ValueError if unknown."""
    if name not in DTYPE_NAMES:
        raise ValueError(f"unknown dtype '{name}'; choose one of {', '.join(DTYPE_NAMES)}")
    concrete = auto_dtype_name(torch.device(device)) if name == "auto" else name
    return concrete, _DTYPES[concrete]


def store_weights_in_(network: nn.Module, dtype: torch.dtype) -> None:
    """In place: every parameter but the BatchNorms' in `dtype`, so that autocast need not cast them on every call.

    BatchNorms stay fp32: their kernels take low-precision inputs with fp32 statistics, and keep them exact.
    """
    for module in network.modules():
        if isinstance(module, nn.BatchNorm2d):
            continue
        for name, parameter in list(module.named_parameters(recurse=False)):
            setattr(module, name, nn.Parameter(parameter.detach().to(dtype), requires_grad=False))
