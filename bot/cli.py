"""The `memebot` command: the bots, render and template tools, checkpoint conversion and database migrations."""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from importlib import metadata

from bot import logs
from bot.audit import add_audit_parser
from bot.config import ConfigError, Settings
from inference.backends import BackendUnavailable
from inference.cli import (
    EXIT_BAD_INPUT,
    CommandError,
    add_convert_parser,
    add_render_parser,
    add_template_parser,
    add_verify_parser,
    run_handler,
)

log = logging.getLogger("bot")
EXIT_UNEXPECTED = 1
EXIT_INTERRUPTED = 130


def version() -> str:
    """`memebot <version>` as installed; nothing is read from the source tree when it is not installed."""
    try:
        return f"memebot {metadata.version('memebot')}"
    except metadata.PackageNotFoundError:
        return "memebot (not installed)"


def _db_upgrade(settings: Settings) -> None:
    from bot.startup import StartupError, check_database, hide_password, one_line, prepare_data_dir
    from bot.store.migrate import upgrade

    try:
        prepare_data_dir(settings)
        asyncio.run(check_database(settings.database_url))
    except StartupError as error:
        raise CommandError(logs.redact(one_line(str(error)))) from None
    asyncio.run(upgrade(settings.database_url))
    print(f"database at {hide_password(settings.database_url)} is up to date")


def _run(settings: Settings) -> None:
    from bot.app import NO_TOKEN_MESSAGE, serve

    if not (settings.discord_token or settings.telegram_token):
        raise CommandError(NO_TOKEN_MESSAGE)
    _serve(settings, serve)


def _worker(settings: Settings) -> None:
    from bot.worker.cluster import serve_worker

    if not settings.broker_url:
        raise CommandError("memebot worker takes renders from a cluster's broker: set MEMEBOT_BROKER_URL "
                           "(e.g. redis://host:6379/0) and MEMEBOT_DATABASE_URL as the bot has them")
    _serve(settings, serve_worker)


def _serve(settings: Settings, serve: Callable[[Settings], Awaitable[None]]) -> None:
    """Check what can be checked, then serve; a failed start is one line on stderr (exit 2), never a traceback.

    The log (stdout) gets the traceback of anything unexpected, with the secrets masked like every other line.
    """
    from bot.startup import StartupError, one_line, preflight

    async def checked() -> None:
        log.info("%s starting (%s)", version(), "worker" if serve.__name__ == "serve_worker" else "bot")
        await preflight(settings)
        await serve(settings)

    try:
        asyncio.run(checked())
    except (StartupError, BackendUnavailable) as error:
        raise CommandError(logs.redact(one_line(str(error)))) from None
    except KeyboardInterrupt:  # Ctrl-C before the bot took over SIGINT (once serving, it stops cleanly)
        raise SystemExit(EXIT_INTERRUPTED) from None
    except Exception as error:
        log.critical("memebot stopped on an unexpected error", exc_info=True)
        print(f"memebot: error: stopped on an unexpected error ({logs.redact(one_line(type(error).__name__))}); "
              "the log has its traceback", file=sys.stderr)
        raise SystemExit(EXIT_UNEXPECTED) from None


def _verbosity(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """-v and -q; on the service commands too (`memebot run -v`), where they leave the top level's alone if unset."""
    default = argparse.SUPPRESS if suppress else 0
    volume = parser.add_mutually_exclusive_group()
    volume.add_argument("-v", "--verbose", dest="verbosity", action="store_const", const=1, default=default,
                        help="log more: DEBUG for run and worker, INFO for the other commands")
    volume.add_argument("-q", "--quiet", dest="verbosity", action="store_const", const=-1, default=default,
                        help="log less: WARNING for run and worker, errors only for the other commands")


def _version_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--version", action="version", version=version(), help="print memebot's version and exit")
    return parser


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="memebot", description="Make a face photo sing a song template.",
                                     parents=[_version_parser()])
    _verbosity(parser)
    commands = parser.add_subparsers(dest="command", required=True)
    defaults = {
        "checkpoint": settings.checkpoint,
        "backend": settings.backend,
        "label": settings.label,
        "templates_dir": settings.templates_dir,
        "cache_dir": settings.data_dir / "cache" / "clips",
        "signing": settings.signing_files(),
    }
    add_render_parser(commands, defaults)
    add_template_parser(commands, defaults)
    add_convert_parser(commands)
    add_verify_parser(commands)
    add_audit_parser(commands, settings)
    database = commands.add_parser("db", help="database maintenance")
    database_actions = database.add_subparsers(dest="action", required=True)
    upgrade = database_actions.add_parser("upgrade", help="apply all migrations")
    upgrade.set_defaults(handler=lambda args: _db_upgrade(settings))
    run = commands.add_parser("run", help="run the Discord and Telegram bots")
    run.set_defaults(handler=lambda args: _run(settings), service=True)
    _verbosity(run, suppress=True)
    worker = commands.add_parser("worker", help="render for a cluster's bot (needs MEMEBOT_BROKER_URL)")
    worker.set_defaults(handler=lambda args: _worker(settings), service=True)
    _verbosity(worker, suppress=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    _version_parser().parse_known_args(argv)  # --version works whatever the configuration
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"memebot: configuration error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    args = build_parser(settings).parse_args(argv)
    if getattr(args, "service", False):
        logs.configure(logs.service_setup(settings, args.verbosity))
    else:
        logs.configure(logs.terminal_setup(settings, args.verbosity))
    settings.log_notices()
    return run_handler(args)


if __name__ == "__main__":
    sys.exit(main())
