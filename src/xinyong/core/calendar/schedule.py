"""The operator's side of the calendar: load a year's schedule, show it, export it.

Each year the State Council publishes the next year's holidays; an operator turns the notice
into a calendar file (FILE_FORMAT) and loads it with `xinyong calendar load FILE` or from the
back office (`load_bytes`). The whole file is checked first, every fault named by line, path
and reason code; then each year is replaced in one transaction with an audit entry holding
the year before and after, the source, the file name and its SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from xinyong.core import audit
from xinyong.core.calendar.working_days import CalendarUnknownYear, current, weekdays_of
from xinyong.core.models import CalendarDay, CalendarYear

MAKEUP_SUFFIX = "调休上班"
FIRST_YEAR, LAST_YEAR = 1900, 2199
NAME_MAX = 60
SOURCE_MAX = 100
RANGE_MAX_DAYS = 31
FILE_MAX_BYTES = 1_000_000
MAX_DAYS_LISTED = 366
WEEKDAYS = "一二三四五六日"

FILE_FORMAT = """\
A calendar file is YAML in UTF-8, one or more years:

  source: 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）
  years:
    2027:
      holidays:            # every day off, weekends inside a holiday included
        - {name: 元旦, dates: 2027-01-01..2027-01-03}
        - {name: 春节, dates: [2027-02-05..2027-02-13]}
      workdays:            # make-up working days (调休上班): Saturdays and Sundays only
        - {name: 春节, dates: [2027-01-31, 2027-02-20]}

`dates` is a date (YYYY-MM-DD), an inclusive range (A..B, at most 31 days) or a list of them.
Every date lies in its own year, a day is listed once, and a year has at least one holiday.
Each year in the file replaces that year entirely (weekends off, weekdays on, then the file's
holidays and make-up days), all years in one audited transaction; a file with any error is
rejected with the line, the path and the reason of each, and changes nothing. A make-up day
in the year before its holiday (2018-12-29 for 元旦 2019) belongs to that earlier year: put
both years in one file (`xinyong calendar export 2018 2019` gives a file to start from).
"""


@dataclass(frozen=True)
class Problem:
    """One reason a calendar file or load was rejected, and where."""

    code: str
    message: str
    path: str = ""
    line: int | None = None

    def describe(self, origin: str = "") -> str:
        place = ":".join(p for p in (origin, str(self.line or "")) if p)
        where = ": ".join(p for p in (place, self.path) if p)
        text = f"{self.message} [{self.code}]"
        return f"{where}: {text}" if where else text


class CalendarDataError(ValueError):
    """Calendar data that cannot be loaded; nothing was changed."""

    reason = "calendar.invalid"

    def __init__(self, problems: Sequence[Problem], origin: str = "") -> None:
        self.problems = tuple(problems)
        self.origin = origin
        super().__init__("\n".join(p.describe(origin) for p in self.problems))


# -- reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class YearSummary:
    """A known year: where it came from and how its days fall."""

    year: int
    source: str
    loaded_at: datetime
    working_days: int
    off_weekdays: int  # holidays on Monday–Friday
    working_weekends: int  # make-up working days


@dataclass(frozen=True)
class SpecialDay:
    """A day that is not what its weekday suggests, or that belongs to a holiday."""

    date: date
    is_working_day: bool
    note: str

    def describe(self) -> str:
        mark = _("班") if self.is_working_day else _("休")
        return f"{self.date} 周{WEEKDAYS[self.date.weekday()]} {mark} {self.note}".rstrip()


def known_years() -> list[YearSummary]:
    """Every loaded year, oldest first."""
    snapshot = current()
    summaries = []
    for row in CalendarYear.objects.order_by("year"):
        days = snapshot.working.get(row.year, ())
        worked_weekdays = sum(1 for o in days if (o - 1) % 7 < 5)
        summaries.append(
            YearSummary(
                year=row.year,
                source=row.source,
                loaded_at=row.loaded_at,
                working_days=len(days),
                off_weekdays=len(weekdays_of(row.year)) - worked_weekdays,
                working_weekends=len(days) - worked_weekdays,
            )
        )
    return summaries


def _year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def special_days(year: int) -> list[SpecialDay]:
    """The year's holidays and make-up days (everything but plain weekdays and weekends)."""
    if not CalendarYear.objects.filter(year=year).exists():
        raise CalendarUnknownYear([year])
    rows = CalendarDay.objects.filter(date__range=_year_range(year)).order_by("date")
    return [
        SpecialDay(row.date, row.is_working_day, row.note)
        for row in rows
        if row.note or row.is_working_day != (row.date.weekday() < 5)
    ]


