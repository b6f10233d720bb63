"""Reports of abuse: anyone who sees a video may report it; the report goes to the audit log and the bot admins."""
from __future__ import annotations

from bot.config import Settings
from bot.i18n import N_
from bot.service.admin import admins_on
from bot.service.errors import UserFacingError
from bot.service.identity import UserRef
from bot.store.database import Database
from bot.store.models import AuditEntry

# The reasons a report can give, by code (the audit log's detail["reason"]) and as the reporter reads them.
REASONS = {
    "no-consent": N_("Someone's face was used without their consent"),
    "harassment": N_("It harasses or bullies someone"),
    "sexual": N_("It is sexual"),
    "deception": N_("It could deceive people"),
    "other": N_("Something else"),
}


class Reports:
    """Records reports of delivered videos; nothing is hidden automatically, the bot admins decide."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self._db = db
        self._settings = settings

    async def report(self, reporter: UserRef, job_id: int, reason: str) -> list[UserRef]:
        """Write the report to the audit log; the bot admins on the reporter's platform, to be told by DM."""
        if reason not in REASONS:
            raise UserFacingError(N_("Please pick one of the reasons: {reasons}."), reasons=", ".join(REASONS.values()))
        async with self._db.transaction() as session:
            session.add(AuditEntry(actor=str(reporter), action="report", target=f"job:{job_id}",
                                   detail={"reason": reason, "platform": reporter.platform}))
        return admins_on(self._settings, reporter.platform)
