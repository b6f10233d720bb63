"""`memebot run` and `memebot worker` that cannot start say why in one line on stderr, exit 2, and show no traceback;
no token appears anywhere in what they write, even at DEBUG."""
from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.bot.adapters.discord.fake_discord import FakeDiscord
from tests.bot.adapters.telegram.fake_bot_api import FakeBotApi

REPO = Path(__file__).resolve().parents[2]
WRONG_TELEGRAM_TOKEN = "654321:WRONG-telegram-token-Zq9"
WRONG_DISCORD_TOKEN = "MTIzNDU2.wrong-discord-token.Xy7"
UNREACHABLE = "http://127.0.0.1:1"  # nothing listens on port 1


@dataclass
class Outcome:
    status: int
    stdout: str
    stderr: str

    @property
    def error(self) -> str:
        """The one line on stderr, checked: `memebot: error: ...`, exit status 2, no traceback anywhere."""
        assert self.status == 2, (self.status, self.stderr, self.stdout[-3000:])
        assert "Traceback" not in self.stdout + self.stderr, self.stdout + self.stderr
        lines = self.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("memebot: error: "), self.stderr
        return lines[0]


async def memebot(tmp_path: Path, *args: str, timeout: float = 180.0, **env: str) -> Outcome:
    """`python -m bot.cli ARGS` with only these MEMEBOT_ variables (and a data folder of the test's own)."""
    environ = {name: value for name, value in os.environ.items() if not name.startswith("MEMEBOT_")}
    environ |= {"MEMEBOT_DATA_DIR": str(tmp_path / "data"), "MEMEBOT_BACKEND": "landmarks",
                "PYTHONPATH": str(REPO)} | env
    environ = {name: value for name, value in environ.items() if value is not None}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *args, cwd=tmp_path, env=environ,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        stdout, stderr = await process.communicate()
        raise AssertionError(f"memebot {' '.join(args)} did not exit:\n{stdout.decode()}\n{stderr.decode()}") from None
    return Outcome(process.returncode, stdout.decode(), stderr.decode())


def garbage_checkpoint(tmp_path: Path) -> Path:
    checkpoint = tmp_path / "vox-adv-cpk.pth.tar"
    checkpoint.write_bytes(os.urandom(4096))
    return checkpoint


# Chat platforms --------------------------------------------------------------------------------------------------


async def test_a_rejected_telegram_token_is_one_line_and_never_shown(tmp_path):
    api = FakeBotApi()  # answers 401 Unauthorized for any token but its own
    await api.start()
    try:
        outcome = await memebot(tmp_path, "-v", "run", MEMEBOT_TELEGRAM_TOKEN=WRONG_TELEGRAM_TOKEN,
                                MEMEBOT_TELEGRAM_API_URL=api.url, MEMEBOT_TELEGRAM_FILE_URL=api.file_url)
    finally:
        await api.stop()
    assert outcome.error.startswith("memebot: error: Telegram rejected MEMEBOT_TELEGRAM_TOKEN (Unauthorized)")
    assert "DEBUG" in outcome.stdout  # -v: the log went down to DEBUG, and still no token
    assert WRONG_TELEGRAM_TOKEN not in outcome.stdout + outcome.stderr
    assert "WRONG-telegram-token" not in outcome.stdout + outcome.stderr


async def test_a_telegram_api_url_ending_in_bot_is_taken_without_it(tmp_path):
    api = FakeBotApi()
    await api.start()
    try:
        # With /bot kept, the requests would go to /bot/bot<token>/getMe and the fake would answer 404 Not Found.
        outcome = await memebot(tmp_path, "run", MEMEBOT_TELEGRAM_TOKEN=WRONG_TELEGRAM_TOKEN,
                                MEMEBOT_TELEGRAM_API_URL=f"{api.url}/bot", MEMEBOT_TELEGRAM_FILE_URL=api.file_url)
    finally:
        await api.stop()
    assert "(Unauthorized)" in outcome.error
    assert f"MEMEBOT_TELEGRAM_API_URL ends in /bot, which memebot adds itself (followed by the token); using {api.url}" \
        in outcome.stdout