def _entry_lines(days: list[tuple[date, str]]) -> list[str]:
    runs: list[tuple[str, date, date]] = []
    for day, name in days:
        if runs and runs[-1][0] == name and runs[-1][2] + timedelta(days=1) == day:
            runs[-1] = (name, runs[-1][1], day)
        else:
            runs.append((name, day, day))
    return [
        f"      - {{name: {json.dumps(name, ensure_ascii=False)}, "
        f"dates: {first if first == last else f'{first}..{last}'}}}"
        for name, first, last in runs
    ]


def export_years(years: Iterable[int]) -> str:
    """The given years as a calendar file that `load_file` takes back unchanged."""
    wanted = sorted(set(years))
    sources = dict(CalendarYear.objects.filter(year__in=wanted).values_list("year", "source"))
    missing = [year for year in wanted if year not in sources]
    if missing:
        raise CalendarUnknownYear(missing)
    source = " / ".join(dict.fromkeys(sources[year] for year in wanted))
    lines = [f"source: {json.dumps(source, ensure_ascii=False)}", "years:"]
    for year in wanted:
        days = special_days(year)
        holidays = [(d.date, d.note) for d in days if not d.is_working_day]
        workdays = [(d.date, d.note.removesuffix(MAKEUP_SUFFIX)) for d in days if d.is_working_day]
        lines += [f"  {year}:", "    holidays:" + ("" if holidays else " []")]
        lines += _entry_lines(holidays)
        lines += ["    workdays:" + ("" if workdays else " []"), *_entry_lines(workdays)]
    return "\n".join(lines) + "\n"


# -- loading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Day:
    day: date
    name: str
    path: str
    line: int | None

    def where(self) -> str:
        return _("第 %(line)d 行") % {"line": self.line} if self.line else self.path


@dataclass(frozen=True)
class _YearSpec:
    year: int
    holidays: list[_Day]
    workdays: list[_Day]
    path: str = ""
    line: int | None = None


def _name_problem(name: str) -> tuple[str, str] | None:
    if not name.strip():
        return "calendar.name_empty", _("假日名称不能为空")
    if len(name.strip()) > NAME_MAX:
        return "calendar.name_too_long", _("假日名称超过 %(max)d 个字") % {"max": NAME_MAX}
    return None


def _source_problem(source: str) -> tuple[str, str] | None:
    if not source.strip():
        return "calendar.source_empty", _("必须写明来源（如国务院办公厅通知文号）")
    if len(source.strip()) > SOURCE_MAX:
        return "calendar.source_too_long", _("来源超过 %(max)d 个字") % {"max": SOURCE_MAX}
    return None


