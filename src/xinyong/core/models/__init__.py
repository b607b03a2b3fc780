"""Core models: audit chain, working-day calendar, districts, irregular-code allowlist,
signing keys, daily job runs."""

from xinyong.core.models.audit import AuditEntry, AuditHead
from xinyong.core.models.calendar import CalendarDay, CalendarYear
from xinyong.core.models.geo import District, IrregularCode
from xinyong.core.models.jobs import DailyRun
from xinyong.core.models.signing import SigningKey

__all__ = [
    "AuditEntry",
    "AuditHead",
    "CalendarDay",
    "CalendarYear",
    "DailyRun",
    "District",
    "IrregularCode",
    "SigningKey",
]
