"""FOMM render speed: the official demo's per-frame loop against the project's batched streaming path.

Uses the parity fixture's synthetic vox-256 weights (full size, meaningless pictures: never show them as a meme).
Each path runs in its own fresh process so that their peak RSS do not mix. Run `python -m bench.fomm_bench -h`.
"""
import argparse
import importlib.util
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from bench.measure import peak_rss_of
from inference.fomm import convert_checkpoint, load, normalize_kp

# The parity fixture (synthetic weights in the official layout and the official code's outputs), kept in the repo.
FIXTURE_DIR = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "fomm"
DTYPES = {"fp32": None, "fp16": torch.float16, "bf16": torch.bfloat16}
FP32_TARGET, BF16_TARGET = 2.5, 4.0  # the project path's frames/s over the official loop's (issue 13)


def fixture_weights_module(fixture_dir: Path = FIXTURE_DIR):
    """The fixture's gen_weights.py (its weight recipe and checksums), imported from its folder."""
    spec = importlib.util.spec_from_file_location("fomm_fixture_gen_weights", fixture_dir / "gen_weights.py")
    gen_weights = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen_weights)
    return gen_weights


def synthetic_vox_checkpoint(tmpdir: str | Path, fixture_dir: Path = FIXTURE_DIR) -> Path:
    """Write the fixture's synthetic vox-256 weights as a checkpoint in the official layout; checksums verified."""
    gen_weights = fixture_weights_module(fixture_dir)
    state_dicts = gen_weights.make_state_dicts(str(fixture_dir / "keys.json"))
    mismatching = gen_weights.verify_state_dicts(state_dicts, str(fixture_dir / "weights_checksums.json"))
    if mismatching:  # another torch build drew other random numbers: the fixture's outputs would not apply
        raise RuntimeError(f"synthetic weights differ from the fixture's checksums: {mismatching[:3]}")
    return save_official_layout(state_dicts, Path(tmpdir) / "synthetic-vox-cpk.pth.tar")


def save_official_layout(state_dicts: dict, path: Path) -> Path:
    """torch.save generator and kp_detector state dicts with the other top-level entries of vox-cpk.pth.tar."""
    placeholder = {"weight": torch.zeros(1)}  # inference must ignore these entries, whatever they hold
    torch.save({"generator": state_dicts["generator"], "kp_detector": state_dicts["kp_detector"],
                "discriminator": placeholder, "optimizer_generator": placeholder,
                "optimizer_kp_detector": placeholder, "optimizer_discriminator": placeholder, "epoch": 0}, path)
    return path


def fixture_clip(fixture_dir: Path = FIXTURE_DIR) -> tuple[np.ndarray, np.ndarray]:
    """(source HWC, the 4 driving frames THWC), float32 in [0, 1], as the demo reads images."""
    inputs = np.load(fixture_dir / "inputs.npz")
    return inputs["source"][0].transpose(1, 2, 0), inputs["driving"].transpose(0, 2, 3, 1)


def ping_pong(frames: int) -> list[int]:
    """Indices into the 4-frame clip that play it back and forth for `frames` frames."""
    return [i for _ in range(frames) for i in (0, 1, 2, 3, 2, 1)][:frames]


def _prepare(device: str, threads: int) -> None:
    """Thread count and exact fp32 (no TF32) in the process that renders."""
    torch.set_num_threads(threads)
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        torch.cuda.reset_peak_memory_stats()


def _finish(device: str, started: float, frames: int, load_seconds: float) -> dict:
    """Timings (and the CUDA memory peak) of a finished render."""
    if device == "cuda":
        torch.cuda.synchronize()
    stats = {"seconds": time.perf_counter() - started, "frames": frames, "load_seconds": load_seconds}
    if device == "cuda":
        stats["cuda_peak_bytes"] = torch.cuda.max_memory_allocated()
    return stats


