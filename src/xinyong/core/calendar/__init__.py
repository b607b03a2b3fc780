"""The Chinese working-day calendar: which days are worked, deadlines, and operator loads.

Deadlines count Chinese working days (RULES.md): weekends and statutory holidays are off,
make-up working days (调休上班) are on. The schedule lives in CalendarYear/CalendarDay, seeded
from the `chinesecalendar` package by migration and extended each year by an operator from the
State Council's notice. A date in a year that is not loaded raises CalendarUnknownYear: nothing
falls back to Monday–Friday silently. Workflows that must not fail a subject for that reason
use the `*_provisional` functions, show the result as provisional, and recompute it once the
year is loaded. `working_days` holds the arithmetic and its counting rules; `schedule` the
loading, showing and exporting of years.
"""

from xinyong.core.calendar.schedule import (
    FILE_FORMAT,
    MAKEUP_SUFFIX,
    CalendarDataError,
    Problem,
    SpecialDay,
    YearSummary,
    export_years,
    known_years,
    load_bytes,
    load_file,
    load_year,
    special_days,
)
from xinyong.core.calendar.working_days import (
    CalendarUnknownYear,
    WorkingCalendar,
    add_working_days,
    add_working_days_provisional,
    current,
    is_working_day,
    working_days_between,
    working_days_between_provisional,
)

__all__ = [
    "FILE_FORMAT",
    "MAKEUP_SUFFIX",
    "CalendarDataError",
    "CalendarUnknownYear",
    "Problem",
    "SpecialDay",
    "WorkingCalendar",
    "YearSummary",
    "add_working_days",
    "add_working_days_provisional",
    "current",
    "export_years",
    "is_working_day",
    "known_years",
    "load_bytes",
    "load_file",
    "load_year",
    "special_days",
    "working_days_between",
    "working_days_between_provisional",
]
