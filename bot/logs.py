"""Logging for every `memebot` command, set up once in bot.cli (and again in each worker process).

`memebot run` and `memebot worker` log to stdout at INFO (MEMEBOT_LOG_LEVEL, -v for DEBUG, -q for WARNING), as text
lines with a timestamp and the logger's name or as JSON lines (MEMEBOT_LOG_FORMAT=json); stderr is kept for the one
line that says why the command could not start. The other commands keep a quiet terminal: warnings on stderr.

No secret is ever written: every handler masks the Telegram and Discord tokens and the passwords of the broker and
database URLs wherever they appear in a line or in an exception's text, and httpx, which logs each request's URL
(python-telegram-bot puts the token in it), only logs warnings.
"""
from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO
from urllib.parse import quote

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
FORMATS = ("text", "json")
DEFAULT_LEVEL = "INFO"
DEFAULT_FORMAT = "text"
MASK = "***"
SHORT_SECRET = 5
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
TERMINAL_FORMAT = "%(levelname)s %(name)s: %(message)s"
# Libraries' loggers never go below these levels: httpx and httpcore log every request URL, which holds the
# Telegram token; at DEBUG python-telegram-bot and discord.py log whole updates and answers, with what people wrote.
LIBRARY_FLOORS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "telegram": logging.INFO,
    "discord": logging.INFO,
    "aiosqlite": logging.INFO,  # each call with its SQL parameters
    "alembic.runtime.plugins": logging.WARNING,  # a line for each of its plugins at every start
}


@dataclass(frozen=True)
class LogSetup:
    """How a process logs; it pickles, so worker processes log the same way as their parent."""

    level: str = DEFAULT_LEVEL
    format: str = DEFAULT_FORMAT
    stream: str = "stdout"  # or "stderr"
    secrets: tuple[str, ...] = ()
    terminal: bool = False  # the short "LEVEL name: message" lines of the terminal commands


_current: LogSetup | None = None
_redactor: Redactor | None = None


class Redactor:
    """Masks secrets in text: each as it is and percent-encoded (as it appears in a URL).

    A secret of SHORT_SECRET characters or fewer (a weak password) is masked only where it stands alone, between
    characters that are not letters or digits (as in redis://:pw@host), so it does not mask parts of every word.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        forms = {form for secret in secrets if secret for form in (secret, quote(secret, safe=""), quote(secret))}
        # Longest first, so a secret that contains another is masked whole.
        patterns = []
        for form in sorted(forms, key=len, reverse=True):
            escaped = re.escape(form)
            patterns.append(escaped if len(form) > SHORT_SECRET else rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])")
        self._pattern = re.compile("|".join(patterns)) if patterns else None

    def __call__(self, text: str) -> str:
        return self._pattern.sub(MASK, text) if self._pattern is not None else text

    def __bool__(self) -> bool:
        return self._pattern is not None


class RedactingFilter(logging.Filter):
    """Rewrites each record with its message, exception and stack text masked, before any formatter sees it."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self._redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._redact:
            return True
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the message: show it unformatted rather than fail
            message = f"{record.msg!r} (with arguments that do not fit it)"
        record.msg = self._redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, and exception when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def secrets_of(settings: Any) -> tuple[str, ...]:
    """The values no log line may show: both tokens, and the passwords in the broker and database URLs."""
    found = [settings.telegram_token, settings.discord_token]
    found += [url_password(settings.broker_url), url_password(settings.database_url)]
    return tuple(secret for secret in found if secret)


def url_password(url: str | None) -> str | None:
    """The password in a URL such as redis://:secret@host:6379/0 or postgresql+asyncpg://user:secret@host/db."""
    if not url:
        return None
    from urllib.parse import unquote, urlsplit

    try:
        password = urlsplit(url).password
    except ValueError:  # e.g. a port that is no number
        return None
    return unquote(password) if password else None


def configure(setup: LogSetup) -> None:
    """Replace the root logger's handlers with one that writes `setup`'s way, masking its secrets."""
    global _current, _redactor
    _current = setup
    _redactor = Redactor(setup.secrets)
    stream: TextIO = sys.stdout if setup.stream == "stdout" else sys.stderr
    handler = logging.StreamHandler(stream)
    if setup.format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TERMINAL_FORMAT if setup.terminal else TEXT_FORMAT))
    handler.addFilter(RedactingFilter(_redactor))
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    level = logging.getLevelName(setup.level)
    root.setLevel(level)
    for name, floor in LIBRARY_FLOORS.items():
        logging.getLogger(name).setLevel(max(level, floor))
    logging.captureWarnings(True)  # warnings.warn() goes to the log too, not to bare stderr


def current() -> LogSetup | None:
    """The setup of this process, for worker processes to repeat; None if configure() was not called."""
    return _current


def redact(text: str) -> str:
    """`text` with the configured secrets masked (for lines written outside logging, such as the error line)."""
    return _redactor(text) if _redactor is not None else text


def service_setup(settings: Any, verbosity: int = 0) -> LogSetup:
    """`memebot run` and `memebot worker`: stdout at the configured level; -v (verbosity 1) DEBUG, -q (-1) WARNING."""
    level = {1: "DEBUG", -1: "WARNING"}.get(verbosity, settings.log_level)
    return LogSetup(level=level, format=settings.log_format, stream="stdout", secrets=secrets_of(settings))


def terminal_setup(settings: Any, verbosity: int = 0) -> LogSetup:
    """The terminal commands (render, template, db, ...): warnings on stderr, INFO with -v, errors only with -q."""
    level = {1: "INFO", -1: "ERROR"}.get(verbosity, "WARNING")
    return LogSetup(level=level, format="text", stream="stderr", secrets=secrets_of(settings), terminal=True)
