"""`memebot run`: no token is a clear exit 2; with a token it serves in one loop until SIGTERM, then closes cleanly.
`memebot --version` says which memebot is installed."""
import asyncio
import os
import signal
from importlib import metadata

import pytest

from bot.app import serve
from bot.cli import main
from bot.config import Settings
from tests.bot.adapters.telegram.fake_bot_api import TOKEN, FakeBotApi


def test_no_token_says_which_variables_to_set(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MEMEBOT_DATA_DIR", str(tmp_path))
    for name in ("MEMEBOT_DISCORD_TOKEN", "MEMEBOT_TELEGRAM_TOKEN"):
        monkeypatch.setenv(name, "")
    assert main(["run"]) == 2
    error = capsys.readouterr().err
    assert "MEMEBOT_DISCORD_TOKEN" in error and "MEMEBOT_TELEGRAM_TOKEN" in error


async def test_serves_telegram_until_sigterm_then_stops_cleanly(tmp_path):
    api = FakeBotApi()
    await api.start()
    settings = Settings(data_dir=tmp_path / "data", backend="landmarks", telegram_token=TOKEN,
                        telegram_api_url=api.url, telegram_file_url=api.file_url, shutdown_grace_seconds=2.0)
    running = asyncio.create_task(serve(settings))
    try:
        person = api.person(4242, "Alice")
        await api.wait_for(lambda: api.calls_to("getUpdates"), timeout=120)  # polling: the bot is serving
        person.says("/help")
        await person.sees("Send me a face photo", timeout=30)
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(running, timeout=60)
    finally:
        running.cancel()
        await api.stop()
    assert (tmp_path / "data" / "memebot.db").exists()  # migrations ran at start-up


def test_version_is_the_installed_one(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"memebot {metadata.version('memebot')}\n"


def test_version_works_whatever_the_configuration(monkeypatch, capsys):
    monkeypatch.setenv("MEMEBOT_USER_DAILY_QUOTA", "many")
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("memebot ")


def test_version_when_not_installed(monkeypatch, capsys):
    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out == "memebot (not installed)\n"
