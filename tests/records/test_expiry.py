"""The end of publication that comes by itself: the daily job, idempotent and correct when
late, the `xinyong expire` command (records and list entries together) and the takedown
report. Records are landed through the real pipeline; dates are relative to today, since a
run for a day in the future is refused."""

from __future__ import annotations

import datetime
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from tests.lists.conftest import Staff, decision, notice, staff
from tests.lists.conftest import company as list_company
from tests.records.test_public_fixtures import (
    company,
    days_ago,
    land,
    market,
    penalty,
    person,
    policy,
    var_dir,
)
from xinyong.accounts.models import Organisation
from xinyong.core import audit, schedules
from xinyong.core.models import AuditEntry, DailyRun
from xinyong.core.permissions import SYSTEM
from xinyong.lists.models import ListEntry
from xinyong.lists.services import (
    TakedownError,
    csv_row,
    decide,
    notify,
    takedowns,
    takedowns_per_day,
)
from xinyong.records import expiry
from xinyong.records.due_process import mark_repaired, withdraw
from xinyong.records.expiry import RECORD, ExpiryError, TakenDown, end_publications
from xinyong.records.models import Record
from xinyong.records.public import SubjectRef, public_records

__all__ = ["market", "policy", "staff", "var_dir"]  # fixtures used by name

pytestmark = pytest.mark.django_db
ONE_DAY = datetime.timedelta(days=1)
MARKET_LIST = "market_serious_illegal"


class _Undo(Exception):
    pass


def decided_to_end(days: int) -> datetime.date:
    """The decision date of a general penalty whose last day of publication is `days` ago
    (published for a year, and valid for 365 days, whichever ends first)."""
    return days_ago(days + 365)


@pytest.fixture
def world(market: Organisation) -> dict[str, Record]:
    """Penalties whose publication ended 40, 5, 4 and 3 days ago, one still in its window,
    a withdrawn and a repaired one whose window has passed, and a warning (never published)."""
    land(
        market,
        "XZCF",
        [
            penalty("期满-40", company(1), decided=decided_to_end(40)),
            penalty("期满-5", company(2), decided=decided_to_end(5)),
            penalty("期满-4", person(3), decided=decided_to_end(4)),
            penalty("期满-3", company(4), decided=decided_to_end(3)),
            penalty("公示中", company(5), decided=days_ago(30)),
            penalty("已撤销", company(6), decided=decided_to_end(20)),
            penalty("已修复", company(7), decided=decided_to_end(20)),
            penalty("警告", company(8), decided=decided_to_end(20), types="警告"),
        ],
    )
    records = {r.doc_no: r for r in Record.objects.all()}
    withdraw(records["已撤销"], reference="异议-1", organisation_id=market.pk)
    mark_repaired(records["已修复"], on=days_ago(60), reference="修复-1", organisation_id=market.pk)
    assert records["期满-3"].publication_ends == days_ago(3)
    assert not records["警告"].published
    return records


def outcome() -> dict[str, Any]:
    """Every record's recorded end, and the audit actions about each record."""
    ends = dict(Record.objects.values_list("doc_no", "publication_ended_on"))
    ids = {str(pk): doc for pk, doc in Record.objects.values_list("pk", "doc_no")}
    actions: dict[str, list[str]] = {}
    for object_id, action in AuditEntry.objects.filter(object_type="record").values_list(
        "object_id", "action"
    ):
        actions.setdefault(ids[object_id], []).append(action)
    return {"ends": ends, "actions": actions}


def test_run_late_or_twice_gives_the_same_result(world: dict[str, Record]) -> None:
    today = timezone.localdate()
    with pytest.raises(_Undo), transaction.atomic():
        # On time: the job runs every day, from six days ago to today.
        counts = [end_publications(days_ago(n)).ended for n in range(6, -1, -1)]
        assert counts == [1, 0, 1, 1, 1, 0, 0]  # 40 days ago; then -5, -4, -3 the day after
        on_time = outcome()
        raise _Undo
    assert not Record.objects.filter(publication_ended_on__isnull=False).exists()

    late = end_publications()  # the worker was down: one run today
    assert late == expiry.Takedown(today, 4)
    assert outcome() == on_time
    assert on_time["ends"] == {
        "期满-40": days_ago(39),
        "期满-5": days_ago(4),
        "期满-4": days_ago(3),
        "期满-3": days_ago(2),
        "公示中": None,
        "已撤销": None,
        "已修复": None,
        "警告": None,
    }
    assert on_time["actions"]["期满-3"] == ["record.publication_end"]
    assert on_time["actions"]["已撤销"] == ["record.withdraw"]
    assert on_time["actions"]["已修复"] == ["record.repair"]

    again = end_publications()
    assert again.ended == 0 and outcome() == on_time
    assert audit.verify()[1] is None


