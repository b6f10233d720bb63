"""End to end in a real headless browser (Debian's chromium and chromedriver, driven by Selenium): an operator logs
in, watches a Telegram user's job go from queued to finished while the fake Bot API delivers it, and removes a
template."""
from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from bot.adapters.telegram import TelegramAdapter
from bot.service import MemeService
from bot.web import bot_app, serving
from tests.bot.adapters.telegram.conftest import fresh_face_png, telegram_settings, user_ref
from tests.bot.adapters.telegram.fake_bot_api import FakeBotApi
from tests.bot.conftest import BuildService
from tests.bot.web.conftest import TOKEN, added_template
from tests.servers import unavailable

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_SECONDS = 60.0
SCREEN = (1100, 1500)


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    """Headless chromium through chromedriver, both from Debian's packages (nothing is downloaded)."""
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        unavailable("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={SCREEN[0]},{SCREEN[1]}", "--autoplay-policy=no-user-gesture-required"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@contextlib.asynccontextmanager
async def telegram_bot(service: MemeService) -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi()
    await api.start()
    adapter = TelegramAdapter(telegram_settings(service.settings, api), service)
    await adapter.start()
    try:
        yield api
    finally:
        await adapter.stop()
        await api.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_in(driver: WebDriver, base: str) -> None:
    driver.get(f"{base}/")  # sent on to the login form
    driver.find_element(By.NAME, "token").send_keys(TOKEN)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
    WebDriverWait(driver, WAIT_SECONDS).until(expected_conditions.url_to_be(f"{base}/"))


def state_shown(driver: WebDriver, job_id: int, state: str) -> None:
    """Wait until the live queue shows the job in `state` (the page is not reloaded)."""
    WebDriverWait(driver, WAIT_SECONDS).until(
        expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, f"#job-{job_id} .state"), state))


async def test_an_operator_watches_a_job_finish_and_removes_a_template(
    running_service: BuildService, browser: WebDriver, shipped_templates: Path, tmp_path: Path,
) -> None:
    port = free_port()
    service = await running_service(admin_token=TOKEN, http_port=port)
    added_template(service, shipped_templates, "encore")
    await service.templates.sync()
    base = f"http://127.0.0.1:{port}"
    submit, queued, release = service.queue.submit, asyncio.Queue[int](), asyncio.Event()

    async def submit_when_released(job_id: int) -> None:  # the job waits in line until the page showed it there
        queued.put_nowait(job_id)
        await release.wait()
        await submit(job_id)

    async with serving(service.settings, bot_app(service)), telegram_bot(service) as api:
        await asyncio.to_thread(log_in, browser, base)
        service.queue.submit = submit_when_released  # type: ignore[method-assign]
        alice = api.person(4242, "Alice")
        await service.consent.accept(user_ref(alice))
        alice.sends_photo(fresh_face_png(), caption="/sing demo")
        job_id = await asyncio.wait_for(queued.get(), WAIT_SECONDS)
        await asyncio.to_thread(state_shown, browser, job_id, "queued")
        release.set()
        await asyncio.to_thread(state_shown, browser, job_id, "finished")
        [video] = await api.wait_for(lambda: api.videos(alice.chat_id), timeout=WAIT_SECONDS)
        assert video["caption"].startswith("Made by AI")
        page = await asyncio.to_thread(lambda: browser.page_source)
        assert "telegram:4242" in page and f"telegram:{alice.chat_id}" in page
        await asyncio.to_thread(browser.save_screenshot, str(tmp_path / "dashboard.png"))

        await asyncio.to_thread(_remove, browser, "encore")
        assert [template.slug for template in await service.templates.list()] == ["demo"]


def _remove(driver: WebDriver, slug: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f"#template-{slug} button").click()
    WebDriverWait(driver, WAIT_SECONDS).until(
        expected_conditions.text_to_be_present_in_element((By.ID, "notice"), f"Removed template {slug}."))
    assert not driver.find_elements(By.ID, f"template-{slug}")

