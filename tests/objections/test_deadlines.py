"""The answer deadline in working days across holidays and make-up days, the daily
escalation of overdue objections, and the statistics the credit office watches."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from tests.objections.conftest import Staff, owner
from xinyong.core import calendar
from xinyong.core.audit import entries_for
from xinyong.core.models import DailyRun
from xinyong.core.schedules import daily_jobs, run_due
from xinyong.objections.models import Objection
from xinyong.objections.services import (
    ObjectionError,
    answer,
    daily,
    deadline_of,
    escalate_overdue,
    escalation_queue,
    file_objection,
    response_due,
    settle_deadlines,
    statistics,
    totals,
)
from xinyong.objections.services.common import OBJECT_TYPE
from xinyong.records.models import Record
from xinyong.rights.models import Notification

pytestmark = pytest.mark.django_db
D = datetime.date.fromisoformat


@pytest.mark.parametrize(
    ("filed", "due"),
    [
        # National Day 2026: 10-01..10-07 off, Saturday 10-10 worked (make-up day).
        ("2026-09-30", "2026-10-20"),
        # Mid-Autumn (09-25..09-27) and National Day in one stretch; Sunday 09-20 worked.
        ("2026-09-18", "2026-10-09"),
        # Spring Festival 2026: 02-15..02-23 off, Saturdays 02-14 and 02-28 worked.
        ("2026-02-13", "2026-03-05"),
        ("2026-02-12", "2026-03-04"),
        # An ordinary fortnight.
        ("2026-11-02", "2026-11-16"),
    ],
)
def test_deadline_counts_chinese_working_days(staff: Staff, filed: str, due: str) -> None:
    assert response_due(D(filed)) == (D(due), False)
    assert calendar.working_days_between(D(filed), D(due)) == 10


def test_deadline_into_a_year_not_loaded_is_provisional_then_settled(
    staff: Staff, penalty_record: Record
) -> None:
    assert response_due(D("2026-12-24")) == (D("2027-01-07"), True)  # Monday–Friday
    objection = file_objection(owner(penalty_record.subject), penalty_record, "content", "理由")
    Objection.objects.filter(pk=objection.pk).update(
        filed_on=D("2026-12-24"), due_on=D("2027-01-07"), due_provisional=True
    )
    assert settle_deadlines() == 0  # 2027 still unknown

    calendar.load_year(
        2027,
        {D("2027-01-01"): "元旦", **{D(f"2027-02-{d:02d}"): "春节" for d in range(5, 14)}},
        {D("2027-01-31"): "春节", D("2027-02-20"): "春节"},
        "国务院办公厅关于2027年部分节假日安排的通知（测试）",
    )
    assert settle_deadlines() == 1
    objection.refresh_from_db()
    assert (objection.due_on, objection.due_provisional) == (D("2027-01-08"), False)
    assert entries_for(OBJECT_TYPE, objection.public_id)[-1].action == "objection.deadline"
    # Spring Festival 2027 as loaded: 02-05..02-13 off, Saturday 02-20 worked.
    assert response_due(D("2027-02-04")) == (D("2027-02-25"), False)


def _overdue(record: Record, days: int = 30) -> Objection:
    """An objection filed `days` ago whose deadline has passed."""
    objection = file_objection(owner(record.subject), record, "content", "理由")
    filed = timezone.localdate() - datetime.timedelta(days=days)
    due, provisional = response_due(filed)
    Objection.objects.filter(pk=objection.pk).update(
        filed_on=filed, due_on=due, due_provisional=provisional
    )
    objection.refresh_from_db()
    return objection


def test_escalation_is_idempotent_and_catches_up(
    staff: Staff, penalty_record: Record, other_record: Record
) -> None:
    late = _overdue(penalty_record)
    on_time = file_objection(owner(other_record.subject), other_record, "content", "理由")
    today = timezone.localdate()

    assert escalate_overdue(today - datetime.timedelta(days=60)) == []
    assert escalate_overdue(today) == [late.public_id]
    assert escalate_overdue(today) == []  # run twice: nothing more
    late.refresh_from_db()
    first = late.escalated_at
    assert first is not None
    assert escalate_overdue(today) == [] and Objection.objects.get(pk=late.pk).escalated_at == first
    escalations = [
        e for e in entries_for(OBJECT_TYPE, late.public_id) if e.action == "objection.escalate"
    ]
    assert len(escalations) == 1
    told = Notification.objects.filter(subject=late.subject, title__startswith="异议已转信用办督办")
    assert told.count() == 1
    assert Objection.objects.get(pk=on_time.pk).escalated_at is None
    assert deadline_of(late).state == "overdue" and deadline_of(on_time).state in ("open", "due")
    assert list(escalation_queue(staff.credit)) == [late]
    assert list(escalation_queue(staff.market)) == []  # the credit office's queue only

    with pytest.raises(ObjectionError) as refused:
        escalate_overdue(today + datetime.timedelta(days=1))
    assert refused.value.code == "objections.future_date"


def test_escalation_runs_as_a_daily_job(staff: Staff, penalty_record: Record) -> None:
    late = _overdue(penalty_record)
    assert settings.XINYONG_DAILY_JOBS["objections.escalate"] == "xinyong.objections.services.daily"
    assert daily_jobs()["objections.escalate"] is daily

    run_due(timezone.localdate())

    run = DailyRun.objects.get(job="objections.escalate", day=timezone.localdate())
    assert run.error == "" and run.outcome == {"deadlines_settled": 0, "escalated": 1}
    assert Objection.objects.get(pk=late.pk).escalated_at is not None


def test_answered_objections_leave_the_escalation_queue(
    staff: Staff, penalty_record: Record
) -> None:
    late = _overdue(penalty_record)
    escalate_overdue()
    answer(staff.market, late, "upheld", "经核查无误")

    assert list(escalation_queue(staff.credit)) == []
    late.refresh_from_db()
    assert deadline_of(late).state == "late"


def test_statistics_per_department(
    staff: Staff, penalty_record: Record, other_record: Record
) -> None:
    late = _overdue(penalty_record, days=40)
    answer(staff.market, late, "upheld", "经核查无误")
    prompt = file_objection(owner(other_record.subject), other_record, "content", "理由")
    answer(staff.market, prompt, "withdrawn", "该处罚已撤销")
    third = _overdue(Record.objects.get(pk=penalty_record.pk))
    escalate_overdue()

    [row] = statistics(staff.credit)
    assert row.organisation == "天津市市场监督管理委员会"
    assert (row.filed, row.open, row.overdue, row.escalated) == (3, 1, 1, 1)
    assert (row.corrected, row.withdrawn, row.upheld, row.answered) == (0, 1, 1, 2)
    late.refresh_from_db()
    late_days = calendar.working_days_between(late.filed_on, timezone.localdate())
    assert sorted(row.handling_days) == [0, late_days]
    assert row.average_days == round(late_days / 2, 1)
    assert (row.on_time, row.on_time_rate) == (1, 0.5)
    assert totals([row]).filed == 3
    assert statistics(staff.market)[0].filed == 3  # its own department
    assert statistics(staff.tax) == []  # another department sees none of it
    assert statistics(staff.credit, since=timezone.localdate())[0].filed == 1
    assert third.is_open