async def test_an_unreachable_telegram_api_is_named_without_the_token(tmp_path):
    outcome = await memebot(tmp_path, "run", MEMEBOT_TELEGRAM_TOKEN=WRONG_TELEGRAM_TOKEN,
                            MEMEBOT_TELEGRAM_API_URL=UNREACHABLE)
    assert outcome.error.startswith(
        f"memebot: error: cannot reach the Telegram Bot API at {UNREACHABLE} (MEMEBOT_TELEGRAM_API_URL): ")
    assert WRONG_TELEGRAM_TOKEN not in outcome.stdout + outcome.stderr


async def test_a_rejected_discord_token_is_one_line_and_never_shown(tmp_path):
    fake = FakeDiscord()  # answers 401 Unauthorized for any token but its own
    await fake.start()
    try:
        outcome = await memebot(tmp_path, "-v", "run", MEMEBOT_DISCORD_TOKEN=WRONG_DISCORD_TOKEN,
                                MEMEBOT_DISCORD_API_URL=fake.api_url, MEMEBOT_DISCORD_GATEWAY_URL=fake.gateway_url)
    finally:
        await fake.stop()
    assert outcome.error.startswith("memebot: error: Discord rejected MEMEBOT_DISCORD_TOKEN (")
    assert [call.path for call in fake.calls] == ["/users/@me"]  # asked once, and nothing after the refusal
    assert "DEBUG" in outcome.stdout
    assert WRONG_DISCORD_TOKEN not in outcome.stdout + outcome.stderr
    assert "wrong-discord-token" not in outcome.stdout + outcome.stderr


async def test_an_unreachable_discord_api_is_named(tmp_path):
    outcome = await memebot(tmp_path, "run", MEMEBOT_DISCORD_TOKEN=WRONG_DISCORD_TOKEN,
                            MEMEBOT_DISCORD_API_URL=f"{UNREACHABLE}/api/v10")
    assert outcome.error.startswith(
        f"memebot: error: cannot reach the Discord API at {UNREACHABLE}/api/v10 (MEMEBOT_DISCORD_API_URL): ")
    assert WRONG_DISCORD_TOKEN not in outcome.stdout + outcome.stderr


async def test_json_logs_are_one_object_a_line(tmp_path):
    api = FakeBotApi()
    await api.start()
    try:
        outcome = await memebot(tmp_path, "run", MEMEBOT_LOG_FORMAT="json", MEMEBOT_TELEGRAM_TOKEN=WRONG_TELEGRAM_TOKEN,
                                MEMEBOT_TELEGRAM_API_URL=api.url)
    finally:
        await api.stop()
    assert "Telegram rejected" in outcome.error
    entries = [json.loads(line) for line in outcome.stdout.splitlines()]
    assert entries and all({"time", "level", "logger", "message"} <= entry.keys() for entry in entries)
    assert {entry["level"] for entry in entries} <= {"INFO", "WARNING", "ERROR", "CRITICAL"}  # INFO by default
    assert any(entry["logger"] == "inference.backends" for entry in entries)  # the render process logs too


# The database, the data folder, the checkpoint -------------------------------------------------------------------

COMMANDS = [
    pytest.param(("run",), {"MEMEBOT_TELEGRAM_TOKEN": WRONG_TELEGRAM_TOKEN, "MEMEBOT_TELEGRAM_API_URL": UNREACHABLE},
                 id="run"),
    pytest.param(("worker",), {"MEMEBOT_BROKER_URL": "redis://127.0.0.1:1/0"}, id="worker"),
]


