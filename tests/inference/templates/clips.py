"""Clips an admin might upload, made from drawn faces and real ffmpeg: poses over time, tones, and what to measure."""
from __future__ import annotations

import math
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from inference.video import FFMPEG, VideoWriter
from synth import tune
from synth.face import CONDUCTOR, Look, Pose, draw_face

SAMPLE_RATE = tune.SAMPLE_RATE
# The moving singer of the main clip: mouth, sway and roll, each on its own period, over a 2.4 s clip at 30 fps.
MOVING_SECONDS, MOVING_FPS, MOVING_SIZE = 2.4, 30.0, (240, 320)  # height, width
MOUTH_PERIOD, SWAY_PERIOD, BOB_PERIOD, ROLL_PERIOD = 0.8, 2.0, 1.3, 1.7
SWAY, BOB, ROLL_DEGREES, HEAD_SCALE = 0.08, 0.03, 6.0, 0.8
# dlib's inner lips stop following the drawn mouth past about 0.6 open.
MOUTH_WIDEST = 0.6
# The part of it a template is made of, and the tone the sound plays before, inside and after that part.
START, END = 0.4, 2.0
TONE_BEFORE, TONE_INSIDE, TONE_AFTER = 440.0, 880.0, 660.0
# Inner-lip landmarks (iBUG, 0-based): the middle of the upper and of the lower inner lip.
UPPER_INNER_LIP, LOWER_INNER_LIP = 62, 66


def moving_pose(seconds: float) -> Pose:
    """The drawn singer at a time of the main clip."""
    return Pose(
        mouth_open=MOUTH_WIDEST * (0.5 - 0.5 * math.cos(2 * math.pi * seconds / MOUTH_PERIOD)),
        roll_degrees=ROLL_DEGREES * math.sin(2 * math.pi * seconds / ROLL_PERIOD),
        dx=SWAY * math.sin(2 * math.pi * seconds / SWAY_PERIOD),
        dy=BOB * math.sin(2 * math.pi * seconds / BOB_PERIOD),
        scale=HEAD_SCALE,
    )


def tone(segments: Iterable[tuple[float, float]]) -> np.ndarray:
    """Mono samples: each (seconds, hertz) segment a sine of that pitch, one after the other."""
    parts = [0.3 * np.sin(2 * np.pi * hz * np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE)
             for seconds, hz in segments]
    return np.concatenate(parts).astype(np.float32)


def write_clip(path: Path, frames: Iterable[np.ndarray], fps: float, sound: np.ndarray | None = None) -> Path:
    """Encode RGB frames (all one size) as an H.264 MP4, with the samples as its AAC track when given."""
    frames = iter(frames)
    first = next(frames)
    height, width = first.shape[:2]
    with tempfile.TemporaryDirectory() as scratch:
        audio = None
        if sound is not None:
            audio = Path(scratch) / "sound.wav"
            tune.write_wav(audio, sound)
        with VideoWriter(path, width, height, fps, audio=audio, crf=16) as writer:
            writer.write(first)
            for frame in frames:
                writer.write(frame)
    return path


def posed_frames(pose_at: Callable[[float], Pose], seconds: float, fps: float, size: tuple[int, int],
                 look: Look = CONDUCTOR) -> list[np.ndarray]:
    """The drawn person at every frame time of a clip."""
    height, width = size
    return [draw_face(look, pose_at(index / fps), height, width) for index in range(round(seconds * fps))]


def empty_frame(size: tuple[int, int], look: Look = CONDUCTOR) -> np.ndarray:
    """The drawn background with nobody in front of it."""
    height, width = size
    t = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    top, bottom = np.array(look.background_top, np.float32), np.array(look.background_bottom, np.float32)
    return np.ascontiguousarray(np.broadcast_to(top * (1 - t) + bottom * t, (height, width, 3)).astype(np.uint8))


def rotate_for_display(source: Path, target: Path, degrees: int) -> Path:
    """Copy a clip, adding the display-rotation tag phones write instead of turning the pixels."""
    command = [FFMPEG, "-y", "-hide_banner", "-loglevel", "error", "-display_rotation", str(degrees),
               "-i", str(source), "-c", "copy", str(target)]
    subprocess.run(command, check=True, capture_output=True)
    return target


def decode_audio(path: Path) -> np.ndarray:
    """A sound file's first channel as float samples at SAMPLE_RATE, decoded by ffmpeg."""
    command = [FFMPEG, "-hide_banner", "-loglevel", "error", "-i", str(path), "-ac", "1", "-ar", str(SAMPLE_RATE),
               "-f", "s16le", "-"]
    raw = subprocess.run(command, check=True, capture_output=True).stdout
    return np.frombuffer(raw, "<i2").astype(np.float32) / 32768


def dominant_hertz(samples: np.ndarray) -> float:
    """The strongest frequency in a stretch of samples."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / SAMPLE_RATE)[np.argmax(spectrum)])


def mouth_gap(landmarks: np.ndarray) -> np.ndarray:
    """Per frame, the distance between the inner lips (frames, 68, 2) -> (frames,)."""
    return np.linalg.norm(landmarks[:, LOWER_INNER_LIP] - landmarks[:, UPPER_INNER_LIP], axis=-1)


def ffmpeg_children() -> set[int]:
    """Process ids of the ffmpeg processes this test process started and that still run."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == os.getpid() and state != "Z" and b"ffmpeg" in cmdline.split(b"\0")[0]:
            found.add(int(entry.name))
    return found
