"""`memebot verify`: one line on what a video's content credentials say, exit status 0 only for a memebot video."""
import numpy as np
import pytest

from bot.cli import main
from inference.video import VideoWriter
from synth import demo
from tests.credentials import top_level_boxes


@pytest.fixture(scope="module")
def memebot_video(tmp_path_factory, demo_photo):
    folder = tmp_path_factory.mktemp("verify")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MEMEBOT_DATA_DIR", str(folder / "data"))
        for name in ("MEMEBOT_CHECKPOINT", "MEMEBOT_BACKEND", "MEMEBOT_C2PA_CERT", "MEMEBOT_C2PA_KEY"):
            env.delenv(name, raising=False)
        clip = demo.write_driving_clip(folder / "singing.mp4", seconds=1.2)
        assert main(["template", "add", "short", str(clip), "--title", "Short Song"]) == 0
        out = folder / "meme.mp4"
        assert main(["render", "--template", "short", "--image", str(demo_photo), "--out", str(out)]) == 0
    return out


def test_a_memebot_video_is_named_with_its_template_and_date(memebot_video, capsys):
    assert main(["verify", str(memebot_video)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith('meme.mp4: a memebot video (AI-generated) of "Short Song", made 20')
    assert line.endswith("its content credentials are valid") and "\n" not in line


def test_a_plain_ffmpeg_video_carries_no_credentials(tmp_path, capsys):
    plain = tmp_path / "plain.mp4"
    with VideoWriter(plain, 64, 64, 25) as writer:
        for _ in range(25):
            writer.write(np.zeros((64, 64, 3), np.uint8))
    assert main(["verify", str(plain)]) == 1
    assert capsys.readouterr().out.strip() == "plain.mp4: no content credentials: not marked as a memebot video"


def test_a_memebot_video_with_altered_bytes_has_broken_credentials(memebot_video, tmp_path, capsys):
    data = bytearray(memebot_video.read_bytes())
    assert top_level_boxes(memebot_video)[-1] == "mdat"
    data[-1000] ^= 0xFF  # one byte of the pictures or the sound
    altered = tmp_path / "altered.mp4"
    altered.write_bytes(bytes(data))
    assert main(["verify", str(altered)]) == 1
    line = capsys.readouterr().out.strip()
    assert line.startswith("altered.mp4: broken content credentials: the file was altered or damaged after signing (")
    assert "hash" in line


def test_a_missing_file_is_bad_input(tmp_path, capsys):
    assert main(["verify", str(tmp_path / "nothing.mp4")]) == 2
    assert "no such file" in capsys.readouterr().err
