"""The data migration: every day of 2004–2026 as the package has it, and reversible."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import chinese_calendar
import pytest
from django.apps import apps

from tests.calendar.conftest import FILES, SEEDED, reference_is_workday
from xinyong.core import calendar
from xinyong.core.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

seed_migration = importlib.import_module("xinyong.core.migrations.0002_seed_calendar")


def test_every_seeded_day_agrees_with_the_package() -> None:
    rows = dict(CalendarDay.objects.values_list("date", "is_working_day"))
    day = date(SEEDED[0], 1, 1)
    while day.year in SEEDED:
        assert rows.pop(day) is reference_is_workday(day), day
        day += timedelta(days=1)
    assert rows == {}, "one row per day of the seeded years, nothing else"


def test_years_are_seeded_with_their_source() -> None:
    years = list(CalendarYear.objects.values_list("year", "source"))
    assert years == [(y, f"chinesecalendar {chinese_calendar.__version__}") for y in SEEDED]


def test_notes_name_the_holiday() -> None:
    notes = dict(
        CalendarDay.objects.filter(date__range=(date(2024, 2, 3), date(2024, 2, 19))).values_list(
            "date", "note"
        )
    )
    assert notes[date(2024, 2, 4)] == "春节调休上班"
    assert notes[date(2024, 2, 9)] == ""  # 除夕 2024 was a working day
    assert {notes[date(2024, 2, d)] for d in range(10, 18)} == {"春节"}
    assert notes[date(2024, 2, 18)] == "春节调休上班"
    assert notes[date(2024, 2, 19)] == ""
    victory_day = CalendarDay.objects.get(date=date(2015, 9, 3))
    assert not victory_day.is_working_day
    assert victory_day.note.startswith("中国人民抗日战争")


def test_reverse_removes_only_seeded_years_and_reapplies() -> None:
    calendar.load_file(FILES / "2027.yaml")
    CalendarYear.objects.filter(year=2025).update(source="国办发明电〔2024〕12号")

    seed_migration.unseed(apps, None)
    assert list(CalendarYear.objects.values_list("year", flat=True)) == [2025, 2027]
    assert CalendarDay.objects.count() == 365 + 365
    with pytest.raises(calendar.CalendarUnknownYear):
        calendar.is_working_day(date(2024, 2, 10))

    seed_migration.seed(apps, None)
    assert list(CalendarYear.objects.values_list("year", flat=True)) == [*SEEDED, 2027]
    assert CalendarYear.objects.get(year=2025).source == "国办发明电〔2024〕12号"
    assert CalendarDay.objects.count() == sum(
        (date(y + 1, 1, 1) - date(y, 1, 1)).days for y in [*SEEDED, 2027]
    )
    assert calendar.is_working_day(date(2024, 2, 10)) is False
