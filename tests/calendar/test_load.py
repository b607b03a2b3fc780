"""Operator loads: a year from a file, checked first, replaced whole, audited; show and export."""

from __future__ import annotations

import hashlib
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.calendar.conftest import FILES, SEEDED
from xinyong.core import audit, calendar
from xinyong.core.models import AuditEntry, CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

D = date.fromisoformat
GOOD = FILES / "2027.yaml"


def _state() -> tuple[object, ...]:
    """Everything a load may change."""
    return (
        list(CalendarYear.objects.values_list("year", "source", "loaded_at")),
        list(CalendarDay.objects.values_list("date", "is_working_day", "note")),
        AuditEntry.objects.count(),
    )


def _codes(exc: calendar.CalendarDataError) -> list[tuple[int | None, str]]:
    return [(p.line, p.code) for p in exc.problems]


def test_load_a_year_then_use_it() -> None:
    assert calendar.load_file(GOOD) == [2027]
    assert calendar.is_working_day(D("2027-01-31"))  # Sunday, make-up day
    assert not calendar.is_working_day(D("2027-02-08"))
    assert calendar.add_working_days(D("2026-12-30"), 3) == D("2027-01-05")
    assert calendar.working_days_between(D("2027-09-30"), D("2027-10-11")) == 3  # 9-30, 10-8, 10-9
    notes = dict(CalendarDay.objects.filter(date__year=2027).values_list("date", "note"))
    assert len(notes) == 365
    assert notes[D("2027-02-05")] == "春节" and notes[D("2027-10-09")] == "国庆节调休上班"
    summary = calendar.known_years()[-1]
    assert (summary.year, summary.source) == (2027, "测试用 2027 年节假日安排（非官方）")
    assert (summary.off_weekdays, summary.working_weekends, summary.working_days) == (18, 6, 249)


def test_load_is_audited_with_before_and_after() -> None:
    calendar.load_file(GOOD)
    (first,) = audit.entries_for("calendar_year", 2027)
    assert first.action == "calendar.load" and first.before is None
    after = first.after
    assert isinstance(after, dict)
    assert after["source"] == "测试用 2027 年节假日安排（非官方）"
    assert (after["days"], after["working_days"]) == (365, 249)
    assert after["off_weekdays"]["2027-06-09"] == "端午节"
    assert after["working_weekends"]["2027-04-25"] == "劳动节调休上班"
    assert after["file"] == "2027.yaml"
    assert after["sha256"] == hashlib.sha256(GOOD.read_bytes()).hexdigest()

    calendar.load_year(2027, {D("2027-01-01"): "元旦"}, {}, "国办发明电〔2026〕1号")
    second = audit.entries_for("calendar_year", 2027)[-1]
    assert second.before == {k: v for k, v in after.items() if k not in ("file", "sha256")}
    assert second.after == {
        "source": "国办发明电〔2026〕1号",
        "days": 365,
        "working_days": 261 - 1,
        "off_weekdays": {"2027-01-01": "元旦"},
        "working_weekends": {},
    }
    assert audit.verify()[1] is None


def test_command_loads_as_a_job() -> None:
    out = StringIO()
    call_command("calendar", "load", str(GOOD), stdout=out)
    assert "已载入 2027 年" in out.getvalue()
    entry = audit.entries_for("calendar_year", 2027)[0]
    assert entry.actor_label == "job:calendar load" and entry.job_id


def test_bad_file_names_every_problem_and_changes_nothing() -> None:
    before = _state()
    with pytest.raises(calendar.CalendarDataError) as caught:
        calendar.load_file(FILES / "bad.yaml")
    assert _codes(caught.value) == [
        (6, "calendar.date_outside_year"),
        (8, "calendar.duplicate_date"),
        (9, "calendar.bad_date"),
        (10, "calendar.bad_range"),
        (11, "calendar.missing_key"),
        (13, "calendar.workday_not_weekend"),
        (13, "calendar.holiday_and_workday"),
        (14, "calendar.workday_not_weekend"),
        (15, "calendar.unknown_key"),
    ]
    text = str(caught.value)
    assert "bad.yaml:8: years.2027.holidays[2].dates: 日期 2027-02-10 重复列出" in text
    assert "2027-09-29 是周三，不是周末" in text
    with pytest.raises(CommandError, match=r"bad\.yaml:6: years\.2027\.holidays\[0\]\.dates"):
        call_command("calendar", "load", str(FILES / "bad.yaml"))
    assert _state() == before


