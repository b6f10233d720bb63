"""Making a finished video small enough for an upload limit, by re-encoding it with the bundled ffmpeg."""
from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

from inference.provenance import SigningFiles, copy_credentials
from inference.video import FFMPEG, probe

# The container and the encoder's rate control overshoot a little: aim this far under the limit.
SIZE_HEADROOM = 0.85
SHRUNK_AUDIO_BITS_PER_SECOND = 48_000
# Below this a face turns to mush; better to say the video does not fit.
MIN_VIDEO_BITS_PER_SECOND = 24_000
# Each try: a share of the bitrate budget and a frame-size scale (the second also halves the frames).
SHRINK_TRIES = ((1.0, 1.0), (0.7, 0.5))


def fit_to_size(video: Path, max_bytes: int, scratch: Path, signing: SigningFiles | None = None) -> Path | None:
    """`video` itself if it fits in `max_bytes`, else a smaller copy in `scratch` (the caller's to delete), or None.

    With `signing`, the copy carries the source's content credentials, signed anew (ffmpeg drops them)."""
    if video.stat().st_size <= max_bytes:
        return video
    duration = probe(video).duration
    budget = max_bytes * 8 * SIZE_HEADROOM / max(duration, 0.1) - SHRUNK_AUDIO_BITS_PER_SECOND
    scratch.mkdir(parents=True, exist_ok=True)
    for share, scale in SHRINK_TRIES:
        bitrate = round(budget * share)
        if bitrate < MIN_VIDEO_BITS_PER_SECOND:
            return None
        shrunk = scratch / f"shrunk-{uuid.uuid4().hex}.mp4"
        _reencode(video, shrunk, bitrate, scale)
        if signing is not None:
            try:
                copy_credentials(video, shrunk, signing)
            except BaseException:
                shrunk.unlink(missing_ok=True)
                raise
        if shrunk.stat().st_size <= max_bytes:
            return shrunk
        shrunk.unlink()
    return None


def _reencode(source: Path, target: Path, video_bitrate: int, scale: float) -> None:
    # Even sides for yuv420p; the source's metadata (the AI-generated label) is kept.
    size = f"scale=trunc(iw*{scale}/2)*2:trunc(ih*{scale}/2)*2"
    process = subprocess.run(
        [FFMPEG, "-y", "-hide_banner", "-loglevel", "error", "-i", str(source), "-map_metadata", "0", "-vf", size,
         "-c:v", "libx264", "-preset", "veryfast", "-b:v", str(video_bitrate), "-maxrate", str(video_bitrate),
         "-bufsize", str(video_bitrate * 2), "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", str(SHRUNK_AUDIO_BITS_PER_SECOND), "-movflags", "+faststart", str(target)],
        stderr=subprocess.PIPE, check=False,
    )
    if process.returncode != 0:
        target.unlink(missing_ok=True)
        raise RuntimeError(f"ffmpeg could not shrink {source.name}: {process.stderr.decode(errors='replace').strip()}")
