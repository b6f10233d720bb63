"""The bot's settings, read once from environment variables (and a .env file)."""
from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dotenv import find_dotenv, load_dotenv

from bot.logs import DEFAULT_FORMAT, DEFAULT_LEVEL, FORMATS, LEVELS
from inference.provenance import SigningFiles

log = logging.getLogger(__name__)

DEFAULT_DATA_DIR = Path("data")
# In the data folder: memebot's own C2PA signing key and certificate, made on first start.
DEFAULT_C2PA_DIR_NAME = "c2pa"
DEFAULT_DEVICE = "cpu"
DEFAULT_DTYPE = "auto"  # bf16 on a CPU with native bf16, fp16 on CUDA, fp32 elsewhere
DEFAULT_USER_DAILY_QUOTA = 5
DEFAULT_CHAT_DAILY_QUOTA = 30
DEFAULT_ADMIN_DAILY_QUOTA = 0  # 0 = unlimited
DEFAULT_MAX_JOBS_IN_FLIGHT = 1
DEFAULT_RENDER_WORKERS = 1
# FOMM frames per model call shared by a render process's concurrent jobs; 0 = off, one job at a time (on a CPU a
# call of one job's frames already keeps the cores busy; a GPU needs many frames per call).
DEFAULT_BATCH_FRAMES = 0
DEFAULT_BATCH_JOBS = 4  # jobs one batching render process serves at once
DEFAULT_JOB_TIME_LIMIT_SECONDS = 300.0
DEFAULT_OUTPUT_RETENTION_HOURS = 24.0
DEFAULT_PHOTO_KEEP_MINUTES = 10  # 0 = deleted right after the render, and no "Another song"
DEFAULT_SHUTDOWN_GRACE_SECONDS = 30.0
# A cluster worker silent this long (no heartbeat on its job) is taken for dead and its job handed to another.
DEFAULT_WORKER_TIMEOUT_SECONDS = 30.0
DEFAULT_MAX_PHOTO_BYTES = 10_000_000
DEFAULT_CONSENT_VERSION = "2"  # 2: photos are kept a few minutes after the render
DEFAULT_LABEL = "AI-generated"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"
DEFAULT_TELEGRAM_FILE_URL = "https://api.telegram.org/file"
DEFAULT_DISCORD_API_URL = "https://discord.com/api/v10"
DEFAULT_DISCORD_GATEWAY_URL = "wss://gateway.discord.gg"
# The operator page (MEMEBOT_HTTP_PORT) listens only on this machine unless told otherwise.
DEFAULT_HTTP_HOST = "127.0.0.1"
BACKENDS = ("fomm", "landmarks")
DTYPES = ("auto", "fp32", "bf16", "fp16")
# python-telegram-bot's base_url ends in /bot; memebot adds that part itself (followed by the token).
TELEGRAM_URL_SUFFIX = "/bot"


