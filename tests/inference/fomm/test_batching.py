"""Cross-render batching on the small model: shared calls, fair shares, and each render's own frames in order."""
from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from inference.animator import SourceFace
from inference.fomm.animator import FOMMAnimator
from inference.fomm.batching import FrameBatcher, share_slots, stack_encodings
from inference.image_io import load_photo
from inference.render import prepare_photo
from inference.templates import clip_template
from synth import demo

SINGLE_BATCH = 8


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """Two driving clips of different lengths (30 and 36 frames), ingested as templates."""
    folder = tmp_path_factory.mktemp("clips")
    return [clip_template(demo.write_driving_clip(folder / f"clip{seconds}.mp4", seconds=seconds), folder / "cache")
            for seconds in (1.0, 1.2)]


@pytest.fixture(scope="module")
def faces(demo_photo) -> list[SourceFace]:
    """The demo singer's crop and its mirror image: two different sources."""
    face = prepare_photo(load_photo(demo_photo)).face
    return [face, SourceFace(np.ascontiguousarray(face.crop[:, ::-1]), face.landmarks)]


@pytest.fixture(scope="module")
def animator(small_model) -> FOMMAnimator:
    return FOMMAnimator(small_model, batch_size=SINGLE_BATCH)


def rendered_alone(animator, face, template, initial) -> np.ndarray:
    return np.concatenate(list(animator.animate(face, template, initial)))


def render_concurrently(batcher, jobs) -> list[np.ndarray]:
    """Each (face, template, initial frame) job animated by its own thread, as a worker's renders would be."""
    results: list[np.ndarray | BaseException] = [np.empty(0)] * len(jobs)

    def run(i: int, face, template, initial) -> None:
        try:
            results[i] = np.concatenate(list(batcher.animate(face, template, initial)))
        except BaseException as error:  # re-raised in the test's thread below
            results[i] = error

    threads = [threading.Thread(target=run, args=(i, *job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results  # type: ignore[return-value]


def test_slots_go_round_robin_and_never_beyond_a_renders_frames():
    assert share_slots([10, 10, 10], 4, 0) == [2, 1, 1]
    assert share_slots([10, 10, 10], 4, 1) == [1, 2, 1]
    assert share_slots([1, 10, 10], 8, 0) == [1, 4, 3]
    assert share_slots([2, 1], 8, 0) == [2, 1]
    assert share_slots([5, 5], 1, 1) == [0, 1]


def test_a_mixed_call_equals_each_source_on_its_own(small_model, small_frames):
    kp = small_model.keypoints(small_frames)
    sources = [small_model.encode_source(small_frames[i:i + 1], {n: t[i:i + 1] for n, t in kp.items()})
               for i in (0, 1)]
    driving = {n: t[2:5] for n, t in kp.items()}
    mixed = small_model.generate(stack_encodings([(sources[0], 2), (sources[1], 1)]), driving)
    alone = torch.cat([small_model.generate(sources[0], {n: t[:2] for n, t in driving.items()}),
                       small_model.generate(sources[1], {n: t[2:] for n, t in driving.items()})])
    torch.testing.assert_close(mixed, alone, rtol=0, atol=1e-5)


def test_concurrent_renders_get_their_own_frames_in_order(animator, faces, templates):
    jobs = [(faces[0], templates[0], 0), (faces[1], templates[1], 3), (faces[1], templates[0], 7)]
    batcher = FrameBatcher(animator, batch_frames=5)
    try:
        results = render_concurrently(batcher, jobs)
    finally:
        batcher.close()
    assert 0 < batcher.shared_calls <= batcher.model_calls  # calls held frames of several renders
    for job, frames in zip(jobs, results, strict=True):
        expected = rendered_alone(animator, *job)
        assert frames.shape == expected.shape == (job[1].frame_count, 256, 256, 3)
        # the same up to uint8 rounding of fp32 results computed in other batch sizes
        assert np.abs(frames.astype(int) - expected).max() <= 1
    assert not np.array_equal(results[1], results[2])  # one source, two templates


def test_a_failing_render_fails_alone_and_the_batcher_goes_on(animator, faces, templates):
    batcher = FrameBatcher(animator, batch_frames=4)
    try:
        bad_start = templates[0].frame_count + 10  # no such initial frame
        results = render_concurrently(batcher, [(faces[0], templates[0], bad_start), (faces[0], templates[1], 0)])
        assert isinstance(results[0], IndexError)
        assert results[1].shape[0] == templates[1].frame_count
        after = render_concurrently(batcher, [(faces[1], templates[0], 0)])[0]
    finally:
        batcher.close()
    assert np.abs(after.astype(int) - rendered_alone(animator, faces[1], templates[0], 0)).max() <= 1


def test_batch_frames_must_be_positive(animator):
    with pytest.raises(ValueError, match="batch_frames must be at least 1"):
        FrameBatcher(animator, batch_frames=0)
