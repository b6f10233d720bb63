"""Choosing FOMM's precision (MEMEBOT_DTYPE) and storing the generator's weights in it."""
import pytest
import torch

from inference.fomm import load
from inference.fomm.optimize import SubpixelUpBlock2d
from inference.fomm.precision import CPUINFO, auto_dtype_name, cpu_flags, fewer_flop_convs_pay, resolve_dtype
from inference.fomm.winograd import WinogradConv2d

from .conftest import SMALL

ZEN5_FLAGS = "fpu sse2 avx2 avx512f avx512bw avx512_bf16 avx512_vnni"
SKYLAKE_FLAGS = "fpu sse2 avx2 avx512f avx512bw avx512_vnni"


def cpuinfo(tmp_path, flags: str):
    path = tmp_path / "cpuinfo"
    path.write_text(f"processor\t: 0\nmodel name\t: test\nflags\t\t: {flags}\n\nprocessor\t: 1\nflags\t\t: fpu\n")
    return path


def test_cpu_flags_are_the_first_processors(tmp_path):
    assert cpu_flags(cpuinfo(tmp_path, ZEN5_FLAGS)) == frozenset(ZEN5_FLAGS.split())
    assert cpu_flags(tmp_path / "missing") == frozenset()


def test_auto_is_bf16_only_with_native_bf16_and_fp16_on_cuda(tmp_path):
    cpu = torch.device("cpu")
    assert auto_dtype_name(cpu, cpu_flags(cpuinfo(tmp_path, ZEN5_FLAGS))) == "bf16"
    assert auto_dtype_name(cpu, cpu_flags(cpuinfo(tmp_path, SKYLAKE_FLAGS + " amx_bf16"))) == "bf16"
    assert auto_dtype_name(cpu, cpu_flags(cpuinfo(tmp_path, SKYLAKE_FLAGS))) == "fp32"  # AVX-512 alone emulates bf16
    assert auto_dtype_name(cpu, frozenset()) == "fp32"
    assert auto_dtype_name(torch.device("cuda"), frozenset()) == "fp16"


def test_fewer_flop_rewrites_are_left_out_only_for_bf16_on_amx(tmp_path, small_checkpoint):
    cpu, amx = torch.device("cpu"), cpu_flags(cpuinfo(tmp_path, ZEN5_FLAGS + " amx_bf16 amx_tile"))
    zen5 = cpu_flags(cpuinfo(tmp_path, ZEN5_FLAGS))
    assert fewer_flop_convs_pay(cpu, None, amx) and fewer_flop_convs_pay(cpu, torch.bfloat16, zen5)
    assert not fewer_flop_convs_pay(cpu, torch.bfloat16, amx)
    assert fewer_flop_convs_pay(cpu, torch.float16, amx)  # AMX-BF16 tiles do not take fp16
    model = load(small_checkpoint, config=SMALL, dtype=torch.bfloat16)
    rewritten = any(isinstance(m, SubpixelUpBlock2d | WinogradConv2d) for m in model.generator.modules())
    assert rewritten == fewer_flop_convs_pay(cpu, torch.bfloat16)  # this machine's own flags decide


def test_resolve_names_the_choice_and_its_torch_dtype():
    assert resolve_dtype("fp32", "cpu") == ("fp32", None)
    assert resolve_dtype("bf16", "cpu") == ("bf16", torch.bfloat16)
    assert resolve_dtype("fp16", "cuda") == ("fp16", torch.float16)
    assert resolve_dtype("auto", "cuda") == ("fp16", torch.float16)
    native = {"avx512_bf16", "amx_bf16"} & cpu_flags(CPUINFO)
    assert resolve_dtype("auto", "cpu") == (("bf16", torch.bfloat16) if native else ("fp32", None))
    with pytest.raises(ValueError, match="unknown dtype 'fp8'; choose one of auto, fp32, bf16, fp16"):
        resolve_dtype("fp8", "cpu")


def test_bf16_stores_the_generators_weights_and_keeps_keypoints_fp32(small_checkpoint, small_model, small_frames):
    bf16 = load(small_checkpoint, config=SMALL, dtype=torch.bfloat16)
    generator = dict(bf16.generator.named_parameters())
    assert generator["final.weight"].dtype == torch.bfloat16
    assert generator["bottleneck.r0.conv1.weight"].dtype == torch.bfloat16
    assert generator["bottleneck.r0.norm1.weight"].dtype == torch.float32  # BatchNorm statistics stay exact
    assert {p.dtype for p in bf16.kp_detector.parameters()} == {torch.float32}
    kp = bf16.keypoints(small_frames)
    torch.testing.assert_close(kp, small_model.keypoints(small_frames), rtol=0, atol=0)
