"""Uploaded clips drawn for the template tests, and the template the main one becomes (ingested once per session)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from inference.templates import Template
from inference.templates.ingest import ingest
from synth.face import Pose
from tests.inference.templates import clips

SILENT_SECONDS, SILENT_FPS, SILENT_SIZE = 1.0, 25.0, (192, 192)


@dataclass
class Ingested:
    """A template and what ingest reported while building it."""

    template: Template
    progress: list[tuple[str, float]]
    warnings: list[str]


@pytest.fixture(scope="session")
def moving_clip(tmp_path_factory) -> Path:
    """2.4 s at 30 fps, 320x240, with sound: the singer sways, bobs, rolls and opens the mouth; the tone changes
    at START and END so a trim can be heard."""
    frames = clips.posed_frames(clips.moving_pose, clips.MOVING_SECONDS, clips.MOVING_FPS, clips.MOVING_SIZE)
    sound = clips.tone([(clips.START, clips.TONE_BEFORE), (clips.END - clips.START, clips.TONE_INSIDE),
                        (clips.MOVING_SECONDS - clips.END + 0.5, clips.TONE_AFTER)])
    return clips.write_clip(tmp_path_factory.mktemp("upload") / "singer.mp4", frames, clips.MOVING_FPS, sound)


@pytest.fixture(scope="session")
def moving_template(tmp_path_factory, moving_clip) -> Ingested:
    """The main clip between START and END, ingested as the template 'singer' (read-only for tests)."""
    progress: list[tuple[str, float]] = []
    warnings: list[str] = []
    template = ingest(
        moving_clip, tmp_path_factory.mktemp("library") / "singer", "singer", title="The Singer",
        start=clips.START, end=clips.END, added_by="admin:42", credits="drawn by synth",
        progress=lambda stage, fraction: progress.append((stage, fraction)), warn=warnings.append,
    )
    return Ingested(template, progress, warnings)


def _nodding(seconds: float) -> Pose:
    return Pose(mouth_open=seconds, dx=0.04 * seconds, scale=0.85)


@pytest.fixture(scope="session")
def silent_clip(tmp_path_factory) -> Path:
    """1 s at 25 fps, 192x192, no sound track: a small, quick clip for the library, CLI and failure tests."""
    frames = clips.posed_frames(_nodding, SILENT_SECONDS, SILENT_FPS, SILENT_SIZE)
    return clips.write_clip(tmp_path_factory.mktemp("upload") / "silent.mp4", frames, SILENT_FPS)
