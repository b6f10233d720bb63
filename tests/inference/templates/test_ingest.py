"""Ingest of good clips: the template folder's files, the crop, the sound's trim, the face tracking."""
from __future__ import annotations

import json
import stat
from datetime import datetime, timezone

import numpy as np
import pytest

from inference.face import detect_faces
from inference.templates.ingest import ingest
from inference.video import probe, read_frames
from synth.face import Pose
from tests.inference.templates import clips
from tests.inference.templates.conftest import SILENT_FPS

TEMPLATE_FRAMES = round((clips.END - clips.START) * 25)  # 40


def _times() -> np.ndarray:
    """The clip time of each template frame."""
    return clips.START + np.arange(TEMPLATE_FRAMES) / 25


def test_metadata_describes_the_trimmed_clip(moving_template):
    template = moving_template.template
    stored = json.loads((template.folder / "template.json").read_text())
    assert {key: stored[key] for key in ("slug", "title", "fps", "frame_count", "has_audio", "added_by", "credits")} == {
        "slug": "singer", "title": "The Singer", "fps": 25.0, "frame_count": TEMPLATE_FRAMES, "has_audio": True,
        "added_by": "admin:42", "credits": "drawn by synth",
    }
    assert stored["duration"] == pytest.approx(clips.END - clips.START)
    added_at = datetime.fromisoformat(stored["added_at"])
    assert abs((datetime.now(timezone.utc) - added_at).total_seconds()) < 600
    assert template.describe() == stored


def test_folder_holds_every_file_readable_by_others(moving_template):
    folder = moving_template.template.folder
    assert sorted(p.name for p in folder.iterdir()) == [
        "audio.m4a", "driving.mp4", "landmarks.npy", "preview.jpg", "preview.mp4", "template.json"]
    # The renderers may run as another user than the admin tool: the folder must not stay mkdtemp's 0700.
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    assert not [p.name for p in folder.parent.iterdir() if p.name.startswith(".")]


def test_driving_clip_is_the_model_size_at_25_fps_with_every_frame(moving_template):
    template = moving_template.template
    info = probe(template.clip_path)
    assert (info.width, info.height, info.fps) == (256, 256, 25.0)
    batches = list(template.frames(batch_size=16))
    assert [len(b) for b in batches] == [16, 16, 8]
    assert batches[0].shape[1:] == (256, 256, 3) and batches[0].dtype == np.uint8


def test_sound_is_the_chosen_part_only(moving_template):
    samples = clips.decode_audio(moving_template.template.audio_path)
    assert len(samples) / clips.SAMPLE_RATE == pytest.approx(clips.END - clips.START, abs=0.06)
    window = round(0.2 * clips.SAMPLE_RATE)
    margin = round(0.05 * clips.SAMPLE_RATE)  # the AAC encoder's priming and the fade of a cut
    assert clips.dominant_hertz(samples[margin:margin + window]) == pytest.approx(clips.TONE_INSIDE, abs=10)
    assert clips.dominant_hertz(samples[-margin - window:-margin]) == pytest.approx(clips.TONE_INSIDE, abs=10)


def test_landmarks_follow_the_drawn_mouth(moving_template):
    points = moving_template.template.landmarks()
    assert points.shape == (TEMPLATE_FRAMES, 68, 2) and points.dtype == np.float32
    drawn = [clips.moving_pose(t).mouth_open for t in _times()]
    assert np.corrcoef(clips.mouth_gap(points), drawn)[0, 1] > 0.8


def test_one_still_square_crop_while_the_head_moves(moving_template):
    """If the crop followed the face, the face would stand still in it; in one fixed square it moves as drawn."""
    points = moving_template.template.landmarks()
    height, width = clips.MOVING_SIZE
    centres = points.mean(axis=1)
    drawn_x = np.array([width / 2 + clips.moving_pose(t).dx * width for t in _times()])
    drawn_y = np.array([height / 2 + clips.moving_pose(t).dy * height for t in _times()])
    scale_x, offset_x = np.polyfit(drawn_x, centres[:, 0], 1)
    scale_y, offset_y = np.polyfit(drawn_y, centres[:, 1], 1)
    # One square: the same scale both ways, and every frame on the same straight line (roll moves the centre a little).
    assert 0.6 < scale_x < 1.6 and scale_y == pytest.approx(scale_x, rel=0.2)
    assert np.abs(scale_x * drawn_x + offset_x - centres[:, 0]).max() < 4
    assert np.abs(scale_y * drawn_y + offset_y - centres[:, 1]).max() < 4
    assert np.ptp(centres[:, 0]) > 35  # the head sways 51 source pixels


def test_face_is_framed_as_the_model_expects(moving_template):
    points = moving_template.template.landmarks()
    centre = points.mean(axis=(0, 1))
    assert np.all(np.abs(centre - 128) < 40)
    face_width = np.ptp(points[..., 0], axis=1).mean()
    assert 60 < face_width < 160  # the face with room for the head around it, as FOMM's vox crops


def test_previews_show_the_template(moving_template):
    template = moving_template.template
    preview = probe(template.preview_video)
    assert (preview.width, preview.height, preview.has_audio) == (256, 256, True)
    assert preview.duration == pytest.approx(clips.END - clips.START, abs=0.1)  # shorter than PREVIEW_SECONDS
    image = next(read_frames(template.preview_image))
    assert image.shape == (256, 256, 3) and detect_faces(image)


def test_progress_goes_through_both_stages_to_the_end(moving_template):
    stages = [stage for stage, _ in moving_template.progress]
    assert stages[0] == "tracking the face" and stages[-1] == "cropping and measuring the motion"
    for stage in set(stages):
        fractions = [f for s, f in moving_template.progress if s == stage]
        assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    assert moving_template.warnings == []


def test_clip_without_sound_is_accepted_with_a_warning(silent_clip, tmp_path):
    warnings = []
    template = ingest(silent_clip, tmp_path / "quiet", "quiet", warn=warnings.append)
    assert warnings == ["silent.mp4 has no sound; the template will render silent videos."]
    assert template.meta.has_audio is False and template.audio_path is None
    assert not (template.folder / "audio.m4a").exists()
    assert template.meta.title == "Quiet" and template.frame_count == round(SILENT_FPS)
    assert probe(template.preview_video).has_audio is False


def test_phone_clip_with_rotation_tag_is_turned_upright(tmp_path):
    """Phones store portrait video sideways with a display-rotation tag; ffmpeg turns it upright on decoding.

    At 360x640 it is also larger than the tracking size, so the face boxes are scaled back to full size.
    """
    upright = clips.posed_frames(lambda t: Pose(mouth_open=0.6 * t, dy=-0.1, scale=0.8), 1.0, 25.0, (640, 360))
    stored_sideways = clips.write_clip(tmp_path / "raw.mp4", [np.ascontiguousarray(np.rot90(f)) for f in upright], 25.0)
    phone = clips.rotate_for_display(stored_sideways, tmp_path / "phone.mp4", -90)
    header = probe(phone)
    assert (header.width, header.height) == (640, 360)
    assert next(read_frames(phone)).shape == (640, 360, 3)  # decoded upright
    template = ingest(phone, tmp_path / "portrait", "portrait")
    points = template.landmarks()
    eyes, mouth = points[:, 36:48].mean(axis=1), points[:, 48:68].mean(axis=1)
    assert np.all(eyes[:, 1] < mouth[:, 1] - 20)  # upright in the crop
    assert np.all(np.abs(points.mean(axis=1) - 128) < 40)  # and framed
    assert np.corrcoef(clips.mouth_gap(points), np.arange(len(points)))[0, 1] > 0.8
