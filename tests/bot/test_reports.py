"""Reports of a video: recorded in the audit log for the bot admins of the reporter's platform, nothing hidden."""
import pytest
from sqlalchemy import select

from bot.service import UserFacingError, UserRef
from bot.store.models import AuditEntry
from tests.bot.conftest import ALICE


async def test_a_report_is_audited_and_names_the_admins_to_tell(parked_service):
    service = await parked_service(admins=frozenset({"telegram:7", "discord:42", "telegram:8"}))
    admins = await service.reports.report(ALICE, 12, "no-consent")
    assert admins == [UserRef("telegram", "7"), UserRef("telegram", "8")]
    async with service.db.transaction() as session:
        [entry] = (await session.scalars(select(AuditEntry))).all()
    assert (entry.actor, entry.action, entry.target) == ("telegram:1001", "report", "job:12")
    assert entry.detail == {"reason": "no-consent", "platform": "telegram"}


async def test_a_report_needs_a_reason_from_the_list(parked_service):
    service = await parked_service()
    with pytest.raises(UserFacingError, match="pick one of the reasons"):
        await service.reports.report(ALICE, 12, "boring")
