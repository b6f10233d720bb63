"""The dashboard's security rules (bind address, login rate limit, session cookie, CSRF) and what it shows."""
from __future__ import annotations

import io
import socket
from pathlib import Path

from aiohttp.test_utils import TestClient

from bot.config import DEFAULT_HTTP_HOST, Settings
from bot.service import MemeService
from bot.web import bot_app, serving
from bot.web.auth import LOGIN_ATTEMPTS_PER_MINUTE, SESSION_COOKIE
from tests.bot.conftest import ALICE, GROUP, BuildService, consenting
from tests.bot.web.conftest import TOKEN, PageClient, added_template, csrf_of


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def replace_cookie(client: TestClient, value: str) -> None:
    """Send `value` as the session cookie from now on."""
    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies({SESSION_COOKIE: value}, client.make_url("/"))


async def test_the_page_listens_on_localhost_only_by_default(parked_service: BuildService) -> None:
    assert Settings.from_env({"MEMEBOT_HTTP_PORT": "8080"}).http_host == DEFAULT_HTTP_HOST == "127.0.0.1"
    service = await parked_service(http_port=free_port())
    async with serving(service.settings, bot_app(service)) as runner:
        assert [address[0] for address in runner.addresses] == ["127.0.0.1"]


def test_the_admin_token_never_shows_in_the_settings() -> None:
    settings = Settings.from_env({"MEMEBOT_ADMIN_TOKEN": "s3cret-operator-token"})
    assert settings.admin_token == "s3cret-operator-token"
    assert "s3cret-operator-token" not in repr(settings)