class ConfigError(ValueError):
    """A setting has a value the bot cannot use; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot core and the adapters read from the environment."""

    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str = ""
    templates_dir: Path | None = None  # admin-added templates; None = <data dir>/templates
    checkpoint: Path | None = None
    backend: str | None = None
    device: str = DEFAULT_DEVICE
    dtype: str = DEFAULT_DTYPE
    admins: frozenset[str] = frozenset()
    user_daily_quota: int = DEFAULT_USER_DAILY_QUOTA
    chat_daily_quota: int = DEFAULT_CHAT_DAILY_QUOTA
    admin_daily_quota: int = DEFAULT_ADMIN_DAILY_QUOTA
    max_jobs_in_flight: int = DEFAULT_MAX_JOBS_IN_FLIGHT
    render_workers: int = DEFAULT_RENDER_WORKERS
    batch_frames: int = DEFAULT_BATCH_FRAMES
    batch_jobs: int = DEFAULT_BATCH_JOBS
    job_time_limit_seconds: float = DEFAULT_JOB_TIME_LIMIT_SECONDS
    output_retention_hours: float = DEFAULT_OUTPUT_RETENTION_HOURS
    photo_keep_minutes: int = DEFAULT_PHOTO_KEEP_MINUTES
    shutdown_grace_seconds: float = DEFAULT_SHUTDOWN_GRACE_SECONDS
    broker_url: str | None = field(default=None, repr=False)  # None: the local queue; may hold a password
    worker_timeout_seconds: float = DEFAULT_WORKER_TIMEOUT_SECONDS
    worker_name: str = ""  # "" = host name and process id
    max_photo_bytes: int = DEFAULT_MAX_PHOTO_BYTES
    consent_version: str = DEFAULT_CONSENT_VERSION
    label: str = DEFAULT_LABEL
    c2pa_certificate: Path | None = None  # the operator's chain; None (with c2pa_key): memebot's own
    c2pa_key: Path | None = field(default=None, repr=False)
    discord_token: str | None = field(default=None, repr=False)  # secrets stay out of logs
    telegram_token: str | None = field(default=None, repr=False)
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    telegram_file_url: str = DEFAULT_TELEGRAM_FILE_URL
    discord_api_url: str = DEFAULT_DISCORD_API_URL
    discord_gateway_url: str = DEFAULT_DISCORD_GATEWAY_URL
    log_level: str = DEFAULT_LEVEL
    log_format: str = DEFAULT_FORMAT
    http_port: int | None = None  # None: no operator page or metrics server
    http_host: str = DEFAULT_HTTP_HOST
    admin_token: str | None = field(default=None, repr=False)  # the operator page's login; None: no dashboard
    # What was adjusted while reading the settings, for log_notices() to say once logging is set up.
    notices: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        # Paths are stored in the database, so they must not depend on the working directory.
        object.__setattr__(self, "data_dir", self.data_dir.resolve())
        object.__setattr__(self, "templates_dir", (self.templates_dir or self.data_dir / "templates").resolve())
        if self.checkpoint is not None:
            object.__setattr__(self, "checkpoint", self.checkpoint.resolve())
        if (self.c2pa_certificate is None) != (self.c2pa_key is None):
            raise ConfigError("MEMEBOT_C2PA_CERT and MEMEBOT_C2PA_KEY go together: set both, or neither for "
                              "memebot's own certificate")
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite+aiosqlite:///{self.data_dir / 'memebot.db'}")
        for name, attribute in (("MEMEBOT_TELEGRAM_API_URL", "telegram_api_url"),
                                ("MEMEBOT_TELEGRAM_FILE_URL", "telegram_file_url")):
            url = getattr(self, attribute).rstrip("/")
            if url.endswith(TELEGRAM_URL_SUFFIX):
                url = url.removesuffix(TELEGRAM_URL_SUFFIX)
                object.__setattr__(self, attribute, url)
                object.__setattr__(self, "notices", (*self.notices, (
                    f"{name} ends in {TELEGRAM_URL_SUFFIX}, which memebot adds itself (followed by the token); "
                    f"using {url}")))

    def log_notices(self) -> None:
        """Log what was adjusted in the settings (e.g. a /bot suffix taken off a Telegram URL)."""
        for notice in self.notices:
            log.warning("%s", notice)

    @property
    def photos_dir(self) -> Path:
        """Where received photos wait for their render."""
        return self.data_dir / "photos"

    @property
    def outputs_dir(self) -> Path:
        """Where rendered videos stay until the retention sweep."""
        return self.data_dir / "outputs"

    def renderer_options(self) -> dict[str, Any]:
        """The keyword arguments of inference.api.RendererSettings (a plain dict, so it pickles to render workers)."""
        return {
            "checkpoint": self.checkpoint,
            "backend": self.backend,
            "template_dirs": (self.templates_dir,),  # the shipped templates are always included
            "device": self.device,
            "dtype": self.dtype,
            "label": self.label,
            "signing": self.signing_files(),
            "batch_frames": self.batch_frames,
        }

    def jobs_per_render_process(self, backend: str) -> int:
        """How many renders one render process runs at once: MEMEBOT_BATCH_JOBS when FOMM batches, else one."""
        return self.batch_jobs if self.batch_frames and backend == "fomm" else 1

    def signing_files(self) -> SigningFiles:
        """The certificate chain and key that sign every video: the operator's, or memebot's own."""
        if self.c2pa_certificate is not None and self.c2pa_key is not None:
            return SigningFiles(self.c2pa_certificate.resolve(), self.c2pa_key.resolve())
        return SigningFiles.own(self.data_dir / DEFAULT_C2PA_DIR_NAME)

    def is_admin(self, platform: str, user_id: str) -> bool:
        """Whether this platform user is a bot admin."""
        return f"{platform}:{user_id}" in self.admins

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read settings from `environ`, or from the process environment plus ./.env (which never overrides it)."""
        if environ is None:
            load_dotenv(find_dotenv(usecwd=True), override=False)
            environ = os.environ
        env = _Reader(environ)
        return cls(
            data_dir=env.path("MEMEBOT_DATA_DIR") or DEFAULT_DATA_DIR,
            database_url=env.text("MEMEBOT_DATABASE_URL") or "",
            templates_dir=env.path("MEMEBOT_TEMPLATES_DIR"),
            checkpoint=env.path("MEMEBOT_CHECKPOINT"),
            backend=env.choice("MEMEBOT_BACKEND", BACKENDS),
            device=env.text("MEMEBOT_DEVICE") or DEFAULT_DEVICE,
            dtype=env.choice("MEMEBOT_DTYPE", DTYPES, lower=True) or DEFAULT_DTYPE,
            admins=env.admins("MEMEBOT_ADMINS"),
            user_daily_quota=env.integer("MEMEBOT_USER_DAILY_QUOTA", DEFAULT_USER_DAILY_QUOTA, minimum=0),
            chat_daily_quota=env.integer("MEMEBOT_CHAT_DAILY_QUOTA", DEFAULT_CHAT_DAILY_QUOTA, minimum=0),
            admin_daily_quota=env.integer("MEMEBOT_ADMIN_DAILY_QUOTA", DEFAULT_ADMIN_DAILY_QUOTA, minimum=0),
            max_jobs_in_flight=env.integer("MEMEBOT_MAX_JOBS_IN_FLIGHT", DEFAULT_MAX_JOBS_IN_FLIGHT, minimum=1),
            render_workers=env.integer("MEMEBOT_RENDER_WORKERS", DEFAULT_RENDER_WORKERS, minimum=1),
            batch_frames=env.integer("MEMEBOT_BATCH_FRAMES", DEFAULT_BATCH_FRAMES, minimum=0),
            batch_jobs=env.integer("MEMEBOT_BATCH_JOBS", DEFAULT_BATCH_JOBS, minimum=1),
            job_time_limit_seconds=env.number("MEMEBOT_JOB_TIME_LIMIT_SECONDS", DEFAULT_JOB_TIME_LIMIT_SECONDS),
            output_retention_hours=env.number("MEMEBOT_OUTPUT_RETENTION_HOURS", DEFAULT_OUTPUT_RETENTION_HOURS),
            photo_keep_minutes=env.integer("MEMEBOT_PHOTO_KEEP_MINUTES", DEFAULT_PHOTO_KEEP_MINUTES, minimum=0),
            shutdown_grace_seconds=env.number("MEMEBOT_SHUTDOWN_GRACE_SECONDS", DEFAULT_SHUTDOWN_GRACE_SECONDS),
            broker_url=env.text("MEMEBOT_BROKER_URL"),
            worker_timeout_seconds=env.number("MEMEBOT_WORKER_TIMEOUT_SECONDS", DEFAULT_WORKER_TIMEOUT_SECONDS),
            worker_name=env.text("MEMEBOT_WORKER_NAME") or "",
            max_photo_bytes=env.integer("MEMEBOT_MAX_PHOTO_BYTES", DEFAULT_MAX_PHOTO_BYTES, minimum=1),
            consent_version=env.text("MEMEBOT_CONSENT_VERSION") or DEFAULT_CONSENT_VERSION,
            label=env.text("MEMEBOT_LABEL") or DEFAULT_LABEL,
            c2pa_certificate=env.path("MEMEBOT_C2PA_CERT"),
            c2pa_key=env.path("MEMEBOT_C2PA_KEY"),
            discord_token=env.text("MEMEBOT_DISCORD_TOKEN"),
            telegram_token=env.text("MEMEBOT_TELEGRAM_TOKEN"),
            telegram_api_url=env.text("MEMEBOT_TELEGRAM_API_URL") or DEFAULT_TELEGRAM_API_URL,
            telegram_file_url=env.text("MEMEBOT_TELEGRAM_FILE_URL") or DEFAULT_TELEGRAM_FILE_URL,
            discord_api_url=env.text("MEMEBOT_DISCORD_API_URL") or DEFAULT_DISCORD_API_URL,
            discord_gateway_url=env.text("MEMEBOT_DISCORD_GATEWAY_URL") or DEFAULT_DISCORD_GATEWAY_URL,
            log_level=env.choice("MEMEBOT_LOG_LEVEL", LEVELS, upper=True) or DEFAULT_LEVEL,
            log_format=env.choice("MEMEBOT_LOG_FORMAT", FORMATS, lower=True) or DEFAULT_FORMAT,
            http_port=env.integer("MEMEBOT_HTTP_PORT", 0, minimum=1) if env.text("MEMEBOT_HTTP_PORT") else None,
            http_host=env.text("MEMEBOT_HTTP_HOST") or DEFAULT_HTTP_HOST,
            admin_token=env.text("MEMEBOT_ADMIN_TOKEN"),
        )


class _Reader:
    """Typed access to environment variables; an empty value counts as unset."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def text(self, name: str) -> str | None:
        value = self._environ.get(name, "").strip()
        return value or None

    def path(self, name: str) -> Path | None:
        value = self.text(name)
        return Path(value).expanduser() if value else None

    def choice(self, name: str, choices: tuple[str, ...], *, upper: bool = False, lower: bool = False) -> str | None:
        given = self.text(name)
        value = given.upper() if given and upper else given.lower() if given and lower else given
        if value is not None and value not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)} (or unset), got {given!r}")
        return value

    def integer(self, name: str, default: int, *, minimum: int) -> int:
        value = self.text(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got {value!r}") from None
        if number < minimum:
            raise ConfigError(f"{name} must be at least {minimum}, got {number}")
        return number

    def number(self, name: str, default: float) -> float:
        value = self.text(name)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            raise ConfigError(f"{name} must be a number, got {value!r}") from None
        if not number > 0:
            raise ConfigError(f"{name} must be greater than 0, got {value!r}")
        return number

    def admins(self, name: str) -> frozenset[str]:
        admins = self._items(name)
        for admin in admins:
            platform, _, user_id = admin.partition(":")
            if not platform or not user_id:
                raise ConfigError(f"{name} entries must look like platform:user_id, got {admin!r}")
        return frozenset(admins)

    def _items(self, name: str) -> list[str]:
        return [item.strip() for item in self._environ.get(name, "").split(",") if item.strip()]
