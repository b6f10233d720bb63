"""Render throughput of one worker serving N concurrent FOMM renders through the cross-render FrameBatcher.

Two phases on the same jobs: the model alone (each render's frames drained as they come), then end to end (paste-back
compositing, label and one ffmpeg encoder per render, through inference.render). Run
`python -m bench.throughput -h`; `--model small` checks the pipeline quickly on a CPU, `--model vox` is the full
vox-256 network (the parity fixture's synthetic weights: meaningless pictures, real cost).
"""
from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from bench.fomm_bench import FIXTURE_DIR, synthetic_vox_checkpoint
from inference.animator import DrivingMotion
from inference.fomm import FOMMConfig, load
from inference.fomm.animator import FOMMAnimator
from inference.fomm.batching import DEFAULT_BATCH_FRAMES, FrameBatcher
from inference.fomm.checkpoint import networks
from inference.fomm.precision import DTYPE_NAMES, resolve_dtype
from inference.image_io import load_photo
from inference.render import PreparedPhoto, RenderOptions, prepare_photo, render
from inference.templates import Template, clip_template
from inference.templates.library import SHIPPED_TEMPLATES_DIR
from synth import demo

DEMO_PHOTO = SHIPPED_TEMPLATES_DIR / "demo-singer.png"


def load_model(kind: str, folder: Path, device: str, dtype: torch.dtype | None):
    """The vox-256 network with the fixture's weights, or the small test config with random ones."""
    if kind == "vox":
        return load(synthetic_vox_checkpoint(folder, FIXTURE_DIR), device=device, dtype=dtype)
    torch.manual_seed(0)
    checkpoint = folder / "small.pth.tar"
    torch.save({name: net.state_dict() for name, net in networks(FOMMConfig.small()).items()}, checkpoint)
    return load(checkpoint, device=device, config=FOMMConfig.small(), dtype=dtype)


def driving_templates(folder: Path, seconds: float) -> list[Template]:
    """Two synthetic singing clips of different lengths as templates, so the renders' progress differs."""
    return [clip_template(demo.write_driving_clip(folder / f"clip-{length:g}.mp4", seconds=length), folder / "cache")
            for length in (seconds, 1.5 * seconds)]


def photos() -> list[PreparedPhoto]:
    """The demo singer and its mirror image: two different sources."""
    photo = load_photo(DEMO_PHOTO)
    return [prepare_photo(photo), prepare_photo(np.ascontiguousarray(photo[:, ::-1]))]


def run_jobs(count: int, job: Callable[[int], None]) -> float:
    """Seconds taken by `count` threads each running job(i), as one worker's concurrent renders."""
    errors: list[BaseException] = []

    def guarded(i: int) -> None:
        try:
            job(i)
        except BaseException as error:  # re-raised below, in the benchmark's thread
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def gpu_utilisation() -> str:
    """The GPU's current utilisation from nvidia-smi, where there is one."""
    if shutil.which("nvidia-smi") is None:
        return "n/a (no nvidia-smi)"
    query = ["nvidia-smi", "--query-gpu=utilization.gpu", "--format=csv,noheader,nounits"]
    return subprocess.run(query, capture_output=True, text=True, check=False).stdout.strip().splitlines()[0] + "%"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--jobs", type=int, default=4, help="concurrent renders (default 4)")
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH_FRAMES,
                        help=f"frames per model call, shared by the renders (default {DEFAULT_BATCH_FRAMES})")
    parser.add_argument("--dtype", default="auto", choices=DTYPE_NAMES, help="generator precision (default auto)")
    parser.add_argument("--model", default="vox", choices=("vox", "small"), help="network size (default vox)")
    parser.add_argument("--seconds", type=float, default=1.0, help="length of the shorter template (default 1 s)")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads(), help="torch CPU threads")
    args = parser.parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: no CUDA device here")
    torch.set_num_threads(args.threads)
    dtype_name, dtype = resolve_dtype(args.dtype, args.device)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        model = load_model(args.model, folder, args.device, dtype)
        animator = FOMMAnimator(model)
        templates = driving_templates(folder, args.seconds)
        for template in templates:
            animator.driving_keypoints(template)  # once per template and weights, cached: not part of a render
        sources = photos()
        motions: list[DrivingMotion] = [templates[i % len(templates)] for i in range(args.jobs)]
        frames = sum(motion.frame_count for motion in motions)

        def model_only(i: int) -> None:
            for _ in batcher.animate(sources[i % len(sources)].face, motions[i], 0):
                pass

        def end_to_end(i: int) -> None:
            template = templates[i % len(templates)]
            render(sources[i % len(sources)], template, batcher, folder / f"job{i}.mp4", RenderOptions(),
                   audio=template.audio_path)

        if args.device == "cuda":
            torch.cuda.reset_peak_memory_stats()
        batcher = FrameBatcher(animator, args.batch)
        try:
            run_jobs(1, model_only)  # warm-up: first calls pick algorithms and allocate
            calls_before = batcher.model_calls
            model_seconds = run_jobs(args.jobs, model_only)
            model_calls = batcher.model_calls - calls_before
            utilisation = gpu_utilisation() if args.device == "cuda" else "n/a (cpu)"
            e2e_seconds = run_jobs(args.jobs, end_to_end)
        finally:
            batcher.close()

    print(f"FOMM throughput: {args.model} model, {args.device}, {dtype_name}, {args.jobs} concurrent renders, "
          f"batch {args.batch}, {args.threads} torch threads, {frames} frames in all, torch {torch.__version__}")
    print(f"  model only: {frames / model_seconds:.1f} frames/s ({model_calls} model calls, "
          f"{frames / max(model_calls, 1):.1f} frames a call), GPU utilisation {utilisation}")
    print(f"  end to end (paste-back, label, ffmpeg per render): {frames / e2e_seconds:.1f} frames/s, "
          f"{args.jobs / e2e_seconds * 60:.1f} jobs/min")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    cuda = f", CUDA peak {torch.cuda.max_memory_allocated() / 2**20:.0f} MiB" if args.device == "cuda" else ""
    print(f"  peak RSS of the worker process {rss / 2**20:.0f} MiB (the ffmpeg encoders not included){cuda}")


if __name__ == "__main__":
    main()
