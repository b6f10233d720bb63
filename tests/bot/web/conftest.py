"""Fixtures: the operator page of a service, served by aiohttp's test server, and a logged-in client."""
from __future__ import annotations

import json
import re
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.service import MemeService
from bot.web import bot_app
from tests.bot.conftest import BuildService

TOKEN = "operator-token-for-tests"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')

PageClient = Callable[[MemeService], Awaitable[TestClient]]


@pytest.fixture
async def page_client() -> AsyncIterator[PageClient]:
    """Builds test clients talking to a service's operator page over real HTTP."""
    clients: list[TestClient] = []

    async def build(service: MemeService) -> TestClient:
        client = TestClient(TestServer(bot_app(service)))
        await client.start_server()
        clients.append(client)
        return client

    yield build
    for client in clients:
        await client.close()


async def csrf_of(client: TestClient, path: str) -> str:
    """The CSRF token in the forms of the page at `path`."""
    response = await client.get(path)
    match = CSRF.search(await response.text())
    assert match, f"no form on {path}"
    return match.group(1)


async def log_in(client: TestClient, token: str = TOKEN) -> None:
    """Log in through the form, as a browser does."""
    response = await client.post("/login", data={"csrf": await csrf_of(client, "/login"), "token": token},
                                 allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/", await response.text()


@pytest.fixture
async def operated(parked_service: BuildService, page_client: PageClient) -> tuple[MemeService, TestClient]:
    """A service (whose queue never renders) with an admin token, and a logged-in client of its page."""
    service = await parked_service(admin_token=TOKEN)
    client = await page_client(service)
    await log_in(client)
    return service, client


def added_template(service: MemeService, shipped_templates: Path, slug: str) -> Path:
    """A copy of the demo template in the admins' folder, as an ingest leaves it."""
    assert service.settings.templates_dir is not None
    folder = service.settings.templates_dir / slug
    shutil.copytree(shipped_templates / "demo", folder)
    meta = json.loads((folder / "template.json").read_text())
    (folder / "template.json").write_text(json.dumps(meta | {"slug": slug, "title": f"Copy {slug}",
                                                             "added_by": "discord:42"}))
    return folder
