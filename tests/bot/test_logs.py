"""The log: levels and formats, secrets masked in every line and traceback, and one line per job as it moves."""
from __future__ import annotations

import io
import json
import logging
import warnings

import pytest

from bot import logs
from bot.config import Settings
from bot.queue import Finished
from tests.bot.conftest import ALICE, GROUP, consenting, follow

TELEGRAM_TOKEN = "123456:AAH-telegram-secret"
DISCORD_TOKEN = "MTIz.discord.secret"
BROKER_PASSWORD = "p@ss word"


@pytest.fixture
def database_url(sqlite_url):
    """SQLite only: the lines are the same on PostgreSQL."""
    return sqlite_url


@pytest.fixture
def restored_logging():
    """configure() rewires the root logger; put back pytest's handlers and every level afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    floors = {name: logging.getLogger(name).level for name in logs.LIBRARY_FLOORS}
    yield
    for handler in root.handlers[:]:
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, floor in floors.items():
        logging.getLogger(name).setLevel(floor)
    logging.captureWarnings(False)


def settings(**overrides) -> Settings:
    fields = {"telegram_token": TELEGRAM_TOKEN, "discord_token": DISCORD_TOKEN,
              "broker_url": "redis://:p%40ss%20word@redis:6379/0"}
    return Settings(**(fields | overrides))


def capture(setup: logs.LogSetup, monkeypatch) -> io.StringIO:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stdout", stream)
    monkeypatch.setattr("sys.stderr", stream)
    logs.configure(setup)
    return stream


def test_secrets_are_masked_as_they_are_and_url_encoded():
    redact = logs.Redactor([TELEGRAM_TOKEN, BROKER_PASSWORD])
    assert redact(f"POST https://api.telegram.org/bot{TELEGRAM_TOKEN}/getMe") == "POST https://api.telegram.org/bot***/getMe"
    assert redact("redis://:p%40ss%20word@redis:6379/0") == "redis://:***@redis:6379/0"
    assert redact("nothing to hide") == "nothing to hide"


def test_a_short_password_is_masked_only_where_it_stands_alone():
    redact = logs.Redactor(["bot"])
    assert redact("redis://:bot@redis:6379/0 for memebot") == "redis://:***@redis:6379/0 for memebot"


def test_the_secrets_are_both_tokens_and_the_url_passwords():
    found = logs.secrets_of(settings(database_url="postgresql+asyncpg://memebot:db-secret@db/memebot"))
    assert set(found) == {TELEGRAM_TOKEN, DISCORD_TOKEN, BROKER_PASSWORD, "db-secret"}
    assert logs.secrets_of(Settings()) == ()


def test_every_line_and_traceback_is_masked(restored_logging, monkeypatch):
    stream = capture(logs.service_setup(settings()), monkeypatch)
    log = logging.getLogger("tests.logs")
    log.warning("calling %s", f"https://api.telegram.org/bot{TELEGRAM_TOKEN}/getMe")
    try:
        raise RuntimeError(f"login with {DISCORD_TOKEN} failed at redis://:p%40ss%20word@redis")
    except RuntimeError:
        log.exception("it broke")
    written = stream.getvalue()
    assert "bot***/getMe" in written and "login with *** failed at redis://:***@redis" in written
    assert "Traceback" in written  # the traceback is kept, masked
    for secret in (TELEGRAM_TOKEN, DISCORD_TOKEN, "p%40ss", BROKER_PASSWORD):
        assert secret not in written


def test_text_lines_have_a_timestamp_level_and_logger(restored_logging, monkeypatch):
    stream = capture(logs.service_setup(settings()), monkeypatch)
    logging.getLogger("bot.jobs").info("job 1: accepted")
    logging.getLogger("bot.jobs").debug("not at INFO")
    (line,) = stream.getvalue().splitlines()
    assert line.endswith(" INFO bot.jobs: job 1: accepted") and line[:4].isdigit()


def test_json_lines_are_one_object_each(restored_logging, monkeypatch):
    stream = capture(logs.service_setup(settings(log_format="json")), monkeypatch)
    log = logging.getLogger("bot.jobs")
    log.info("job %d: accepted", 7)
    try:
        raise ValueError(f"token {TELEGRAM_TOKEN}")
    except ValueError:
        log.exception("job 7 attempt 1: failed")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first.keys() == {"time", "level", "logger", "message"}
    assert (first["level"], first["logger"], first["message"]) == ("INFO", "bot.jobs", "job 7: accepted")
    assert first["time"].endswith("+00:00")
    assert second["exception"].startswith("Traceback") and "ValueError: token ***" in second["exception"]


@pytest.mark.parametrize(("level", "verbosity", "expected"), [
    ("INFO", 0, logging.INFO), ("ERROR", 0, logging.ERROR), ("ERROR", 1, logging.DEBUG), ("DEBUG", -1, logging.WARNING),
])
def test_the_level_comes_from_the_setting_unless_v_or_q(restored_logging, monkeypatch, level, verbosity, expected):
    capture(logs.service_setup(settings(log_level=level), verbosity), monkeypatch)
    assert logging.getLogger().level == expected
    assert logging.getLogger("httpx").level >= logging.WARNING  # its lines carry the token in the URL
    assert logging.getLogger("telegram").level >= logging.INFO  # its DEBUG lines carry what people wrote


def test_the_terminal_commands_stay_quiet_on_stderr(restored_logging, monkeypatch):
    setup = logs.terminal_setup(settings(log_format="json"))
    assert (setup.level, setup.stream, setup.format) == ("WARNING", "stderr", "text")
    assert logs.terminal_setup(settings(), 1).level == "INFO"
    stream = capture(setup, monkeypatch)
    logging.getLogger("inference").info("not shown")
    logging.getLogger("inference").warning("shown")
    assert stream.getvalue() == "WARNING inference: shown\n"


def test_warnings_go_to_the_log(restored_logging, monkeypatch):
    stream = capture(logs.service_setup(settings()), monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        logging.captureWarnings(True)
        warnings.warn(f"deprecated, says {DISCORD_TOKEN}", UserWarning)
    assert "WARNING py.warnings:" in stream.getvalue() and DISCORD_TOKEN not in stream.getvalue()


async def test_each_job_is_logged_as_it_moves_without_its_photo(running_service, photo, caplog):
    service = await running_service()
    await consenting(service, ALICE)
    with caplog.at_level(logging.INFO, logger="bot.jobs"):
        ticket = await service.renders.request(ALICE, GROUP, "demo", photo())
        events = await follow(service, ticket.job_id)
    assert isinstance(events[-1], Finished)
    lines = [record.getMessage() for record in caplog.records if record.name == "bot.jobs"]
    job = f"job {ticket.job_id}"
    assert lines[0] == f"{job}: accepted from telegram, template demo, landmarks backend"
    assert lines[1] == f"{job} attempt 1: started on this machine"
    assert lines[2].startswith(f"{job} attempt 1: finished, ") and len(lines) == 3
    size = events[-1].output.stat().st_size
    assert " frames in " in lines[2] and " frames/s), " in lines[2] and lines[2].endswith(f", {size} bytes")
    everything = "\n".join(record.getMessage() for record in caplog.records)
    assert ".png" not in everything and str(service.settings.photos_dir) not in everything


async def test_a_failed_job_is_logged_with_its_reason(running_service, photo, caplog):
    service = await running_service(factory="tests.bot.renderers:Sabotaged")
    await service.templates.register("reject", "reject", 1.0, service.settings.templates_dir / "reject", "tests")
    await consenting(service, ALICE)
    with caplog.at_level(logging.INFO, logger="bot.jobs"):
        ticket = await service.renders.request(ALICE, GROUP, "reject", photo())
        await follow(service, ticket.job_id)
    lines = [record.getMessage() for record in caplog.records if record.name == "bot.jobs"]
    assert lines[1:] == [
        f"job {ticket.job_id} attempt 1: started on this machine",
        f"job {ticket.job_id} attempt 1: failed: That face is too blurry to animate.",
    ]