def render_official(checkpoint: Path, frames: int, out_path: Path, device: str = "cpu", threads: int = 2,
                    fixture_dir: Path = FIXTURE_DIR) -> dict:
    """The official demo's make_animation: kp detector per frame at batch 1, source re-encoded every frame,
    the plain (unfolded) networks, every output frame kept in memory as numpy; written to out_path at the end."""
    _prepare(device, threads)
    started = time.perf_counter()
    model = load(checkpoint, device=device, optimize=False, channels_last=False)
    load_seconds = time.perf_counter() - started
    source_image, clip = fixture_clip(fixture_dir)
    video = clip[ping_pong(frames)]  # the demo reads the whole driving video into memory
    kp_detector, generator = model.kp_detector, model.generator
    started = time.perf_counter()
    with torch.no_grad():
        predictions = []
        source = torch.tensor(source_image[np.newaxis].astype(np.float32)).permute(0, 3, 1, 2).to(device)
        driving = torch.tensor(np.array(video)[np.newaxis].astype(np.float32)).permute(0, 4, 1, 2, 3).to(device)
        kp_source = kp_detector(source)
        kp_driving_initial = kp_detector(driving[:, :, 0])
        for frame_idx in range(driving.shape[2]):
            kp_driving = kp_detector(driving[:, :, frame_idx])
            kp_norm = normalize_kp(kp_source, kp_driving, kp_driving_initial, relative=True, adapt_scale=True)
            out = generator(source, kp_norm, kp_source)
            predictions.append(np.transpose(out.data.cpu().numpy(), [0, 2, 3, 1])[0])
    stats = _finish(device, started, frames, load_seconds)
    np.stack(predictions).tofile(out_path)
    return stats


def render_streaming(checkpoint: Path, frames: int, out_path: Path, device: str = "cpu", threads: int = 2,
                     fixture_dir: Path = FIXTURE_DIR, batch: int = 4, dtype: str = "fp32",
                     channels_last: bool = True) -> dict:
    """The project's path: driving keypoints once in batches, the source encoded once, frames generated in
    batches and written out as they come (nothing per frame stays in memory)."""
    _prepare(device, threads)
    started = time.perf_counter()
    model = load(checkpoint, device=device, dtype=DTYPES[dtype], channels_last=channels_last)
    load_seconds = time.perf_counter() - started
    source_image, clip = fixture_clip(fixture_dir)
    order = ping_pong(frames)
    started = time.perf_counter()
    source = torch.from_numpy(source_image).permute(2, 0, 1)[None]
    kp_source = model.keypoints(source)
    # driving frames one batch at a time, as a decoder streams them: nothing here grows with the clip
    chunks = [model.keypoints(torch.from_numpy(clip[order[i:i + batch]]).permute(0, 3, 1, 2))
              for i in range(0, frames, batch)]
    kp_driving = {name: torch.cat([chunk[name] for chunk in chunks]) for name in ("value", "jacobian")}
    kp_initial = {name: t[:1] for name, t in kp_driving.items()}
    encoding = model.encode_source(source, kp_source)
    with open(out_path, "wb") as sink:
        for i in range(0, frames, batch):
            kp_batch = {name: t[i:i + batch] for name, t in kp_driving.items()}
            out = model.generate(encoding, normalize_kp(kp_source, kp_batch, kp_initial))
            sink.write(out.permute(0, 2, 3, 1).contiguous().cpu().numpy().tobytes())
    return _finish(device, started, frames, load_seconds)


def max_abs_difference(a_path: Path, b_path: Path, chunk: int = 1 << 22) -> float:
    """Largest |a - b| between two raw float32 files, read in chunks."""
    a, b = np.memmap(a_path, np.float32, "r"), np.memmap(b_path, np.float32, "r")
    if a.shape != b.shape:
        raise ValueError(f"{a_path} and {b_path} hold different numbers of values")
    return max((float(np.abs(a[i:i + chunk] - b[i:i + chunk]).max()) for i in range(0, len(a), chunk)), default=0.0)