def _check_year(spec: _YearSpec) -> list[Problem]:
    """Every reason the year cannot be loaded as given."""
    if not FIRST_YEAR <= spec.year <= LAST_YEAR:
        message = _("年份 %(year)d 不在 %(first)d–%(last)d 之间")
        values: dict[str, object] = {"year": spec.year, "first": FIRST_YEAR, "last": LAST_YEAR}
        return [Problem("calendar.year_out_of_range", message % values, spec.path, spec.line)]
    problems: list[Problem] = []
    reported: set[tuple[str, str]] = set()

    def add(code: str, message: str, entry: _Day) -> None:
        # A range yields one problem, not one per day.
        if (code, entry.path) not in reported:
            reported.add((code, entry.path))
            problems.append(Problem(code, message, entry.path, entry.line))

    if not spec.holidays:
        message = _("%(year)d 年没有列出任何假日") % {"year": spec.year}
        problems.append(Problem("calendar.no_holidays", message, spec.path, spec.line))
    seen: dict[date, tuple[bool, _Day]] = {}
    for is_workday, days in ((False, spec.holidays), (True, spec.workdays)):
        for entry in days:
            if entry.day.year != spec.year:
                message = _("日期 %(date)s 不在 %(year)d 年内")
                values = {"date": entry.day, "year": spec.year}
                add("calendar.date_outside_year", message % values, entry)
                continue
            if is_workday and entry.day.weekday() < 5:
                message = _("调休上班日 %(date)s 是周%(weekday)s，不是周末")
                values = {"date": entry.day, "weekday": WEEKDAYS[entry.day.weekday()]}
                add("calendar.workday_not_weekend", message % values, entry)
            first_kind, first = seen.setdefault(entry.day, (is_workday, entry))
            if first is entry:
                continue
            values = {"date": entry.day, "where": first.where()}
            if first_kind == is_workday:
                message = _("日期 %(date)s 重复列出（另见 %(where)s）")
                add("calendar.duplicate_date", message % values, entry)
            else:
                message = _("日期 %(date)s 既是假日又是调休上班日（另见 %(where)s）")
                add("calendar.holiday_and_workday", message % values, entry)
    return problems


def _rows(spec: _YearSpec) -> list[CalendarDay]:
    holidays = {entry.day: entry.name.strip() for entry in spec.holidays}
    workdays = {entry.day: entry.name.strip() + MAKEUP_SUFFIX for entry in spec.workdays}
    first, last = _year_range(spec.year)
    rows = []
    for ordinal in range(first.toordinal(), last.toordinal() + 1):
        day = date.fromordinal(ordinal)
        if day in holidays:
            rows.append(CalendarDay(date=day, is_working_day=False, note=holidays[day]))
        elif day in workdays:
            rows.append(CalendarDay(date=day, is_working_day=True, note=workdays[day]))
        else:
            rows.append(CalendarDay(date=day, is_working_day=day.weekday() < 5, note=""))
    return rows


def _state(year: int) -> dict[str, Any] | None:
    """What the audit keeps of a year: source, counts and its non-default days."""
    row = CalendarYear.objects.filter(year=year).first()
    if row is None:
        return None
    days = CalendarDay.objects.filter(date__range=_year_range(year)).order_by("date")
    triples = list(days.values_list("date", "is_working_day", "note"))
    return {
        "source": row.source,
        "days": len(triples),
        "working_days": sum(1 for _day, worked, _note in triples if worked),
        "off_weekdays": {str(d): n for d, w, n in triples if not w and d.weekday() < 5},
        "working_weekends": {str(d): n for d, w, n in triples if w and d.weekday() >= 5},
    }


def _store(specs: Sequence[_YearSpec], source: str, origin: Mapping[str, str]) -> None:
    """Replace each year's rows and audit it, all in one transaction."""
    with transaction.atomic():
        events = []
        for spec in specs:
            before = _state(spec.year)
            CalendarDay.objects.filter(date__range=_year_range(spec.year)).delete()
            CalendarYear.objects.filter(year=spec.year).delete()
            CalendarYear.objects.create(year=spec.year, source=source.strip())
            CalendarDay.objects.bulk_create(_rows(spec), batch_size=500)
            after = {**(_state(spec.year) or {}), **origin}
            events.append(
                audit.AuditEvent("calendar.load", "calendar_year", str(spec.year), before, after)
            )
        audit.record_many(events)


