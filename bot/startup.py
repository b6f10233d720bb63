"""What `memebot run` and `memebot worker` check before they serve, and how a failed start is told: one line that
names the setting to change (bot.cli prints it as `memebot: error: ...` and exits with status 2)."""
from __future__ import annotations

import asyncio
import tempfile
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import exc as sql_errors
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from bot.config import Settings

EXAMPLES = {
    "sqlite": "sqlite+aiosqlite:///path/to/memebot.db",
    "postgresql": "postgresql+asyncpg://user:password@host/db",
}
DATABASES = {"sqlite": f"SQLite ({EXAMPLES['sqlite']})", "postgresql": f"PostgreSQL ({EXAMPLES['postgresql']})"}
# The pip package of a database driver's module, where the names differ.
DRIVER_PACKAGES = {"psycopg2": "psycopg2-binary", "MySQLdb": "mysqlclient"}
CONNECT_TIMEOUT_SECONDS = 10.0


class StartupError(Exception):
    """memebot cannot start; the message is one line and names the setting (or the thing) to fix."""


def one_line(message: str) -> str:
    """A message on one line, whatever a library put in it."""
    return " ".join(message.split())


def hide_password(url: str) -> str:
    """The URL with its password (if any) shown as ***."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        userinfo, _, host = parts.netloc.rpartition("@")
        user = userinfo.partition(":")[0]
        return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
    except ValueError:
        return "<unreadable URL>"


def prepare_data_dir(settings: Settings) -> None:
    """Create the data folder if need be, and make sure memebot can write in it."""
    folder = settings.data_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise StartupError(f"MEMEBOT_DATA_DIR {folder} is a file, not a folder") from None
    except OSError as error:
        raise StartupError(f"MEMEBOT_DATA_DIR {folder}: cannot create the data folder ({error.strerror})") from None
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise StartupError(f"MEMEBOT_DATA_DIR {folder}: cannot write in the data folder ({error.strerror})") from None


def check_database_url(database_url: str) -> None:
    """A database memebot supports, through an async driver that is installed; nothing is connected yet."""
    try:
        url = make_url(database_url)
    except sql_errors.ArgumentError:
        raise StartupError(f"MEMEBOT_DATABASE_URL {hide_password(database_url)!r} is not a database URL; "
                           f"use {' or '.join(DATABASES.values())}") from None
    shown = url.render_as_string(hide_password=True)
    backend = url.get_backend_name()
    if backend not in DATABASES:
        raise StartupError(f"MEMEBOT_DATABASE_URL {shown}: memebot does not support {backend} databases; "
                           f"it supports {' and '.join(DATABASES.values())}")
    try:
        dialect = url.get_dialect(_is_async=True)
    except sql_errors.NoSuchModuleError:
        raise StartupError(f"MEMEBOT_DATABASE_URL {shown}: there is no {backend} driver {url.get_driver_name()!r}; "
                           f"use e.g. {EXAMPLES[backend]}") from None
    if not dialect.is_async:
        raise StartupError(f"MEMEBOT_DATABASE_URL {shown}: the {dialect.driver} driver is not async; "
                           f"use e.g. {EXAMPLES[backend]}")
    try:
        dialect.import_dbapi()
    except ImportError as error:
        module = (error.name or url.get_driver_name()).split(".")[0]
        raise StartupError(f"MEMEBOT_DATABASE_URL {shown} needs the {module} driver, which is not installed: "
                           f"pip install {DRIVER_PACKAGES.get(module, module)}") from None


async def check_database(database_url: str) -> None:
    """The database answers (a SQLite file can be opened)."""
    from bot.store.database import create_engine

    check_database_url(database_url)
    url: URL = make_url(database_url)
    engine = create_engine(database_url)
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS):
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    except (OSError, TimeoutError, sql_errors.DBAPIError) as error:
        reason = error.orig if isinstance(error, sql_errors.DBAPIError) and error.orig is not None else error
        raise StartupError(f"cannot reach the database at {url.render_as_string(hide_password=True)} "
                           f"(MEMEBOT_DATABASE_URL): {_describe(reason)}") from None
    finally:
        await engine.dispose()


def prepare_signing(settings: Settings) -> None:
    """memebot's own C2PA key and certificate exist (made now on first start), or the operator's can be read."""
    from inference.provenance import ProvenanceError, prepare_signing_files

    try:
        prepare_signing_files(settings.signing_files())
    except ProvenanceError as error:
        raise StartupError(f"{error} (MEMEBOT_C2PA_CERT, MEMEBOT_C2PA_KEY)") from None


async def check_broker(broker_url: str) -> None:
    """The cluster's Redis answers a PING."""
    from redis import RedisError
    from redis.asyncio import Redis

    shown = hide_password(broker_url)
    try:
        client = Redis.from_url(broker_url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
                                socket_timeout=CONNECT_TIMEOUT_SECONDS)
    except ValueError as error:
        raise StartupError(f"MEMEBOT_BROKER_URL {shown}: {one_line(str(error))}") from None
    try:
        await client.ping()
    except (OSError, RedisError) as error:
        raise StartupError(f"cannot reach the broker at {shown} (MEMEBOT_BROKER_URL): {_describe(error)}") from None
    finally:
        await client.aclose()


async def preflight(settings: Settings) -> None:
    """Every check that needs no chat platform: data folder, signing files, database, broker (if any)."""
    prepare_data_dir(settings)
    prepare_signing(settings)
    await check_database(settings.database_url)
    if settings.broker_url:
        await check_broker(settings.broker_url)


def _describe(error: BaseException) -> str:
    message = one_line(str(error))
    return message or type(error).__name__