def fastest(runs: list[tuple[dict, int]]) -> tuple[dict, int]:
    """The fastest of several (stats, peak RSS) runs, with the highest peak RSS among them."""
    return min((stats for stats, _ in runs), key=lambda stats: stats["seconds"]), max(rss for _, rss in runs)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fomm_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=20, help="driving frames to render (default 20)")
    parser.add_argument("--batch", type=int, default=4, help="frames per generate() call on the project path")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads(), help="torch CPU threads")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--dtypes", default="fp32,bf16",
                        help="comma-separated dtypes of the project path, each measured against the same baseline "
                             "(default fp32,bf16; fp16 for CUDA; the baseline stays fp32)")
    parser.add_argument("--no-channels-last", dest="channels_last", action="store_false",
                        help="keep the project path in NCHW memory")
    parser.add_argument("--repeats", type=int, default=1,
                        help="alternate the paths this many times and keep each one's fastest run "
                             "(steadier figures on a machine shared with other work)")
    parser.add_argument("--fixture", type=Path, default=FIXTURE_DIR, help="the FOMM parity fixture folder")
    args = parser.parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: no CUDA device here")
    dtypes = args.dtypes.split(",")
    if unknown := [name for name in dtypes if name not in DTYPES]:
        parser.error(f"--dtypes: unknown {', '.join(unknown)}; choose from {', '.join(sorted(DTYPES))}")
    common = {"frames": args.frames, "device": args.device, "threads": args.threads, "fixture_dir": args.fixture}

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        checkpoint = synthetic_vox_checkpoint(tmp, args.fixture)
        converted = convert_checkpoint(checkpoint, tmp / "synthetic-vox.safetensors")  # what the project loads
        official_runs: list[tuple[dict, int]] = []
        project_runs: dict[str, list[tuple[dict, int]]] = {name: [] for name in dtypes}
        differences = {}
        for _ in range(args.repeats):
            official_runs.append(peak_rss_of(render_official, checkpoint, out_path=tmp / "official.f32", **common))
            for name in dtypes:
                project_runs[name].append(peak_rss_of(
                    render_streaming, converted, out_path=tmp / f"project-{name}.f32", **common, batch=args.batch,
                    dtype=name, channels_last=args.channels_last))
        for name in dtypes:
            differences[name] = max_abs_difference(tmp / "official.f32", tmp / f"project-{name}.f32")
    official, official_rss = fastest(official_runs)

    print(f"FOMM vox-256 (synthetic fixture weights), {args.frames} frames, {args.device}, {args.threads} threads, "
          f"torch {torch.__version__}" + (f", fastest of {args.repeats} runs each" if args.repeats > 1 else ""))
    official_fps = official["frames"] / official["seconds"]
    print(f"  {'official demo loop (batch 1, source re-encoded per frame, fp32)':66}: "
          f"{_figures(official, official_rss)}")
    layout = ", channels-last" if args.channels_last else ""
    for name in dtypes:
        stats, rss = fastest(project_runs[name])
        speedup = stats["frames"] / stats["seconds"] / official_fps
        print(f"  {f'project path (batch {args.batch}, {name}{layout})':66}: {_figures(stats, rss)}, "
              f"{speedup:.2f}x, max |out - official fp32| = {differences[name]:.2e}")
    print(f"  targets: fp32 >= {FP32_TARGET}x (max difference <= 1e-3), bf16 >= {BF16_TARGET}x the official loop")


def _figures(stats: dict, rss: int) -> str:
    """frames/s, load time, peak RSS (and CUDA peak) of one measured path."""
    cuda = f", CUDA peak {stats['cuda_peak_bytes'] / 2**20:.0f} MiB" if "cuda_peak_bytes" in stats else ""
    return (f"{stats['frames'] / stats['seconds']:6.2f} frames/s, load {stats['load_seconds']:.1f} s, "
            f"peak RSS {rss / 2**20:.0f} MiB{cuda}")


if __name__ == "__main__":
    main()