def load_year(
    year: int, holidays: Mapping[date, str], workdays: Mapping[date, str], source: str
) -> YearSummary:
    """Replace `year` with these holidays (date -> name) and make-up days (date -> name)."""
    spec = _YearSpec(
        year,
        [_Day(day, name, f"holidays.{day}", None) for day, name in sorted(holidays.items())],
        [_Day(day, name, f"workdays.{day}", None) for day, name in sorted(workdays.items())],
    )
    problems = [
        Problem(*found, path=entry.path)
        for entry in (*spec.holidays, *spec.workdays)
        if (found := _name_problem(entry.name))
    ]
    if found := _source_problem(source):
        problems.append(Problem(*found, path="source"))
    problems += _check_year(spec)
    if problems:
        raise CalendarDataError(problems)
    _store([spec], source, {})
    return next(s for s in known_years() if s.year == year)


_EMPTY = yaml.SequenceNode("tag:yaml.org,2002:seq", [])
_DATE = r"\d{4}-\d{2}-\d{2}"
_DATES = re.compile(rf"({_DATE})(?:\s*\.\.\s*({_DATE}))?")


class _Reader:
    """Walks the YAML node tree, so every problem can name its line and path."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, node: yaml.Node, path: str, code: str, message: str) -> None:
        line = node.start_mark.line + 1 if node.start_mark else None
        self.problems.append(Problem(code, message, path, line))

    def mapping(
        self, node: yaml.Node, path: str, required: Sequence[str], optional: Sequence[str] = ()
    ) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, path, "calendar.not_mapping", _("这里应是键值映射"))
            return {}
        known = [*required, *optional]
        found: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
            where = f"{path}.{key}" if path else key
            if key in found:
                self.fail(key_node, where, "calendar.duplicate_key", _("键重复"))
            elif known and key not in known:
                message = _("未知的键“%(key)s”，可用的键：%(known)s")
                values = {"key": key, "known": "、".join(known)}
                self.fail(key_node, where, "calendar.unknown_key", message % values)
            else:
                found[key] = value
        for key in required:
            if key not in found:
                message = _("缺少“%(key)s”") % {"key": key}
                self.fail(node, path, "calendar.missing_key", message)
        return found

    def items(self, node: yaml.Node, path: str) -> list[tuple[yaml.Node, str]]:
        if isinstance(node, yaml.SequenceNode):
            return [(item, f"{path}[{i}]") for i, item in enumerate(node.value)]
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return []
        self.fail(node, path, "calendar.not_list", _("这里应是列表"))
        return []

    def text(self, node: yaml.Node, path: str) -> str | None:
        if isinstance(node, yaml.ScalarNode):
            return "" if node.tag == "tag:yaml.org,2002:null" else str(node.value).strip()
        self.fail(node, path, "calendar.not_text", _("这里应是文字"))
        return None

    def too_many(self, node: yaml.Node, path: str, days: list[_Day] | list[date]) -> bool:
        if len(days) <= MAX_DAYS_LISTED:
            return False
        message = _("列出的日期超过 %(max)d 天") % {"max": MAX_DAYS_LISTED}
        self.fail(node, path, "calendar.too_many_days", message)
        return True

    def dates(self, node: yaml.Node, path: str) -> list[date]:
        pieces = self.items(node, path) if isinstance(node, yaml.SequenceNode) else [(node, path)]
        if not pieces:
            self.fail(node, path, "calendar.no_dates", _("没有列出日期"))
        days: list[date] = []
        for piece, where in pieces:
            text = self.text(piece, where)
            if text is None:
                continue
            match = _DATES.fullmatch(text)
            try:
                first = date.fromisoformat(match[1]) if match else None
                last = date.fromisoformat(match[2]) if match and match[2] else first
            except ValueError:
                first = last = None
            if first is None or last is None:
                message = _("“%(text)s”不是日期（YYYY-MM-DD）或日期区间（A..B）")
                self.fail(piece, where, "calendar.bad_date", message % {"text": text})
            elif last < first:
                message = _("区间 %(first)s..%(last)s 的结束早于开始")
                values = {"first": first, "last": last}
                self.fail(piece, where, "calendar.bad_range", message % values)
            elif (last - first).days >= RANGE_MAX_DAYS:
                message = _("区间超过 %(max)d 天，请检查") % {"max": RANGE_MAX_DAYS}
                self.fail(piece, where, "calendar.range_too_long", message)
            else:
                days += [first + timedelta(days=i) for i in range((last - first).days + 1)]
                if self.too_many(piece, where, days):
                    break
        return days

    def entries(self, node: yaml.Node, path: str) -> list[_Day]:
        days: list[_Day] = []
        for item, where in self.items(node, path):
            fields = self.mapping(item, where, ("name", "dates"))
            name = self.text(fields["name"], f"{where}.name") if "name" in fields else None
            if name is None or "dates" not in fields:
                continue
            if problem := _name_problem(name):
                self.fail(fields["name"], f"{where}.name", *problem)
            line = fields["dates"].start_mark.line + 1
            for day in self.dates(fields["dates"], f"{where}.dates"):
                days.append(_Day(day, name, f"{where}.dates", line))
            if self.too_many(item, where, days):
                break
        return days

    def document(self, root: yaml.Node | None) -> tuple[str, list[_YearSpec]]:
        if root is None:
            self.problems.append(Problem("calendar.empty", _("文件是空的")))
            return "", []
        top = self.mapping(root, "", ("source", "years"))
        source = self.text(top["source"], "source") if "source" in top else None
        if source is not None and (problem := _source_problem(source)):
            self.fail(top["source"], "source", *problem)
        years = self.mapping(top["years"], "years", ()) if "years" in top else {}
        if isinstance(top.get("years"), yaml.MappingNode) and not years:
            self.fail(top["years"], "years", "calendar.no_years", _("没有列出任何年份"))
        specs = []
        for key, node in years.items():
            path = f"years.{key}"
            if not re.fullmatch(r"\d{4}", key):
                self.fail(node, path, "calendar.bad_year", _("年份应是四位数字"))
                continue
            block = self.mapping(node, path, ("holidays",), ("workdays",))
            if "holidays" not in block:
                continue
            holidays = self.entries(block["holidays"], f"{path}.holidays")
            workdays = self.entries(block.get("workdays", _EMPTY), f"{path}.workdays")
            spec = _YearSpec(int(key), holidays, workdays, path, node.start_mark.line + 1)
            self.problems += _check_year(spec)
            specs.append(spec)
        return source or "", specs


def _parse(content: bytes, origin: str) -> tuple[str, list[_YearSpec]]:
    """Read and check a calendar file (see FILE_FORMAT); CalendarDataError lists every fault."""
    if len(content) > FILE_MAX_BYTES:
        message = _("文件超过 %(max)d 字节") % {"max": FILE_MAX_BYTES}
        raise CalendarDataError([Problem("calendar.file_too_large", message)], origin)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = _("文件不是 UTF-8 编码（第 %(at)d 字节）") % {"at": exc.start}
        raise CalendarDataError([Problem("calendar.not_utf8", message)], origin) from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        message = _("YAML 语法错误：%(problem)s") % {"problem": getattr(exc, "problem", exc)}
        line = mark.line + 1 if mark is not None else None
        problem = Problem("calendar.yaml_syntax", message, line=line)
        raise CalendarDataError([problem], origin) from exc
    reader = _Reader()
    source, specs = reader.document(root)
    if reader.problems:
        raise CalendarDataError(sorted(reader.problems, key=lambda p: p.line or 0), origin)
    return source, specs


def load_bytes(content: bytes, origin: str) -> list[int]:
    """Load a calendar file's content (an upload, say); `origin` names it in errors and audit."""
    source, specs = _parse(content, origin)
    digest = hashlib.sha256(content).hexdigest()
    _store(specs, source, {"file": origin, "sha256": digest})
    return [spec.year for spec in specs]


def load_file(path: str | Path) -> list[int]:
    """Load the years in a calendar file, replacing them; the years loaded, in file order."""
    path = Path(path)
    return load_bytes(path.read_bytes(), path.name)
