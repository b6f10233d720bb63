"""The ffmpeg wrappers: probe, decode with filters and trims, encode with audio, extract audio."""
import numpy as np
import pytest

from inference.errors import InputError
from inference.video import VideoWriter, extract_audio, probe, read_frames
from synth import tune


def _gradient(index: int, size: int = 64) -> np.ndarray:
    frame = np.zeros((size, size, 3), np.uint8)
    frame[..., 0] = index * 8 % 256
    frame[..., 1] = np.arange(size, dtype=np.uint8)[None, :] * 4
    return frame


@pytest.fixture
def tune_wav(tmp_path):
    path = tmp_path / "tune.wav"
    tune.write_wav(path, tune.synthesize()[: 3 * tune.SAMPLE_RATE])
    return path


def test_written_video_plays_back_with_sound_trimmed_to_it(tmp_path, tune_wav):
    out = tmp_path / "out.mp4"
    with VideoWriter(out, 64, 64, 25, audio=tune_wav, comment="AI-generated test", duration=1.0) as writer:
        for index in range(25):
            writer.write(_gradient(index))
    info = probe(out)
    assert (info.width, info.height, info.fps, info.has_audio) == (64, 64, 25.0, True)
    assert info.duration == pytest.approx(1.0, abs=0.06)  # 3 s of sound cut to the 1 s video
    frames = list(read_frames(out))
    assert len(frames) == 25
    assert abs(int(frames[10][..., 0].mean()) - 80) <= 3


def test_sound_shorter_than_the_video_is_padded_not_truncating_it(tmp_path, tune_wav):
    short = tmp_path / "short.m4a"
    extract_audio(tune_wav, short, 0.0, 0.5)
    out = tmp_path / "out.mp4"
    with VideoWriter(out, 64, 64, 25, audio=short, duration=2.0) as writer:
        for index in range(50):
            writer.write(_gradient(index))
    assert len(list(read_frames(out))) == 50
    assert probe(out).duration == pytest.approx(2.0, abs=0.06)


def test_filters_and_trim_apply_while_decoding(tmp_path):
    out = tmp_path / "clip.mp4"
    with VideoWriter(out, 64, 64, 25) as writer:
        for index in range(50):
            writer.write(_gradient(index))
    frames = list(read_frames(out, ["crop=32:32:0:0", "scale=16:16"], start=1.0, end=1.4))
    assert len(frames) == 10 and frames[0].shape == (16, 16, 3)


def test_a_failed_encode_leaves_no_partial_file(tmp_path):
    out = tmp_path / "broken.mp4"
    with pytest.raises(ValueError):
        with VideoWriter(out, 64, 64, 25) as writer:
            writer.write(_gradient(0))
            writer.write(np.zeros((10, 10, 3), np.uint8))
    assert not out.exists()


def test_an_encoder_failing_while_finishing_leaves_no_partial_file(tmp_path):
    out = tmp_path / "killed.mp4"
    with pytest.raises(RuntimeError, match="killed.mp4"):
        with VideoWriter(out, 64, 64, 25) as writer:
            for index in range(25):
                writer.write(_gradient(index))
            writer._process.kill()  # as a crash or a full disk would end it
    assert not out.exists()


def test_odd_sizes_are_refused_up_front(tmp_path):
    with pytest.raises(ValueError, match="even"):
        VideoWriter(tmp_path / "odd.mp4", 63, 64, 25)


def test_probe_and_decode_say_what_is_wrong(tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(InputError, match="not a video"):
        probe(junk)
    with pytest.raises(InputError, match="junk.mp4"):
        list(read_frames(junk))


def test_extracting_sound_from_a_silent_clip_is_an_input_error(tmp_path):
    silent = tmp_path / "silent.mp4"
    with VideoWriter(silent, 64, 64, 25) as writer:
        writer.write(_gradient(0))
    assert probe(silent).has_audio is False
    with pytest.raises(InputError, match="sound"):
        extract_audio(silent, tmp_path / "a.m4a")
