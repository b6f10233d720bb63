"""Adding a template by uploading a clip on the dashboard: the chat command's ingest, with its progress shown."""
from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import FormData
from aiohttp.test_utils import TestClient

from bot.service import MemeService
from tests.bot.web.conftest import csrf_of

INGEST_SECONDS = 120.0


def upload(csrf: str, slug: str, clip: bytes, **fields: str) -> FormData:
    """The page's upload form: the csrf field first, then the details and the clip."""
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("slug", slug)
    for name, value in fields.items():
        form.add_field(name, value)
    form.add_field("clip", clip, filename="clip.mp4", content_type="video/mp4")
    return form


async def ingest_shown(client: TestClient, slug: str) -> str:
    """The upload's line on the page once it ended."""
    async with asyncio.timeout(INGEST_SECONDS):
        while True:
            page = await (await client.get("/")).text()
            line = page.split(f"<li>{slug}: ", 1)[-1].split("</li>", 1)[0] if f"<li>{slug}: " in page else ""
            if line.startswith(("added", "failed")):
                return line
            await asyncio.sleep(0.2)


async def test_an_uploaded_clip_becomes_a_template(operated: tuple[MemeService, TestClient],
                                                   shipped_templates: Path) -> None:
    service, client = operated
    clip = (shipped_templates / "demo" / "driving.mp4").read_bytes()
    form = upload(await csrf_of(client, "/"), "fresh", clip, title="Fresh Song", start="0", end="1.5")
    page = await client.post("/templates", data=form)
    assert "Adding template fresh: its progress shows below." in await page.text()
    assert await ingest_shown(client, "fresh") == "added"
    fresh = await service.templates.get("fresh")
    assert fresh.title == "Fresh Song" and abs(fresh.duration_seconds - 1.5) <= 0.05  # whole frames at 25 fps
    assert 'id="template-fresh"' in await (await client.get("/")).text()
    assert not list((service.settings.data_dir / "uploads").iterdir())  # the uploaded clip is deleted


async def test_a_clip_ingest_refuses_is_shown_with_its_reason(operated: tuple[MemeService, TestClient]) -> None:
    service, client = operated
    page = await client.post("/templates", data=upload(await csrf_of(client, "/"), "broken", b"not a video"))
    assert page.status == 200
    assert (await ingest_shown(client, "broken")).startswith("failed: ")
    assert [template.slug for template in await service.templates.list()] == ["demo"]