def test_the_audit_entry_is_the_proof(world: dict[str, Record], market: Organisation) -> None:
    end_publications()
    [entry] = audit.entries_for("record", world["期满-5"].pk)
    assert entry.action == "record.publication_end"
    assert entry.organisation_id == market.pk
    assert entry.before == {
        "publication_ends": days_ago(5).isoformat(),
        "publication_ended_on": None,
    }
    assert entry.after == {
        "publication_ends": days_ago(5).isoformat(),
        "publication_ended_on": days_ago(4).isoformat(),
    }


def test_records_in_their_window_are_untouched(world: dict[str, Record]) -> None:
    before = set(public_records().values_list("doc_no", flat=True))
    assert before == {"公示中"}  # the public rule needs no job to hide the others
    end_publications()
    current = Record.objects.get(doc_no="公示中")
    assert current.publication_ended_on is None
    assert current.updated_at == world["公示中"].updated_at
    assert set(public_records().values_list("doc_no", flat=True)) == before


def test_a_record_published_again_by_a_correction_is_ended_again(
    world: dict[str, Record], market: Organisation
) -> None:
    end_publications()
    assert Record.objects.get(doc_no="期满-40").publication_ended_on == days_ago(39)
    # A correction moves the decision, so the end, to 2 days ago: shown again until then.
    land(market, "XZCF", [penalty("期满-40", company(1), decided=decided_to_end(2))])
    corrected = Record.objects.get(doc_no="期满-40")
    assert corrected.version_count == 2 and corrected.publication_ends == days_ago(2)
    assert end_publications().ended == 1
    corrected.refresh_from_db()
    assert corrected.publication_ended_on == days_ago(1)
    entries = audit.entries_for("record", corrected.pk)
    assert [(e.before, e.after) for e in entries] == [
        (
            {"publication_ends": days_ago(40).isoformat(), "publication_ended_on": None},
            {
                "publication_ends": days_ago(40).isoformat(),
                "publication_ended_on": days_ago(39).isoformat(),
            },
        ),
        (
            {
                "publication_ends": days_ago(2).isoformat(),
                "publication_ended_on": days_ago(39).isoformat(),
            },
            {
                "publication_ends": days_ago(2).isoformat(),
                "publication_ended_on": days_ago(1).isoformat(),
            },
        ),
    ]
    assert end_publications().ended == 0


