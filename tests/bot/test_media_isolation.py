"""The bot process never decodes what users send: photo checks, renders and shrinking all run in worker processes,
so cv2, dlib and torch are never even imported by it (a malformed file can crash a worker, never the bot)."""
import subprocess
import sys

SCRIPT = """
import asyncio, shutil, sys
from pathlib import Path
from bot.config import Settings
from bot.queue import Finished
from bot.service import ChatRef, MemeService, UserRef

async def main(folder):
    settings = Settings(data_dir=folder / "data", backend="landmarks")
    async with MemeService.running(settings) as service:
        user, chat = UserRef("telegram", "1"), ChatRef("telegram", "1")
        await service.consent.accept(user)
        photo = folder / "photo.png"
        shutil.copy("templates/demo-singer.png", photo)
        ticket = await service.renders.request(user, chat, "demo", photo)
        events = [event async for event in service.queue.subscribe(ticket.job_id)]
        assert isinstance(events[-1], Finished), events
        shrunk = await service.renders.fit_to_upload(events[-1].output, 150_000, folder / "scratch")
        assert shrunk is not None and shrunk.stat().st_size <= 150_000
    print(",".join(name for name in ("cv2", "dlib", "torch") if name in sys.modules) or "none")

asyncio.run(main(Path(sys.argv[1])))
"""


def test_a_render_and_a_shrink_load_no_media_library_in_the_bot_process(tmp_path):
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "none"
