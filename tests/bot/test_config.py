"""Settings from environment variables."""
from pathlib import Path

import pytest

from bot.config import DEFAULT_USER_DAILY_QUOTA, ConfigError, Settings


def test_defaults_put_everything_in_the_data_folder():
    settings = Settings.from_env({})
    assert settings.data_dir == Path("data").resolve()
    assert settings.database_url == f"sqlite+aiosqlite:///{Path('data').resolve() / 'memebot.db'}"
    assert settings.user_daily_quota == DEFAULT_USER_DAILY_QUOTA
    assert settings.admin_daily_quota == 0
    assert settings.label == "AI-generated"
    assert settings.backend is None
    assert settings.renderer_options()["dtype"] == "auto"
    assert settings.templates_dir == Path("data", "templates").resolve()


def test_values_are_read_and_typed(tmp_path):
    settings = Settings.from_env(
        {
            "MEMEBOT_DATA_DIR": str(tmp_path),
            "MEMEBOT_ADMINS": "telegram:1, discord:2",
            "MEMEBOT_USER_DAILY_QUOTA": "3",
            "MEMEBOT_JOB_TIME_LIMIT_SECONDS": "12.5",
            "MEMEBOT_BACKEND": "landmarks",
            "MEMEBOT_DTYPE": "BF16",
            "MEMEBOT_TELEGRAM_TOKEN": "123:secret",
        }
    )
    assert settings.data_dir == tmp_path
    assert settings.is_admin("discord", "2") and not settings.is_admin("discord", "1")
    assert settings.user_daily_quota == 3
    assert settings.job_time_limit_seconds == 12.5
    assert settings.backend == "landmarks"
    assert settings.renderer_options()["dtype"] == "bf16"
    assert settings.telegram_token == "123:secret"
    assert "secret" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MEMEBOT_USER_DAILY_QUOTA", "many"),
        ("MEMEBOT_RENDER_WORKERS", "0"),
        ("MEMEBOT_OUTPUT_RETENTION_HOURS", "-1"),
        ("MEMEBOT_BACKEND", "magic"),
        ("MEMEBOT_DTYPE", "fp8"),
        ("MEMEBOT_ADMINS", "justanid"),
        ("MEMEBOT_LOG_LEVEL", "loud"),
        ("MEMEBOT_LOG_FORMAT", "xml"),
    ],
)
def test_a_bad_value_names_its_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})


def test_dotenv_does_not_override_the_real_environment(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("MEMEBOT_USER_DAILY_QUOTA=7\nMEMEBOT_CHAT_DAILY_QUOTA=9\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MEMEBOT_USER_DAILY_QUOTA", "2")
    # Set, then unset: so monkeypatch also removes what load_dotenv adds.
    monkeypatch.setenv("MEMEBOT_CHAT_DAILY_QUOTA", "unused")
    monkeypatch.delenv("MEMEBOT_CHAT_DAILY_QUOTA")
    settings = Settings.from_env()
    assert (settings.user_daily_quota, settings.chat_daily_quota) == (2, 9)


def test_logging_is_info_as_text_unless_set():
    settings = Settings.from_env({})
    assert (settings.log_level, settings.log_format) == ("INFO", "text")
    settings = Settings.from_env({"MEMEBOT_LOG_LEVEL": "debug", "MEMEBOT_LOG_FORMAT": "JSON"})
    assert (settings.log_level, settings.log_format) == ("DEBUG", "json")


@pytest.mark.parametrize("suffix", ["/bot", "/bot/"])
def test_a_telegram_url_ending_in_bot_is_taken_without_it_and_noted(suffix, caplog):
    settings = Settings.from_env({"MEMEBOT_TELEGRAM_API_URL": f"http://bot-api:8081{suffix}",
                                  "MEMEBOT_TELEGRAM_FILE_URL": f"http://bot-api:8081/file{suffix}"})
    assert (settings.telegram_api_url, settings.telegram_file_url) == ("http://bot-api:8081", "http://bot-api:8081/file")
    settings.log_notices()
    assert [record.getMessage() for record in caplog.records] == [
        ("MEMEBOT_TELEGRAM_API_URL ends in /bot, which memebot adds itself (followed by the token); "
         "using http://bot-api:8081"),
        ("MEMEBOT_TELEGRAM_FILE_URL ends in /bot, which memebot adds itself (followed by the token); "
         "using http://bot-api:8081/file"),
    ]


def test_a_telegram_url_without_bot_is_left_alone():
    settings = Settings.from_env({"MEMEBOT_TELEGRAM_API_URL": "http://proxy/robot"})
    assert settings.telegram_api_url == "http://proxy/robot" and settings.notices == ()
