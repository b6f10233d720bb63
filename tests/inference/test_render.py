"""`memebot render` end to end, as a user runs it: real photo, real template, real ffmpeg, files a chat app can play."""
import subprocess

import numpy as np
import pytest

from bot.cli import main
from inference.fomm import FOMMConfig
from inference.image_io import load_photo
from inference.render import RenderOptions, prepare_photo, render
from inference.templates import TemplateLibrary, clip_template
from inference.video import FFMPEG, VideoWriter, probe, read_frames
from synth import demo


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MEMEBOT_DATA_DIR", str(tmp_path / "data"))
    for name in ("MEMEBOT_CHECKPOINT", "MEMEBOT_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


@pytest.fixture(scope="module")
def short_clip(tmp_path_factory):
    """A 1.2 s raw driving clip with sound, as an admin or a user would supply."""
    return demo.write_driving_clip(tmp_path_factory.mktemp("clip") / "singing.mp4", seconds=1.2)


def test_renders_the_demo_template_into_a_playable_labelled_video(data_dir, demo_photo, tmp_path, capsys):
    out = tmp_path / "meme.mp4"
    assert main(["render", "--template", "demo", "--image", str(demo_photo), "--out", str(out)]) == 0
    summary = capsys.readouterr().out.strip()
    assert summary.startswith(f"wrote {out}: a 7.2 s video, 180 frames, 640x480; rendered in ")
    assert summary.endswith(" frames/s, landmarks)")
    info = probe(out)
    assert (info.width, info.height, info.has_audio) == (640, 480, True)
    assert info.duration == pytest.approx(7.2, abs=0.1)
    frames = read_frames(out)
    first = next(frames)
    photo = load_photo(demo_photo)
    assert np.abs(first[:100].astype(int) - photo[:100].astype(int)).mean() < 3  # the photo's background is kept
    corner = first[-40:, -160:]
    assert (corner > 230).any() and (corner < 90).any()  # the visible label


def test_plain_mode_outputs_the_face_crop(data_dir, demo_photo, tmp_path):
    out = tmp_path / "plain.mp4"
    assert main(["render", "--template", "demo", "--image", str(demo_photo), "--out", str(out), "--no-paste-back"]) == 0
    assert (probe(out).width, probe(out).height) == (256, 256)


def test_a_raw_driving_clip_is_measured_once_and_cached(data_dir, demo_photo, short_clip, tmp_path):
    for run in range(2):
        out = tmp_path / f"meme{run}.mp4"
        assert main(["render", "--driving", str(short_clip), "--image", str(demo_photo), "--out", str(out)]) == 0
        assert len(list(read_frames(out))) == 30
    assert len(list((data_dir / "cache" / "clips").iterdir())) == 1


def test_a_silent_driving_clip_renders_a_silent_video_with_a_warning(data_dir, demo_photo, tmp_path, capsys):
    """One rule for sound, as for templates: a clip without it is used, and the user is told."""
    clip = tmp_path / "mime.mp4"
    demo.write_driving_clip(tmp_path / "with-sound.mp4", seconds=1.2)
    subprocess.run([FFMPEG, "-loglevel", "error", "-i", str(tmp_path / "with-sound.mp4"), "-an", "-c:v", "copy",
                    str(clip)], check=True)
    out = tmp_path / "meme.mp4"
    assert main(["render", "--driving", str(clip), "--image", str(demo_photo), "--out", str(out)]) == 0
    assert capsys.readouterr().err.splitlines()[0] == "warning: mime.mp4 has no sound; the template will render silent videos."
    assert not probe(out).has_audio and probe(out).duration == pytest.approx(1.2, abs=0.1)


@pytest.mark.parametrize("case, message", [
    ("not_an_image", "not an image"),
    ("no_face", "couldn't find a face"),
    ("unknown_template", "no template called 'nope'"),
    ("corrupt_video", "not a video"),
    ("too_short_video", "templates must be at least 1 s"),
    ("no_checkpoint", "no FOMM checkpoint is configured"),
    ("out_in_missing_folder", "does not exist"),
    ("out_is_a_folder", "is a folder"),
])
def test_bad_input_is_one_clear_line_and_exit_status_2(case, message, data_dir, demo_photo, tmp_path, capsys):
    image, source = demo_photo, ["--template", "demo"]
    if case == "not_an_image":
        image = tmp_path / "photo.jpg"
        image.write_text("not really")
    elif case == "no_face":
        image = tmp_path / "wall.png"
        from PIL import Image
        Image.new("RGB", (320, 240), (120, 120, 120)).save(image)
    elif case == "unknown_template":
        source = ["--template", "nope"]
    elif case == "corrupt_video":
        (tmp_path / "clip.mp4").write_bytes(b"\x00" * 2048)
        source = ["--driving", str(tmp_path / "clip.mp4")]
    elif case == "too_short_video":
        with VideoWriter(tmp_path / "blink.mp4", 64, 64, 25) as writer:
            writer.write(np.zeros((64, 64, 3), np.uint8))
        source = ["--driving", str(tmp_path / "blink.mp4")]
    extra = ["--backend", "fomm"] if case == "no_checkpoint" else []
    out = tmp_path / "out.mp4"
    if case == "out_in_missing_folder":
        out = tmp_path / "missing" / "out.mp4"
    elif case == "out_is_a_folder":
        out = tmp_path / "folder"
        out.mkdir()
    assert main(["render", *source, "--image", str(image), "--out", str(out), *extra]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and error[0].startswith("memebot: error:") and message in error[0]
    assert not out.exists() or out.is_dir() and not list(out.iterdir())


def test_a_missing_checkpoint_is_reported_before_a_driving_clip_is_ingested(data_dir, demo_photo, short_clip, tmp_path, capsys):
    argv = ["render", "--driving", str(short_clip), "--image", str(demo_photo), "--out", str(tmp_path / "out.mp4")]
    assert main([*argv, "--backend", "fomm"]) == 2
    assert "no FOMM checkpoint is configured" in capsys.readouterr().err
    assert not list(data_dir.rglob("clip-*"))  # no motion was computed for a render that cannot run


def test_fomm_backend_streams_batches_with_keypoints_computed_once(demo_photo, short_clip, tmp_path, small_fomm):
    animator = small_fomm
    template = clip_template(short_clip, tmp_path / "cache")
    prepared = prepare_photo(load_photo(demo_photo))
    done = []
    stats = render(prepared, template, animator, tmp_path / "fomm.mp4", RenderOptions(), audio=template.audio_path,
                   progress=lambda frames, total: done.append((frames, total)))
    assert done == [(8, 30), (16, 30), (24, 30), (30, 30)]
    assert stats.backend == "fomm" and probe(tmp_path / "fomm.mp4").has_audio
    assert template.cached_keypoints(animator.model.weights_id)["value"].shape == (30, FOMMConfig.small().num_kp, 2)


def test_shipped_templates_are_listed(shipped_templates):
    assert [t.slug for t in TemplateLibrary(shipped_templates).list()] == ["demo"]
