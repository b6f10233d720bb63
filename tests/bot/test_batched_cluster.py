"""A batching `memebot worker` (MEMEBOT_BATCH_FRAMES) takes several renders from the broker at once: two users'
videos render together in its one render process, and each gets its own video once."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from bench.fomm_bench import save_official_layout
from tests.bot.small_fomm import calls_path
from tests.bot.test_cluster import ask_for_a_video, cluster, one_video_with_sound  # noqa: F401 (a fixture)
from tests.inference.fomm.conftest import SMALL, random_state_dicts


async def test_two_users_render_at_once_in_one_batching_render_process(cluster, tmp_path):  # noqa: F811
    checkpoint = save_official_layout(random_state_dicts(SMALL), tmp_path / "small-cpk.pth.tar")
    env = cluster._env("worker-w1", MEMEBOT_WORKER_NAME="w1", MEMEBOT_BACKEND="fomm",
                       MEMEBOT_CHECKPOINT=str(checkpoint), MEMEBOT_BATCH_FRAMES="8", MEMEBOT_BATCH_JOBS="2")
    cluster.workers["w1"] = subprocess.Popen([sys.executable, "-m", "tests.bot.batched_cluster_worker"], env=env)
    cluster.start_bot()
    alice, bob = cluster.api.person(6001, "Alice"), cluster.api.person(6002, "Bob")
    await asyncio.gather(ask_for_a_video(alice), ask_for_a_video(bob))
    await one_video_with_sound(cluster, alice, tmp_path)
    await one_video_with_sound(cluster, bob, tmp_path)
    first, second = await cluster.all_delivered(2)
    assert first.worker == second.worker == "w1" and [first.attempts, second.attempts] == [1, 1]
    videos = [tmp_path / "worker-w1" / "work" / f"job-{job.id}-1.mp4" for job in (first, second)]
    calls = [json.loads(calls_path(video).read_text()) for video in videos]
    assert max(noted["shared_calls"] for noted in calls) > 0  # frames of both jobs went through one model call
    assert not list((Path(tmp_path) / "bot" / "photos").iterdir())
