"""Clips ingest refuses, each with the message the admin reads, and the nothing it leaves behind."""
from __future__ import annotations

import os

import numpy as np
import pytest

from inference.errors import InputError
from inference.templates.ingest import IngestLimits, ingest
from synth.face import CONDUCTOR, Pose, draw_face
from tests.inference.templates import clips

FPS = 25.0


def _refused(tmp_path, video, message: str, slug: str = "refused", **options) -> str:
    """Ingest `video`, expect an InputError containing `message`, and check nothing was created."""
    library = tmp_path / "library"
    with pytest.raises(InputError) as refused:
        ingest(video, library / "refused", slug, **options)
    assert message in str(refused.value)
    assert not library.exists() or list(library.iterdir()) == []
    return str(refused.value)


def test_clip_without_a_face(tmp_path):
    video = clips.write_clip(tmp_path / "landscape.mp4", [clips.empty_frame((160, 160))] * 25, FPS)
    _refused(tmp_path, video, "I couldn't find a face in that clip; templates need one clearly visible, front-facing singer.")


def test_two_faces_of_similar_size_name_the_time(tmp_path):
    """The singer is alone for 0.6 s, then a second singer of the same size appears beside him."""
    alone = draw_face(CONDUCTOR, Pose(scale=0.8), 200, 400)
    duet = np.concatenate([draw_face(CONDUCTOR, Pose(scale=0.8), 200, 200),
                           draw_face(CONDUCTOR, Pose(mouth_open=0.4, scale=0.8), 200, 200)], axis=1)
    video = clips.write_clip(tmp_path / "duet.mp4", [alone] * 15 + [duet] * 15, FPS)
    _refused(tmp_path, video, "Several faces of similar size at 0:00.6; use a clip with one singer, or trim it with start and end.")
    # The part before the second singer is fine.
    solo = ingest(video, tmp_path / "solo" / "solo", "solo", end=0.5, limits=IngestLimits(min_duration=0.5))
    assert abs(solo.frame_count - 0.5 * FPS) <= 1


def test_face_lost_longer_than_the_gap_names_when(tmp_path):
    singing = clips.posed_frames(lambda t: Pose(mouth_open=0.3, scale=0.8), 2.0, FPS, (160, 160))
    singing[15:35] = [clips.empty_frame((160, 160))] * 20  # gone from 0.6 s to 1.4 s
    video = clips.write_clip(tmp_path / "walks-off.mp4", singing, FPS)
    _refused(tmp_path, video, "The face is lost from 0:00.6 to 0:01.4; trim the clip with start and end, "
                              "or use one where the face stays in view.")
    # A longer allowed gap takes the clip, the face box carried across the gap.
    template = ingest(video, tmp_path / "lenient" / "t", "lenient", limits=IngestLimits(max_face_gap=1.0))
    assert template.frame_count == 50


def test_clip_shorter_than_a_second(tmp_path, silent_clip):
    message = _refused(tmp_path, silent_clip, "templates must be at least 1 s", end=0.4)
    assert message == "That clip is 0.4 s long; templates must be at least 1 s. Send a longer clip, or widen start and end."


def test_clip_longer_than_allowed(tmp_path, silent_clip):
    message = _refused(tmp_path, silent_clip, "templates may be at most 0.5 s",
                       limits=IngestLimits(max_duration=0.5))
    assert message == "That clip is 1.0 s long; templates may be at most 0.5 s. Use start and end to pick a part."


def test_start_and_end_pick_an_allowed_part_of_a_long_clip(tmp_path, silent_clip):
    template = ingest(silent_clip, tmp_path / "part", "part", start=0.2, end=0.6,
                      limits=IngestLimits(max_duration=0.5, min_duration=0.2))
    assert template.frame_count == 10


def test_empty_part(tmp_path, silent_clip):
    _refused(tmp_path, silent_clip, "The chosen part of silent.mp4 is empty (start 3.0 s, end 1.0 s, clip 1.0 s).", start=3.0)


def test_file_larger_than_allowed_is_refused_before_decoding(tmp_path):
    video = tmp_path / "big.mp4"
    video.write_bytes(np.random.default_rng(1).bytes(3 * 2**19))  # 1.5 MB, and not even a video
    _refused(tmp_path, video, "big.mp4 is 1.5 MB; clips up to 1 MB are accepted.", limits=IngestLimits(max_bytes=2**20))


def test_too_few_frames_per_second(tmp_path):
    video = clips.write_clip(tmp_path / "slideshow.mp4", clips.posed_frames(lambda t: Pose(), 1.0, 5.0, (96, 96)), 5.0)
    _refused(tmp_path, video, "slideshow.mp4 has only 5 frames per second; at least 10 are needed.")


def test_unreadable_file(tmp_path):
    video = tmp_path / "holiday.mp4"
    video.write_bytes(np.random.default_rng(0).bytes(20_000))
    _refused(tmp_path, video, "holiday.mp4 is not a video I can read.")


def test_wrong_file_type(tmp_path, silent_clip):
    gif = tmp_path / "dance.gif"
    gif.write_bytes(silent_clip.read_bytes())
    _refused(tmp_path, gif, "dance.gif: send the clip as .mp4, .mov, .webm, .mkv, .m4v.")


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        ingest(tmp_path / "gone.mp4", tmp_path / "library" / "gone", "gone")


@pytest.mark.parametrize("slug", ["Baka Mitai", "-dash-first", "", "x" * 41, "ünï", "../escape", ".hidden", "demo\n"])
def test_invalid_names(tmp_path, silent_clip, slug):
    _refused(tmp_path, silent_clip, f"'{slug}' is not a valid template name: use lowercase letters, digits and dashes (max 40).",
             slug=slug)


def test_refused_clip_keeps_the_existing_template(tmp_path, silent_clip):
    """A failed replace (here: a limit) must not touch the template already there."""
    kept = ingest(silent_clip, tmp_path / "library" / "kept", "kept")
    before = sorted((p.name, p.stat().st_mtime_ns) for p in kept.folder.iterdir())
    with pytest.raises(InputError):
        ingest(silent_clip, kept.folder, "kept", limits=IngestLimits(max_duration=0.5))
    assert sorted((p.name, p.stat().st_mtime_ns) for p in kept.folder.iterdir()) == before
    assert os.listdir(kept.folder.parent) == ["kept"]
