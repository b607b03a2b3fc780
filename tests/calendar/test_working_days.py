"""Working-day arithmetic on real schedules, unknown years, the provisional path, the cache."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, datetime

import pytest
from django.db import transaction
from django.utils import timezone

from tests.calendar.conftest import FILES, reference_add, weekday_only
from xinyong.core import calendar
from xinyong.core.models import CalendarYear

pytestmark = pytest.mark.django_db

D = date.fromisoformat
AssertQueries = Callable[[int], AbstractContextManager[object]]


def test_spring_festival_2024() -> None:
    for day in range(10, 18):
        assert not calendar.is_working_day(date(2024, 2, day)), day
    assert calendar.is_working_day(D("2024-02-04"))  # Sunday, make-up day
    assert calendar.is_working_day(D("2024-02-18"))  # Sunday, make-up day
    assert calendar.is_working_day(D("2024-02-09"))
    assert calendar.add_working_days(D("2024-02-08"), 1) == D("2024-02-09")
    assert calendar.add_working_days(D("2024-02-09"), 1) == D("2024-02-18")
    assert calendar.add_working_days(D("2024-02-09"), 2) == D("2024-02-19")
    assert calendar.add_working_days(D("2024-02-10"), 1) == D("2024-02-18")
    assert calendar.working_days_between(D("2024-02-09"), D("2024-02-19")) == 2
    assert calendar.working_days_between(D("2024-02-19"), D("2024-02-09")) == -2


def test_national_day_2025() -> None:
    assert calendar.is_working_day(D("2025-09-28"))  # Sunday, make-up day
    assert not any(calendar.is_working_day(date(2025, 10, d)) for d in range(1, 9))
    assert calendar.is_working_day(D("2025-10-11"))  # Saturday, make-up day
    assert calendar.add_working_days(D("2025-09-26"), 1) == D("2025-09-28")
    assert calendar.add_working_days(D("2025-09-30"), 1) == D("2025-10-09")
    # a 双公示 deadline: 7 working days from a decision on 30 September
    assert calendar.add_working_days(D("2025-09-30"), 7) == D("2025-10-16")
    assert calendar.working_days_between(D("2025-09-30"), D("2025-10-16")) == 7


def test_deadline_across_new_year() -> None:
    # 12-26, 12-29, 12-30, 12-31, (1-1..1-3 off), 1-4 Sunday make-up, 1-5, 1-6
    assert calendar.add_working_days(D("2025-12-25"), 7) == D("2026-01-06")
    assert calendar.working_days_between(D("2025-12-25"), D("2026-01-06")) == 7
    assert calendar.add_working_days(D("2026-01-06"), -7) == D("2025-12-25")


def test_zero_and_negative_counts() -> None:
    assert calendar.add_working_days(D("2024-02-10"), 0) == D("2024-02-10")
    assert calendar.working_days_between(D("2024-02-10"), D("2024-02-10")) == 0
    assert calendar.add_working_days(D("2024-02-19"), -1) == D("2024-02-18")
    assert calendar.add_working_days(D("2024-02-18"), -1) == D("2024-02-09")
    assert calendar.add_working_days(D("2024-02-12"), -1) == D("2024-02-09")


@pytest.mark.parametrize(
    ("call", "years"),
    [
        (lambda: calendar.is_working_day(D("2031-01-02")), (2031,)),
        (lambda: calendar.add_working_days(D("2031-05-06"), 0), (2031,)),
        (lambda: calendar.add_working_days(D("2026-12-20"), 30), (2027,)),
        (lambda: calendar.add_working_days(D("2003-12-31"), 1), (2003,)),
        (lambda: calendar.add_working_days(D("2004-01-05"), -10), (2003,)),
        (lambda: calendar.working_days_between(D("2026-12-01"), D("2028-01-10")), (2027, 2028)),
        (
            lambda: calendar.working_days_between(D("2029-01-10"), D("2026-06-01")),
            (2027, 2028, 2029),
        ),
    ],
)
def test_unknown_year_raises_and_names_it(call: Callable[[], object], years: tuple[int]) -> None:
    with pytest.raises(calendar.CalendarUnknownYear) as caught:
        call()
    assert caught.value.years == years
    zh, en = str(caught.value).split("；")
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    assert f"{span} 年" in zh and f"for {span}:" in en
    assert isinstance(caught.value, LookupError)


def test_provisional_uses_monday_to_friday_only_where_unknown() -> None:
    assert calendar.add_working_days_provisional(D("2024-02-09"), 1) == (D("2024-02-18"), False)
    # 12-31 Thursday, then 2027 is unknown: 1 January (a Friday) counts provisionally
    assert calendar.add_working_days_provisional(D("2026-12-30"), 3) == (D("2027-01-04"), True)
    assert calendar.working_days_between_provisional(D("2026-12-30"), D("2027-01-04")) == (3, True)
    far = D("2031-03-02")
    assert calendar.add_working_days_provisional(far, 40) == (
        reference_add(far, 40, weekday_only),
        True,
    )
    assert calendar.add_working_days_provisional(far, -40) == (
        reference_add(far, -40, weekday_only),
        True,
    )

    calendar.load_file(FILES / "2027.yaml")  # the operator loads the year: recompute
    assert calendar.add_working_days_provisional(D("2026-12-30"), 3) == (D("2027-01-05"), False)
    assert calendar.add_working_days(D("2026-12-30"), 3) == D("2027-01-05")
    assert calendar.working_days_between_provisional(D("2026-12-30"), D("2027-01-04")) == (2, False)


def test_a_moment_is_not_a_day() -> None:
    with pytest.raises(TypeError):
        calendar.is_working_day(datetime(2024, 2, 10, 1, tzinfo=timezone.get_current_timezone()))
    with pytest.raises(TypeError):
        calendar.add_working_days(timezone.now(), 1)


def test_one_cheap_query_per_call_and_none_on_a_snapshot(
    django_assert_num_queries: AssertQueries,
) -> None:
    snapshot = calendar.current()
    assert calendar.current() is snapshot
    with django_assert_num_queries(1):
        calendar.add_working_days(D("2024-02-09"), 5)
    with django_assert_num_queries(0):
        for day in range(1, 29):
            snapshot.add_working_days(date(2024, 2, day), 7)
            snapshot.working_days_between(date(2016, 2, day), date(2026, 2, day))


def test_a_change_by_another_process_is_seen() -> None:
    assert calendar.is_working_day(D("2026-03-02")) and calendar.current().knows(2026)
    CalendarYear.objects.filter(year=2026).delete()  # as another worker's load would, mid-way
    with pytest.raises(calendar.CalendarUnknownYear):
        calendar.is_working_day(D("2026-03-02"))
    assert not calendar.current().knows(2026)


def test_a_rolled_back_load_is_forgotten() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        calendar.load_file(FILES / "2027.yaml")
        assert calendar.is_working_day(D("2027-01-04"))
        raise RuntimeError
    with pytest.raises(calendar.CalendarUnknownYear):
        calendar.is_working_day(D("2027-01-04"))
