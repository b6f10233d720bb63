"""A short synthesised tune and the loudness envelope a singer's mouth follows."""
from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

SAMPLE_RATE = 44_100
BEATS_PER_MINUTE = 100
# (beat, length in beats, MIDI note): a made-up eight-bar-ish phrase, not any existing song.
MELODY = (
    (0.0, 1.0, 64), (1.0, 0.5, 67), (1.5, 0.5, 69), (2.0, 1.5, 71), (3.5, 0.5, 69),
    (4.0, 1.0, 67), (5.0, 1.0, 64), (6.0, 2.0, 62), (8.0, 1.0, 64), (9.0, 1.0, 71), (10.0, 2.0, 69),
)
ATTACK_SECONDS = 0.04
RELEASE_FRACTION = 0.35


def _seconds(beats: float) -> float:
    return beats * 60 / BEATS_PER_MINUTE


def duration() -> float:
    """Length of the tune in seconds."""
    beat, length, _ = MELODY[-1]
    return _seconds(beat + length)


def envelope(times: np.ndarray) -> np.ndarray:
    """Loudness in [0, 1] at each time: each sung note swells and fades, silence between notes."""
    level = np.zeros_like(times, dtype=np.float32)
    for beat, length, _ in MELODY:
        start, span = _seconds(beat), _seconds(length) * 0.92  # a breath before the next note
        local = (times - start) / span
        attack = np.clip((times - start) / ATTACK_SECONDS, 0, 1)
        release = np.clip((1 - local) / RELEASE_FRACTION, 0, 1)
        level = np.maximum(level, np.where((local >= 0) & (local <= 1), attack * release, 0))
    return level


def synthesize(sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """The tune as float32 mono samples in [-1, 1]: a soft, vowel-like voice with a little vibrato."""
    times = np.arange(round(duration() * sample_rate)) / sample_rate
    pitch = np.zeros_like(times)
    for beat, length, note in MELODY:
        inside = (times >= _seconds(beat)) & (times < _seconds(beat + length))
        pitch[inside] = 440.0 * 2 ** ((note - 69) / 12)
    vibrato = 1 + 0.006 * np.sin(2 * np.pi * 5.5 * times)
    phase = 2 * np.pi * np.cumsum(pitch * vibrato) / sample_rate
    voice = sum(np.sin(k * phase) / k**1.3 for k in range(1, 7))
    signal = voice * envelope(times)
    return (0.5 * signal / np.max(np.abs(signal))).astype(np.float32)


def write_wav(path: Path | str, samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> None:
    """Save mono float samples as 16-bit PCM WAV."""
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(sample_rate)
        handle.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
