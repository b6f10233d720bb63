"""End-to-end render speed and memory of `inference.render` (photo in, MP4 out, encoding included).

Run `python -m bench.render_bench -h`. Each measurement runs in a fresh process so that peak RSS figures
do not mix. The memory check renders the demo template looped to a short and a long clip: a streaming
renderer's peak RSS must not grow with the clip's length.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from bench.measure import peak_rss_of
from inference.backends import BACKENDS, build_animator
from inference.image_io import load_photo
from inference.render import RenderOptions, prepare_photo, render
from inference.templates import Template, TemplateLibrary
from inference.templates.library import SHIPPED_TEMPLATES_DIR
from inference.templates.template import AUDIO_FILE, CLIP_FILE, LANDMARKS_FILE, META_FILE
from inference.video import FFMPEG

DEMO_PHOTO = SHIPPED_TEMPLATES_DIR / "demo-singer.png"
# The speed target is measured at this output size (a square photo, the demo singer's middle).
SQUARE_SIDE = 512
SHORT_SECONDS, LONG_SECONDS = 5.0, 60.0
RSS_GROWTH_TARGET = 0.15


def looped_template(template: Template, seconds: float, folder: Path) -> Template:
    """A copy of a template looped to `seconds` (clip, audio and cached landmarks), without re-ingesting."""
    folder.mkdir(parents=True)
    frames = round(seconds * template.fps)
    for name in (CLIP_FILE, AUDIO_FILE):
        subprocess.run([FFMPEG, "-loglevel", "error", "-stream_loop", "-1", "-i", str(template.folder / name),
                        "-t", f"{seconds}", "-c", "copy", str(folder / name)], check=True)
    landmarks = template.landmarks()
    np.save(folder / LANDMARKS_FILE, np.resize(landmarks, (frames, *landmarks.shape[1:])))
    meta = {**template.describe(), "slug": f"{template.slug}-{seconds:g}s", "duration": seconds, "frame_count": frames}
    (folder / META_FILE).write_text(json.dumps(meta))
    return Template(folder)


def square_photo(folder: Path) -> Path:
    """The demo photo's middle square scaled to SQUARE_SIDE, as a PNG in `folder`."""
    photo = load_photo(DEMO_PHOTO)
    side = min(photo.shape[:2])
    top, left = (photo.shape[0] - side) // 2, (photo.shape[1] - side) // 2
    square = cv2.resize(photo[top : top + side, left : left + side], (SQUARE_SIDE, SQUARE_SIDE))
    path = folder / "square.png"
    cv2.imwrite(str(path), cv2.cvtColor(square, cv2.COLOR_RGB2BGR))
    return path


def timed_render(template_folder: Path, output: Path, backend: str, paste_back: bool, checkpoint: Path | None = None,
                 photo: Path = DEMO_PHOTO) -> dict:
    """Render a photo with a template once; return frames, seconds and the output size."""
    animator = build_animator(backend, checkpoint)
    template = Template(template_folder)
    started = time.perf_counter()
    prepared = prepare_photo(load_photo(photo))
    stats = render(prepared, template, animator, output, RenderOptions(paste_back=paste_back),
                   audio=template.audio_path)
    return {"frames": stats.frames, "seconds": time.perf_counter() - started, "size": f"{stats.width}x{stats.height}"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.render_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="landmarks", choices=BACKENDS)
    parser.add_argument("--checkpoint", type=Path, help="FOMM checkpoint, for --backend fomm")
    parser.add_argument("--speed-seconds", type=float, help="clip length for the speed runs (default: the whole demo)")
    parser.add_argument("--short", type=float, default=SHORT_SECONDS, help="short clip for the memory check (s)")
    parser.add_argument("--long", type=float, default=LONG_SECONDS, help="long clip for the memory check (s)")
    args = parser.parse_args(argv)
    demo = TemplateLibrary(SHIPPED_TEMPLATES_DIR).get("demo")
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        weights = ""
        if args.backend == "fomm" and args.checkpoint is None:
            from bench.fomm_bench import synthetic_vox_checkpoint

            args.checkpoint = synthetic_vox_checkpoint(scratch)
            weights = " (synthetic fixture weights: speed only, the pictures mean nothing)"
        print(f"render pipeline, {args.backend} backend{weights}, demo photo (and its middle at "
              f"{SQUARE_SIDE}x{SQUARE_SIDE}), encoding included")
        speed = looped_template(demo, args.speed_seconds, scratch / "speed") if args.speed_seconds else demo
        square = square_photo(scratch)
        for photo, paste_back in ((DEMO_PHOTO, True), (square, True), (DEMO_PHOTO, False)):
            result, rss = peak_rss_of(timed_render, speed.folder, scratch / "speed.mp4", args.backend, paste_back,
                                      args.checkpoint, photo)
            mode = "paste-back" if paste_back else "plain"
            print(f"  {mode:10} {result['size']:>8}: {result['frames']} frames in {result['seconds']:.2f} s = "
                  f"{result['frames'] / result['seconds']:.1f} frames/s, peak RSS {rss / 2**20:.0f} MiB")
        peaks = {}
        for seconds in (args.short, args.long):
            looped = looped_template(demo, seconds, scratch / f"looped-{seconds:g}")
            result, peaks[seconds] = peak_rss_of(timed_render, looped.folder, scratch / "memory.mp4", args.backend,
                                                 True, args.checkpoint)
            print(f"  {seconds:4g} s clip ({result['frames']} frames): peak RSS {peaks[seconds] / 2**20:.0f} MiB, "
                  f"{result['frames'] / result['seconds']:.1f} frames/s")
        growth = peaks[args.long] / peaks[args.short] - 1
        verdict = "within" if growth <= RSS_GROWTH_TARGET else "ABOVE"
        print(f"  peak RSS growth {args.long:g} s vs {args.short:g} s: {growth:+.1%} "
              f"({verdict} the {RSS_GROWTH_TARGET:.0%} target)")


if __name__ == "__main__":
    main()