@pytest.mark.parametrize(("command", "env"), COMMANDS)
async def test_an_unsupported_database_is_named(tmp_path, command, env):
    outcome = await memebot(tmp_path, *command, MEMEBOT_DATABASE_URL="mysql://memebot:hunter22@db/memebot", **env)
    assert outcome.error == (
        "memebot: error: MEMEBOT_DATABASE_URL mysql://memebot:***@db/memebot: memebot does not support mysql "
        "databases; it supports SQLite (sqlite+aiosqlite:///path/to/memebot.db) and PostgreSQL "
        "(postgresql+asyncpg://user:password@host/db)")


@pytest.mark.skipif(importlib.util.find_spec("psycopg") is not None, reason="psycopg is installed here")
@pytest.mark.parametrize(("command", "env"), COMMANDS)
async def test_a_database_driver_that_is_not_installed_is_named_with_its_package(tmp_path, command, env):
    outcome = await memebot(tmp_path, *command, MEMEBOT_DATABASE_URL="postgresql+psycopg://memebot@db/memebot", **env)
    assert outcome.error == ("memebot: error: MEMEBOT_DATABASE_URL postgresql+psycopg://memebot@db/memebot needs the "
                             "psycopg driver, which is not installed: pip install psycopg")


@pytest.mark.parametrize(("command", "env"), COMMANDS)
async def test_an_impossible_data_folder_is_named(tmp_path, command, env):
    outcome = await memebot(tmp_path, *command, **(env | {"MEMEBOT_DATA_DIR": "/proc/x"}))
    assert outcome.error == "memebot: error: MEMEBOT_DATA_DIR /proc/x: cannot create the data folder " \
                            "(No such file or directory)"


@pytest.mark.parametrize(("command", "env"), COMMANDS)
async def test_a_file_as_data_folder_is_named(tmp_path, command, env):
    (file := tmp_path / "a-file").write_text("not a folder")
    outcome = await memebot(tmp_path, *command, **(env | {"MEMEBOT_DATA_DIR": str(file)}))
    assert outcome.error == f"memebot: error: MEMEBOT_DATA_DIR {file} is a file, not a folder"


async def test_a_corrupt_checkpoint_is_the_checkpoint_error_in_one_line(tmp_path):
    checkpoint = garbage_checkpoint(tmp_path)
    outcome = await memebot(tmp_path, "run", MEMEBOT_CHECKPOINT=str(checkpoint), MEMEBOT_BACKEND=None,
                            MEMEBOT_TELEGRAM_TOKEN=WRONG_TELEGRAM_TOKEN, MEMEBOT_TELEGRAM_API_URL=UNREACHABLE)
    assert outcome.error.startswith(f"memebot: error: {checkpoint}: not a readable checkpoint (")


async def test_a_worker_with_a_corrupt_checkpoint_says_so_in_one_line(tmp_path, redis_url):
    checkpoint = garbage_checkpoint(tmp_path)
    outcome = await memebot(tmp_path, "worker", MEMEBOT_CHECKPOINT=str(checkpoint), MEMEBOT_BACKEND=None,
                            MEMEBOT_BROKER_URL=redis_url)
    assert outcome.error.startswith(f"memebot: error: {checkpoint}: not a readable checkpoint (")


async def test_a_worker_whose_broker_is_unreachable_says_so_in_one_line(tmp_path):
    outcome = await memebot(tmp_path, "worker", MEMEBOT_BROKER_URL="redis://:broker-secret@127.0.0.1:1/0")
    assert outcome.error.startswith(
        "memebot: error: cannot reach the broker at redis://:***@127.0.0.1:1/0 (MEMEBOT_BROKER_URL): ")
    assert "broker-secret" not in outcome.stdout + outcome.stderr


async def test_a_broker_url_that_is_not_redis_is_named(tmp_path):
    outcome = await memebot(tmp_path, "worker", MEMEBOT_BROKER_URL="amqp://rabbit:5672")
    assert outcome.error.startswith("memebot: error: MEMEBOT_BROKER_URL amqp://rabbit:5672: ")
