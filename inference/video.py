"""Video in and out through the bundled ffmpeg binary: probe, stream frames, stream-encode with audio, extract audio."""
from __future__ import annotations

import logging
import re
import subprocess
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from inference.errors import InputError
from inference.provenance import ContentCredentials, sign_video

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
# Cropping and scaling filters change the frame size on purpose; imageio-ffmpeg warns about that each time.
logging.getLogger("imageio_ffmpeg").setLevel(logging.ERROR)
# Encoder settings: H.264 yuv420p with the index up front plays inline in Discord and Telegram.
VIDEO_CRF = 20
VIDEO_PRESET = "veryfast"
AUDIO_BITRATE = "128k"


@dataclass(frozen=True)
class VideoInfo:
    """What a video file holds, read from ffmpeg's header without decoding it."""

    width: int
    height: int
    fps: float
    duration: float
    has_audio: bool


def probe(path: Path | str) -> VideoInfo:
    """Read a video's size, frame rate, duration and whether it has sound; InputError if it is no video."""
    process = subprocess.run([FFMPEG, "-hide_banner", "-i", str(path)], capture_output=True, text=True)
    header = process.stderr
    video = re.search(r"Stream #\S+.*?: Video: .*?(\d{2,5})x(\d{2,5})", header)
    duration = re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", header)
    if not video or not duration:
        raise InputError(f"{Path(path).name} is not a video I can read.")
    rate = re.search(r"Video: .*?(\d+(?:\.\d+)?) fps", header) or re.search(r"Video: .*?(\d+(?:\.\d+)?) tbr", header)
    hours, minutes, seconds = duration.groups()
    return VideoInfo(
        width=int(video.group(1)),
        height=int(video.group(2)),
        fps=float(rate.group(1)) if rate else 25.0,
        duration=int(hours) * 3600 + int(minutes) * 60 + float(seconds),
        has_audio=re.search(r"Stream #\S+.*?: Audio: ", header) is not None,
    )


def _trim_args(start: float | None, end: float | None) -> list[str]:
    args = ["-ss", f"{start:.3f}"] if start else []
    if end is not None:
        args += ["-t", f"{end - (start or 0):.3f}"]
    return args


def read_frames(
    path: Path | str,
    filters: Sequence[str] = (),
    start: float | None = None,
    end: float | None = None,
) -> Generator[np.ndarray, None, None]:
    """Decode a video as RGB uint8 frames (h, w, 3), one at a time, after optional ffmpeg filters and a trim."""
    output_params = ["-vf", ",".join(filters)] if filters else []
    reader = imageio_ffmpeg.read_frames(str(path), input_params=_trim_args(start, end), output_params=output_params)
    try:
        meta = next(reader)
    except (RuntimeError, OSError, StopIteration) as error:
        raise InputError(f"{Path(path).name} could not be decoded ({str(error).splitlines()[0]}).") from None
    width, height = meta["size"]
    try:
        for raw in reader:
            yield np.frombuffer(raw, np.uint8).reshape(height, width, 3)
    except (RuntimeError, OSError) as error:
        raise InputError(f"{Path(path).name} is damaged: decoding stopped ({str(error).splitlines()[0]}).") from None
    finally:
        reader.close()


class VideoWriter:
    """Encodes RGB frames as they come into an MP4 (H.264 + AAC, +faststart), so memory stays flat.

    `duration`: the video's length when known (frames / fps), so the sound is cut exactly there;
    `credentials`: the finished file is signed with them (C2PA), so no unsigned meme is ever left behind.
    """

    def __init__(
        self,
        path: Path | str,
        width: int,
        height: int,
        fps: float,
        audio: Path | str | None = None,
        comment: str | None = None,
        crf: int = VIDEO_CRF,
        duration: float | None = None,
        credentials: ContentCredentials | None = None,
    ) -> None:
        if width % 2 or height % 2:
            raise ValueError(f"yuv420p needs even sides, got {width}x{height}")
        self.path = Path(path)
        self.frames_written = 0
        self._credentials = credentials
        self._shape = (height, width, 3)
        command = [FFMPEG, "-y", "-hide_banner", "-loglevel", "error",
                   "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", f"{fps:.6g}", "-i", "-"]
        if audio is not None:
            # The sound is padded with silence, then cut at the video's end: exactly at `duration` when it is
            # known, else by -shortest, which overshoots by a few tenths of a second.
            cut = ["-t", f"{duration:.3f}"] if duration else ["-shortest"]
            command += ["-i", str(audio), "-map", "0:v:0", "-map", "1:a:0", "-af", "apad", *cut,
                        "-c:a", "aac", "-b:a", AUDIO_BITRATE]
        command += ["-c:v", "libx264", "-preset", VIDEO_PRESET, "-crf", str(crf), "-pix_fmt", "yuv420p",
                    "-movflags", "+faststart"]
        if comment:
            command += ["-metadata", f"comment={comment}", "-metadata", f"description={comment}"]
        command.append(str(self.path))
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        assert self._process.stdin is not None and self._process.stderr is not None, "both pipes were asked for"
        self._stdin, self._stderr = self._process.stdin, self._process.stderr

    def write(self, frame: np.ndarray) -> None:
        """Send one RGB uint8 frame of the writer's size to the encoder."""
        if frame.shape != self._shape or frame.dtype != np.uint8:
            raise ValueError(f"expected a uint8 frame of shape {self._shape}, got {frame.dtype} {frame.shape}")
        try:
            self._stdin.write(np.ascontiguousarray(frame).data)
        except BrokenPipeError:
            self._fail()
        self.frames_written += 1

    def close(self) -> None:
        """Finish the file and sign it; raise if ffmpeg reported an error or the signing failed."""
        try:
            self._stdin.close()
        except BrokenPipeError:  # ffmpeg died with frames still buffered: its exit status and stderr say why
            pass
        if self._process.wait() != 0:
            self._fail()
        if self._credentials is not None:
            sign_video(self.path, self._credentials)

    def abort(self) -> None:
        """Stop encoding and remove the partial file."""
        self._process.kill()
        self._process.wait()
        self._stderr.close()
        self.path.unlink(missing_ok=True)

    def _fail(self) -> None:
        self._process.wait()
        message = self._stderr.read().decode(errors="replace").strip()
        raise RuntimeError(f"ffmpeg could not write {self.path.name}: {message}")

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()
            return
        try:
            self.close()
        except BaseException:  # ffmpeg failed while finishing: what it wrote is no playable file
            self.abort()
            raise


def extract_audio(source: Path | str, target: Path | str, start: float | None = None, end: float | None = None) -> None:
    """Copy a clip's sound, trimmed, into an AAC file (.m4a)."""
    command = [FFMPEG, "-y", "-hide_banner", "-loglevel", "error", *_trim_args(start, end), "-i", str(source),
               "-vn", "-map", "0:a:0", "-c:a", "aac", "-b:a", AUDIO_BITRATE, str(target)]
    process = subprocess.run(command, capture_output=True, text=True)
    if process.returncode != 0:
        raise InputError(f"The sound of {Path(source).name} could not be read ({process.stderr.strip()[-200:]}).")