BAD_FILES = {
    "empty": (b"", "calendar.empty"),
    "syntax": (b"source: x\nyears: [\n", "calendar.yaml_syntax"),
    "gbk": ("source: 国办\nyears: {}\n".encode("gb18030"), "calendar.not_utf8"),
    "no source": (
        b"years: {2027: {holidays: [{name: a, dates: 2027-01-01}]}}",
        "calendar.missing_key",
    ),
    "blank source": (b"source: ''\nyears: {}", "calendar.source_empty"),
    "no years": (b"source: x\nyears: {}", "calendar.no_years"),
    "short year": (b"source: x\nyears: {27: {holidays: []}}", "calendar.bad_year"),
    "old year": (b"source: x\nyears: {1800: {holidays: []}}", "calendar.year_out_of_range"),
    "no holidays": (b"source: x\nyears: {2027: {holidays: []}}", "calendar.no_holidays"),
    "year twice": (
        b"source: x\nyears:\n  2027: {holidays: [{name: a, dates: 2027-01-01}]}\n"
        b"  2027: {holidays: [{name: b, dates: 2027-01-02}]}\n",
        "calendar.duplicate_key",
    ),
    "long range": (
        b"source: x\nyears: {2027: {holidays: [{name: a, dates: 2027-01-01..2027-03-01}]}}",
        "calendar.range_too_long",
    ),
    "long name": (
        (
            "source: x\nyears: {2027: {holidays: [{name: %s, dates: 2027-01-01}]}}" % ("节" * 61)
        ).encode(),
        "calendar.name_too_long",
    ),
    "not a list": (
        b"source: x\nyears: {2027: {holidays: {name: a, dates: 2027-01-01}}}",
        "calendar.not_list",
    ),
    "too many": (
        b"source: x\nyears: {2027: {holidays: [{name: a, dates: ["
        + b", ".join([b"2027-01-01..2027-01-31"] * 12)  # 372 days, alias-bomb style
        + b"]}]}}",
        "calendar.too_many_days",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_input_is_rejected_with_its_reason(case: str) -> None:
    content, code = BAD_FILES[case]
    before = _state()
    with pytest.raises(calendar.CalendarDataError) as caught:
        calendar.load_bytes(content, f"{case}.yaml")
    assert code in [p.code for p in caught.value.problems], str(caught.value)
    assert str(caught.value).startswith(f"{case}.yaml")
    assert _state() == before


def test_a_file_loads_all_its_years_or_none(tmp_path: Path) -> None:
    bad_2028 = "  2028:\n    holidays:\n      - {name: 元旦, dates: 2027-12-31}\n"
    path = tmp_path / "two.yaml"
    path.write_text(GOOD.read_text(encoding="utf-8") + bad_2028, encoding="utf-8")
    with pytest.raises(calendar.CalendarDataError) as caught:
        calendar.load_file(path)
    assert [p.path for p in caught.value.problems] == ["years.2028.holidays[0].dates"]
    with pytest.raises(calendar.CalendarUnknownYear):
        calendar.is_working_day(D("2027-01-04"))


def test_load_year_checks_its_input() -> None:
    before = _state()
    with pytest.raises(calendar.CalendarDataError) as caught:
        calendar.load_year(
            2027,
            {D("2027-01-01"): " ", D("2028-01-01"): "元旦"},
            {D("2027-01-04"): "元旦"},
            "",
        )
    assert sorted((p.path, p.code) for p in caught.value.problems) == [
        ("holidays.2027-01-01", "calendar.name_empty"),
        ("holidays.2028-01-01", "calendar.date_outside_year"),
        ("source", "calendar.source_empty"),
        ("workdays.2027-01-04", "calendar.workday_not_weekend"),
    ]
    assert _state() == before


def test_export_loads_back_unchanged() -> None:
    text = calendar.export_years(SEEDED)
    assert '      - {name: "春节", dates: 2024-02-10..2024-02-17}' in text
    assert '      - {name: "春节", dates: 2024-02-04}' in text.split("  2024:")[1]
    rows = list(CalendarDay.objects.values_list("date", "is_working_day", "note"))
    assert calendar.load_bytes(text.encode(), "export.yaml") == list(SEEDED)
    assert list(CalendarDay.objects.values_list("date", "is_working_day", "note")) == rows
    assert len(audit.entries_for("calendar_year", 2018)) == 1


def test_show_years_and_export_commands() -> None:
    calendar.load_file(GOOD)
    out = StringIO()
    call_command("calendar", "show", "2024", stdout=out)
    lines = out.getvalue().splitlines()
    assert "2024-02-04 周日 班 春节调休上班" in lines
    assert "2024-02-12 周一 休 春节" in lines
    assert not any(line.startswith("2024-02-09") for line in lines)
    out = StringIO()
    call_command("calendar", "years", stdout=out)
    years = out.getvalue().splitlines()
    assert len(years) == len(SEEDED) + 1
    assert years[-1].startswith("2027  工作日 249  工作日放假 18  周末调休上班 6  来源 测试用")
    out = StringIO()
    call_command("calendar", "export", "2027", stdout=out)
    assert out.getvalue() == calendar.export_years([2027])
    with pytest.raises(CommandError, match="2031"):
        call_command("calendar", "show", "2031")
    with pytest.raises(CommandError, match="2031"):
        call_command("calendar", "export", "2026", "2031")
    with pytest.raises(CommandError, match="无法读取"):
        call_command("calendar", "load", str(FILES / "missing.yaml"))
