"""`memebot audit`: admin actions, bans and reports as a table or JSON; forget-me requests only as counts."""
import asyncio
import json
from datetime import UTC, datetime, timedelta

from bot.cli import main
from tests.bot.conftest import ADMIN, ALICE, BOB, consenting


async def _memebot(monkeypatch, settings, *argv: str) -> str:
    monkeypatch.setenv("MEMEBOT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MEMEBOT_DATABASE_URL", settings.database_url)
    return await asyncio.to_thread(main, list(argv))


async def _logged_service(parked_service):
    service = await parked_service()
    await service.admin.ban(ADMIN, ALICE)
    await service.reports.report(BOB, 7, "no-consent")
    await consenting(service, BOB)
    await service.privacy.forget_me(BOB)
    return service


async def test_the_table_lists_bans_and_reports_and_counts_forget_me_requests(parked_service, monkeypatch, capsys):
    service = await _logged_service(parked_service)
    assert await _memebot(monkeypatch, service.settings, "audit") == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split() == ["when", "(UTC)", "action", "actor", "target", "detail"]
    assert lines[1].split()[2:] == ["ban", "discord:42", "telegram:1001"]
    assert lines[2].split()[2:] == ["report", "telegram:1002", "job:7", "reason=no-consent", "platform=telegram"]
    today = datetime.now(UTC).date().isoformat()
    assert lines[3] == f"forget-me requests: 1 ({today}: 1)"
    assert len(lines) == 4  # the forget-me request is a count, never a row naming who asked


async def test_json_filtered_by_user_and_date(parked_service, monkeypatch, capsys):
    service = await _logged_service(parked_service)
    assert await _memebot(monkeypatch, service.settings, "audit", "--json", "--user", "telegram:1002") == 0
    report = json.loads(capsys.readouterr().out)
    assert [(entry["action"], entry["target"], entry["detail"]) for entry in report["entries"]] == [
        ("report", "job:7", {"reason": "no-consent", "platform": "telegram"})]
    assert report["forget_me_requests"] == {}
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert await _memebot(monkeypatch, service.settings, "audit", "--since", tomorrow) == 0
    assert capsys.readouterr().out.strip().splitlines() == ["no audit entries", "forget-me requests: 0"]
