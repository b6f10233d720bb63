"""A batching render process (MEMEBOT_BATCH_FRAMES) serves several jobs at once: their frames share model calls,
each job gets the video it would get alone, and a job that breaks fails alone."""
import asyncio
import json
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from bench.fomm_bench import save_official_layout
from bot.config import Settings
from bot.queue import Failed, Finished, Started
from inference.api import RendererSettings, RenderRequest
from tests.bot.conftest import ALICE, BOB, GROUP, consenting, follow
from tests.bot.small_fomm import SmallFOMM, calls_path
from tests.inference.fomm.conftest import SMALL, random_state_dicts

SMALL_FOMM = "tests.bot.small_fomm:SmallFOMM"


@pytest.fixture
def database_url(sqlite_url):
    """SQLite only: what is tested is the render process, not the store."""
    return sqlite_url


@pytest.fixture(scope="module")
def small_checkpoint(tmp_path_factory) -> Path:
    return save_official_layout(random_state_dicts(SMALL), tmp_path_factory.mktemp("small") / "small-cpk.pth.tar")


async def _batching_service(running_service, checkpoint: Path):
    service = await running_service(factory=SMALL_FOMM, backend="fomm", checkpoint=checkpoint, batch_frames=8,
                                    batch_jobs=2, photo_keep_minutes=0)
    for failure in ("raise", "crash"):
        await service.templates.register(failure, failure, 1.0, service.settings.templates_dir / failure, "tests")
    await consenting(service, ALICE, BOB)
    return service


def _frames(video: Path) -> np.ndarray:
    reader = imageio_ffmpeg.read_frames(str(video))
    meta = next(reader)
    width, height = meta["size"]
    return np.stack([np.frombuffer(frame, np.uint8).reshape(height, width, 3) for frame in reader])


async def test_two_jobs_share_model_calls_and_each_gets_its_video_as_alone(running_service, photo, face_png,
                                                                             other_face_png, small_checkpoint):
    service = await _batching_service(running_service, small_checkpoint)
    pngs = {ALICE: face_png, BOB: other_face_png}
    queued = {user: await service.renders.request(user, GROUP, "demo", photo(png)) for user, png in pngs.items()}
    outcomes = await asyncio.gather(*(follow(service, job.job_id) for job in queued.values()))
    videos = {}
    for user, events in zip(queued, outcomes, strict=True):
        assert isinstance(events[-1], Finished), events[-1]
        videos[user] = events[-1].output
    calls = [json.loads(calls_path(video).read_text()) for video in videos.values()]
    assert max(noted["shared_calls"] for noted in calls) > 0  # frames of both jobs went through one model call

    alone = SmallFOMM(RendererSettings(**{**service.settings.renderer_options(), "batch_frames": 0}))
    for user, png in pngs.items():
        video = alone.render(RenderRequest(photo(png), "demo", service.settings.data_dir / f"alone-{user.id}.mp4"),
                             progress=lambda done, total: None).output
        expected, batched = _frames(video), _frames(videos[user])
        assert batched.shape == expected.shape
        # the same frames up to the uint8 rounding of fp32 results computed in other batch sizes, then x264
        assert np.abs(batched.astype(int) - expected).mean() < 0.5
    assert np.abs(_frames(videos[ALICE]).astype(int) - _frames(videos[BOB])).mean() > 5  # two faces, two videos


async def test_a_job_that_breaks_fails_alone_while_the_other_renders_on(running_service, photo, other_face_png,
                                                                          small_checkpoint):
    service = await _batching_service(running_service, small_checkpoint)
    rendering = await service.renders.request(ALICE, GROUP, "demo", photo())
    async for event in service.queue.subscribe(rendering.job_id):
        if isinstance(event, Started):
            break
    broken = await service.renders.request(BOB, GROUP, "raise", photo(other_face_png))
    assert (await follow(service, broken.job_id))[-1] == Failed(
        broken.job_id, "Something went wrong while rendering.")
    assert isinstance((await follow(service, rendering.job_id))[-1], Finished)


async def test_a_crash_fails_the_jobs_the_process_held_and_the_next_job_renders(running_service, photo, face_png,
                                                                               other_face_png, small_checkpoint):
    service = await _batching_service(running_service, small_checkpoint)
    rendering = await service.renders.request(ALICE, GROUP, "demo", photo())
    async for event in service.queue.subscribe(rendering.job_id):
        if isinstance(event, Started):
            break
    crashing = await service.renders.request(BOB, GROUP, "crash", photo(other_face_png))
    crashed = "The renderer crashed."
    assert (await follow(service, crashing.job_id))[-1] == Failed(crashing.job_id, crashed)
    assert (await follow(service, rendering.job_id))[-1] == Failed(rendering.job_id, crashed)  # it shared the process

    after = await service.renders.request(ALICE, GROUP, "demo", photo(face_png))
    assert isinstance((await follow(service, after.job_id))[-1], Finished)


def test_only_fomm_with_batch_frames_takes_several_jobs_per_render_process():
    batching = Settings.from_env({"MEMEBOT_BATCH_FRAMES": "32", "MEMEBOT_BATCH_JOBS": "3"})
    assert batching.renderer_options()["batch_frames"] == 32
    assert batching.jobs_per_render_process("fomm") == 3
    assert batching.jobs_per_render_process("landmarks") == 1  # the landmark animator does not batch
    assert Settings.from_env({"MEMEBOT_BATCH_JOBS": "3"}).jobs_per_render_process("fomm") == 1  # off by default
