"""A bot killed mid-render re-runs the job on its next start, and the result is delivered exactly once."""
import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.queue import Finished
from bot.store.models import Job, JobState
from tests.bot.conftest import ALICE, GROUP, REPO, consenting, follow


async def _kill_mid_render(settings, job_id):
    """Run the job in another bot process and SIGKILL it (and its render process) once the render started."""
    env = os.environ | {
        "MEMEBOT_DATA_DIR": str(settings.data_dir),
        "MEMEBOT_DATABASE_URL": settings.database_url,
        "MEMEBOT_BACKEND": "landmarks",
    }
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.bot.interrupted_bot", str(job_id),
        cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE, start_new_session=True,
    )
    try:
        assert await asyncio.wait_for(bot.stdout.readline(), timeout=120) == b"started\n"
    finally:
        os.killpg(bot.pid, signal.SIGKILL)
        await bot.wait()


async def test_a_job_cut_short_by_a_crash_is_rerun_and_delivered_once(parked_service, running_service, photo):
    accepting = await parked_service()  # takes the request; its queue never renders
    await consenting(accepting, ALICE)
    ticket = await accepting.renders.request(ALICE, GROUP, "demo", photo(), reply_to={"message_id": 7})
    await _kill_mid_render(accepting.settings, ticket.job_id)
    async with accepting.db.transaction() as session:
        assert (await session.get(Job, ticket.job_id)).state == JobState.RUNNING  # nobody will finish it

    restarted = await running_service(photo_keep_minutes=0)
    assert isinstance((await follow(restarted, ticket.job_id))[-1], Finished)
    pending = await restarted.renders.undelivered("telegram")
    assert [(delivery.job_id, delivery.reply_to) for delivery in pending] == [(ticket.job_id, {"message_id": 7})]
    assert await restarted.renders.mark_delivered(ticket.job_id)
    await restarted.queue.stop()

    again = await running_service()
    assert await again.renders.undelivered("telegram") == []
    async with again.db.transaction() as session:
        job = await session.get(Job, ticket.job_id)
    assert (job.state, job.attempts, job.photo_path) == (JobState.DONE, 2, None)


def _children(pid: int) -> set[int]:
    tasks = Path(f"/proc/{pid}/task")
    return {int(child) for task in tasks.iterdir() for child in (task / "children").read_text().split()}


def _running(pid: int) -> bool:
    """Not ended: a process that died but is not reaped yet (a zombie) has ended."""
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


async def test_worker_processes_end_with_a_killed_bot_and_write_no_traceback(parked_service, photo):
    accepting = await parked_service()
    await consenting(accepting, ALICE)
    ticket = await accepting.renders.request(ALICE, GROUP, "demo", photo())
    env = os.environ | {"MEMEBOT_DATA_DIR": str(accepting.settings.data_dir),
                        "MEMEBOT_DATABASE_URL": accepting.settings.database_url, "MEMEBOT_BACKEND": "landmarks"}
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.bot.interrupted_bot", str(ticket.job_id),
        cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    assert await asyncio.wait_for(bot.stdout.readline(), timeout=120) == b"started\n"
    workers = _children(bot.pid)
    assert workers  # its render and media processes
    bot.kill()  # the bot alone, as the out-of-memory killer would
    errors = await asyncio.wait_for(bot.stderr.read(), timeout=10)  # EOF once every holder of the pipe is gone
    await bot.wait()
    async with asyncio.timeout(5):
        while alive := [pid for pid in workers if _running(pid)]:
            await asyncio.sleep(0.1)
    assert not alive
    assert b"Traceback" not in errors