async def test_without_a_session_the_dashboard_asks_to_log_in(parked_service: BuildService,
                                                              page_client: PageClient) -> None:
    client = await page_client(await parked_service(admin_token=TOKEN))
    response = await client.get("/", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login"
    assert (await client.get("/events")).status == 401
    assert (await client.get("/templates/demo/preview.mp4")).status == 401


async def test_without_a_token_setting_there_is_no_dashboard(parked_service: BuildService,
                                                             page_client: PageClient) -> None:
    client = await page_client(await parked_service())
    response = await client.get("/")
    assert response.status == 404 and "MEMEBOT_ADMIN_TOKEN" in await response.text()
    assert (await client.get("/login")).status == 404


async def test_logging_in_sets_a_signed_http_only_strict_cookie(parked_service: BuildService,
                                                                page_client: PageClient) -> None:
    client = await page_client(await parked_service(admin_token=TOKEN))
    await client.get("/login")
    anonymous = client.session.cookie_jar.filter_cookies(client.make_url("/"))[SESSION_COOKIE].value
    response = await client.post("/login", data={"csrf": await csrf_of(client, "/login"), "token": TOKEN},
                                 allow_redirects=False)
    cookie = response.cookies[SESSION_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert cookie.value != anonymous  # a session id seen before the login never becomes an admin's
    assert TOKEN not in cookie.value and TOKEN not in response.headers["Location"]
    page = await client.get("/")
    assert page.status == 200 and TOKEN not in await page.text()


async def test_a_tampered_cookie_is_no_session(operated: tuple[MemeService, TestClient]) -> None:
    _, client = operated
    assert (await client.get("/", allow_redirects=False)).status == 200
    value = client.session.cookie_jar.filter_cookies(client.make_url("/"))[SESSION_COOKIE].value
    sid, _, signature = value.partition(".")
    replace_cookie(client, f"{sid}.{'0' * len(signature)}")
    response = await client.get("/", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login"


async def test_wrong_tokens_are_rate_limited(parked_service: BuildService, page_client: PageClient) -> None:
    client = await page_client(await parked_service(admin_token=TOKEN))
    for _ in range(LOGIN_ATTEMPTS_PER_MINUTE):
        response = await client.post("/login", data={"csrf": await csrf_of(client, "/login"), "token": "guess"})
        assert "That token is not right." in await response.text()
    response = await client.post("/login", data={"csrf": await csrf_of(client, "/login"), "token": TOKEN},
                                 allow_redirects=False)
    assert response.status == 429  # even the right token waits out the minute
    assert (await client.get("/", allow_redirects=False)).status == 303


async def test_logging_in_needs_the_forms_csrf_token(parked_service: BuildService, page_client: PageClient) -> None:
    client = await page_client(await parked_service(admin_token=TOKEN))
    await client.get("/login")
    response = await client.post("/login", data={"csrf": "forged", "token": TOKEN}, allow_redirects=False)
    assert response.status == 403


async def test_every_state_changing_request_checks_the_csrf_token(operated: tuple[MemeService, TestClient],
                                                                  shipped_templates: Path) -> None:
    service, client = operated
    added_template(service, shipped_templates, "copy")
    await service.templates.sync()
    for path in ("/templates/copy/remove", "/logout"):
        assert (await client.post(path, data={"csrf": "forged"})).status == 403
        assert (await client.post(path)).status == 403
    upload = {"csrf": "forged", "slug": "new", "clip": io.BytesIO(b"not read")}
    assert (await client.post("/templates", data=upload)).status == 403
    assert [template.slug for template in await service.templates.list()] == ["copy", "demo"]


async def test_state_changing_requests_need_a_session(parked_service: BuildService, page_client: PageClient) -> None:
    client = await page_client(await parked_service(admin_token=TOKEN))
    csrf = await csrf_of(client, "/login")  # an anonymous session's token is not an admin's
    response = await client.post("/templates/demo/remove", data={"csrf": csrf})
    assert response.status == 401


async def test_an_admin_removes_an_added_template_but_not_a_shipped_one(operated: tuple[MemeService, TestClient],
                                                                        shipped_templates: Path) -> None:
    service, client = operated
    folder = added_template(service, shipped_templates, "copy")
    await service.templates.sync()
    csrf = await csrf_of(client, "/")
    page = await client.post("/templates/copy/remove", data={"csrf": csrf})
    assert "Removed template copy." in await page.text()
    assert 'id="template-copy"' not in await page.text() and not folder.exists()
    page = await client.post("/templates/demo/remove", data={"csrf": csrf})
    assert "ships with memebot and cannot be removed" in await page.text()


async def test_logging_out_ends_the_session(operated: tuple[MemeService, TestClient]) -> None:
    _, client = operated
    csrf = await csrf_of(client, "/")
    old_cookie = client.session.cookie_jar.filter_cookies(client.make_url("/"))[SESSION_COOKIE].value
    response = await client.post("/logout", data={"csrf": csrf}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login"
    replace_cookie(client, old_cookie)  # replaying the cookie does not help
    assert (await client.get("/", allow_redirects=False)).status == 303


async def test_the_page_shows_jobs_usage_and_templates_by_platform_id(operated: tuple[MemeService, TestClient],
                                                                      photo) -> None:
    service, client = operated
    await consenting(service, ALICE)
    queued = await service.renders.request(ALICE, GROUP, "demo", photo())
    html = await (await client.get("/")).text()
    assert f'<tr id="job-{queued.job_id}"><td>{queued.job_id}</td><td class="state state-queued">queued' in html
    assert "telegram:1001" in html and "<td>telegram:-100500</td><td>1</td>" in html  # usage today
    assert 'src="/templates/demo/preview.mp4"' in html
    assert "photos" not in html and ".png" not in html and "outputs" not in html  # no user media, no paths
    preview = await client.get("/templates/demo/preview.mp4")
    assert preview.status == 200 and preview.content_type == "video/mp4"
    assert (await preview.read())[4:8] == b"ftyp"


async def test_the_event_stream_sends_the_queue(operated: tuple[MemeService, TestClient], photo) -> None:
    service, client = operated
    await consenting(service, ALICE)
    queued = await service.renders.request(ALICE, GROUP, "demo", photo())
    response = await client.get("/events")
    assert response.content_type == "text/event-stream"
    first = (await response.content.readuntil(b"\n\n")).decode()
    assert first.startswith("event: queue\ndata: ") and f'id="job-{queued.job_id}"' in first
    response.close()
