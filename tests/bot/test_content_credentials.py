"""The bot's videos carry memebot's content credentials: the render workers' output and the copy shrunk to upload."""
import json

from bot.queue import Finished
from inference.api import read_template
from tests.bot.conftest import ALICE, GROUP, consenting, follow
from tests.credentials import assert_signed_memebot_video


async def test_a_rendered_video_and_its_upload_sized_copy_are_signed(running_service, photo, shipped_templates):
    service = await running_service(photo_keep_minutes=0)
    await consenting(service, ALICE)
    ticket = await service.renders.request(ALICE, GROUP, "demo", photo())
    finished = (await follow(service, ticket.job_id))[-1]
    assert isinstance(finished, Finished)
    demo = read_template(shipped_templates / "demo")
    credits = json.loads((shipped_templates / "demo" / "template.json").read_text())["credits"]
    assert_signed_memebot_video(finished.output, demo.title, credits)
    # The pair that signed it was made by memebot in its data folder.
    assert (service.settings.data_dir / "c2pa" / "certificate.pem").is_file()

    limit = finished.output.stat().st_size // 2
    shrunk = await service.renders.fit_to_upload(finished.output, limit, service.settings.data_dir / "scratch")
    assert shrunk is not None and shrunk.stat().st_size <= limit
    assert_signed_memebot_video(shrunk, demo.title, credits)
