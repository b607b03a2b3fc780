"""Core models: audit chain, working-day calendar, districts, irregular-code allowlist."""

from xinyong.core.models.audit import AuditEntry, AuditHead
from xinyong.core.models.calendar import CalendarDay, CalendarYear
from xinyong.core.models.geo import District, IrregularCode

__all__ = ["AuditEntry", "AuditHead", "CalendarDay", "CalendarYear", "District", "IrregularCode"]
