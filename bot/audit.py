"""`memebot audit`: the audit log (admin actions, bans, reports; forget-me requests as counts) as a table or JSON."""
from __future__ import annotations

import argparse
import asyncio
import json
from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.config import Settings

if TYPE_CHECKING:  # the database modules load only when the command runs
    from bot.store.models import AuditEntry


def add_audit_parser(commands, settings: Settings) -> None:
    parser = commands.add_parser("audit", help="print the audit log: admin actions, bans, reports, forget-me counts")
    parser.add_argument("--since", type=_moment, help="only entries from this date or time on (UTC), e.g. 2026-12-01")
    parser.add_argument("--user", help="only entries by or about this person, as platform:id (e.g. telegram:123)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(handler=lambda args: print(asyncio.run(audit_report(settings, args.since, args.user,
                                                                             as_json=args.json))))


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is no date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def audit_report(settings: Settings, since: datetime | None, user: str | None, *, as_json: bool) -> str:
    """The audit log's entries, oldest first, then how many forget-me requests came in each day."""
    from bot.store.audit import FORGET_ME, audit_entries
    from bot.store.database import Database

    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            entries = await audit_entries(session, since, user)
    finally:
        await db.close()
    actions = [entry for entry in entries if entry.action != FORGET_ME]
    forgotten = Counter(entry.at.date().isoformat() for entry in entries if entry.action == FORGET_ME)
    if as_json:
        return json.dumps({"entries": [_as_dict(entry) for entry in actions], "forget_me_requests": forgotten},
                          indent=2)
    return "\n".join([*_table(actions), _forget_me_line(forgotten)])


def _as_dict(entry: AuditEntry) -> dict[str, Any]:
    return {"at": entry.at.isoformat(timespec="seconds"), "action": entry.action, "actor": entry.actor,
            "target": entry.target, "detail": entry.detail}


def _table(entries: list[AuditEntry]) -> list[str]:
    if not entries:
        return ["no audit entries"]
    rows = [("when (UTC)", "action", "actor", "target", "detail")]
    rows += [(entry.at.strftime("%Y-%m-%d %H:%M"), entry.action, entry.actor, entry.target,
              " ".join(f"{key}={value}" for key, value in (entry.detail or {}).items())) for entry in entries]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    return ["  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[4]]).rstrip()
            for row in rows]


def _forget_me_line(forgotten: Counter[str]) -> str:
    days = ", ".join(f"{day}: {count}" for day, count in sorted(forgotten.items()))
    return f"forget-me requests: {sum(forgotten.values())}" + (f" ({days})" if days else "")