def test_it_works_in_chunks(world: dict[str, Record], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(expiry, "CHUNK", 1)
    assert end_publications().ended == 4
    rows = list(expiry.ended_records(SYSTEM, days_ago(60), days_ago(0), chunk=1))
    assert [r.doc_no for r in rows] == ["期满-40", "期满-5", "期满-4", "期满-3"]


def test_a_day_in_the_future_is_refused(world: dict[str, Record]) -> None:
    with pytest.raises(ExpiryError) as caught:
        end_publications(timezone.localdate() + ONE_DAY)
    assert caught.value.reason == "records.future_date"
    assert not Record.objects.filter(publication_ended_on__isnull=False).exists()


def _list_entry(staff: Staff, n: int, decided: datetime.date) -> ListEntry:
    """A market serious-illegal listing decided on `decided` (listed for three years)."""
    served = decided - datetime.timedelta(days=14)
    entry = notify(
        staff.market, subject=list_company(n), list_type=MARKET_LIST, notice=notice(str(served))
    )
    return decide(staff.market, entry, decision(str(decided), doc_no=f"津市监列〔期满〕{n}号"))


@pytest.fixture
def listed(world: dict[str, Record], staff: Staff) -> dict[str, ListEntry]:
    """Entries ending 3 days ago and in the future."""
    ended = _list_entry(staff, 31, days_ago(3).replace(year=days_ago(3).year - 3))
    current = _list_entry(staff, 32, days_ago(30))
    assert ended.ends_on == days_ago(3)
    return {"ended": ended, "current": current}


def test_the_command_ends_records_and_list_entries(listed: dict[str, ListEntry]) -> None:
    out = StringIO()
    call_command("expire", "--as-of", days_ago(3).isoformat(), "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "as_of": days_ago(3).isoformat(),
        "records_ended": 3,  # last days 40, 5 and 4 days ago
        "list_entries_removed": 1,
    }
    out = StringIO()
    call_command("expire", stdout=out)
    assert "结束公示信用记录 1 条" in out.getvalue()
    assert "期满移出名单条目 0 条" in out.getvalue()
    entries = dict(ListEntry.objects.values_list("public_id", "removal_kind"))
    assert entries == {listed["ended"].public_id: "expired", listed["current"].public_id: ""}
    assert Record.objects.filter(publication_ended_on__isnull=False).count() == 4
    out = StringIO()
    call_command("expire", "--json", stdout=out)  # again: nothing left
    assert json.loads(out.getvalue())["records_ended"] == 0
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("expire", "--as-of", "27/11/2026")
    with pytest.raises(CommandError, match=r"records\.future_date"):
        call_command("expire", "--as-of", "2999-01-01")


def test_the_daily_jobs_run_both(listed: dict[str, ListEntry], settings: Any) -> None:
    today = timezone.localdate()
    jobs = settings.XINYONG_DAILY_JOBS
    assert jobs["records.expire"] == "xinyong.records.expiry.daily"
    settings.XINYONG_DAILY_JOBS = {name: jobs[name] for name in ("records.expire", "lists.expire")}
    schedules.run_due(today)
    outcomes = dict(DailyRun.objects.filter(day=today).values_list("job", "outcome"))
    assert outcomes["records.expire"] == {"ended": 4}
    assert outcomes["lists.expire"]["expired"] == 1
    assert not DailyRun.objects.exclude(error="").exists()


def test_the_report_lists_what_ended_each_day(listed: dict[str, ListEntry]) -> None:
    end_publications()
    call_command("expire", stdout=StringIO())
    day = days_ago(3)  # the first day off for "期满-4" and for the expired entry
    rows = list(takedowns(SYSTEM, day, day))
    assert [(r.kind, r.doc_no, r.day) for r in rows] == [
        ("record", "期满-4", day),
        ("list_entry", "津市监列〔期满〕31号", day),
    ]
    assert rows[0].what == "行政处罚" and rows[0].department == "天津市市场监督管理委员会"
    assert rows[0].subject.name == "李**" and rows[0].subject.uscc == ""  # a person: masked
    assert rows[1].what == "市场监督管理严重违法失信名单"
    assert rows[1].subject.uscc and rows[1].reference == listed["ended"].public_id
    per_day = takedowns_per_day(SYSTEM, days_ago(60), days_ago(0))
    assert [(d.day, d.records, d.list_entries) for d in per_day] == [
        (days_ago(39), 1, 0),
        (days_ago(4), 1, 0),
        (day, 1, 1),
        (days_ago(2), 1, 0),
    ]
    out = StringIO()
    call_command("expire", "--report", "--from", day.isoformat(), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("撤下日期,类别,") and len(lines) == 3
    assert "期满-4" in lines[1] and "李**" in lines[1] and listed["ended"].public_id in lines[2]


def test_the_report_refuses_a_bad_period() -> None:
    with pytest.raises(TakedownError) as caught:
        takedowns(SYSTEM, days_ago(1), days_ago(2))
    assert caught.value.reason == "takedowns.period"
    with pytest.raises(TakedownError) as caught:
        takedowns_per_day(SYSTEM, days_ago(400), days_ago(0))
    assert caught.value.reason == "takedowns.too_long"
    with pytest.raises(CommandError, match=r"takedowns\.period"):
        call_command("expire", "--report", "--from", "2026-02-02", "--to", "2026-02-01")
    with pytest.raises(CommandError, match="--from"):
        call_command("expire", "--report")


def test_report_cells_never_run_as_formulas() -> None:
    row = TakenDown(
        day=days_ago(1),
        kind=RECORD,
        what="行政处罚",
        department="天津市市场监督管理委员会",
        doc_no='=HYPERLINK("http://example.com")',
        subject=SubjectRef(name="@SUM(A1)", kind="企业", uscc="", public_id="x"),
        reference="1",
    )
    cells = csv_row(row)
    assert cells[2:4] == ["行政处罚", "天津市市场监督管理委员会"]
    assert cells[4] == '\'=HYPERLINK("http://example.com")' and cells[5] == "'@SUM(A1)"
