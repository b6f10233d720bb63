"""What content credentials cost: signing (and verifying) a rendered MP4 against rendering it, in one run.

Run `python -m bench.signing_bench -h`. Renders the demo template once with the landmark backend (the
baseline), then signs copies of that video with memebot's own ES256 pair and reads them back.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from inference.backends import build_animator
from inference.image_io import load_photo
from inference.provenance import ContentCredentials, SigningFiles, prepare_signing_files, read_verdict, sign_video
from inference.render import RenderOptions, prepare_photo, render
from inference.templates import TemplateLibrary
from inference.templates.library import SHIPPED_TEMPLATES_DIR

DEMO_PHOTO = SHIPPED_TEMPLATES_DIR / "demo-singer.png"


def measure(repeats: int) -> dict[str, float]:
    """Seconds to render the demo, median seconds to sign and to verify its video, and the bytes signing adds."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        template = TemplateLibrary(folder / "templates").get("demo")
        rendered = folder / "demo.mp4"
        started = time.perf_counter()
        render(prepare_photo(load_photo(DEMO_PHOTO)), template, build_animator("landmarks", None), rendered,
               RenderOptions(), audio=template.audio_path)
        render_seconds = time.perf_counter() - started
        signing = SigningFiles.own(folder / "c2pa")
        prepare_signing_files(signing)
        credentials = ContentCredentials(signing, template.meta.title, template.meta.credits)
        signs, verifies = [], []
        for index in range(repeats):
            copy = folder / f"signed-{index}.mp4"
            shutil.copy(rendered, copy)
            started = time.perf_counter()
            sign_video(copy, credentials)
            signs.append(time.perf_counter() - started)
            started = time.perf_counter()
            assert read_verdict(copy).state == "memebot"
            verifies.append(time.perf_counter() - started)
        return {"render_s": render_seconds, "sign_s": statistics.median(signs),
                "verify_s": statistics.median(verifies), "bytes_added": copy.stat().st_size - rendered.stat().st_size,
                "video_bytes": rendered.stat().st_size}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10, help="signings to take the median of")
    figures = measure(parser.parse_args(argv).repeats)
    print(f"render (demo, 7.2 s, landmarks): {figures['render_s']:.2f} s   "
          f"sign: {figures['sign_s'] * 1000:.1f} ms ({figures['sign_s'] / figures['render_s']:.2%} of the render)   "
          f"verify: {figures['verify_s'] * 1000:.1f} ms   "
          f"size: +{figures['bytes_added']} bytes on {figures['video_bytes']}")


if __name__ == "__main__":
    main()
