"""The listing procedure: order of steps, deadlines in working days, who may act, audit."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from tests.lists.conftest import D, Staff, company, decision, notice
from xinyong.core import audit, calendar
from xinyong.core.models import AuditEntry, CalendarDay, CalendarYear
from xinyong.lists.models import EntryState, ListEntry, ListEntryStep, RemovalKind
from xinyong.lists.services import (
    ListError,
    decide,
    drop,
    history,
    list_directly,
    notify,
    publish,
    record_statement,
    refresh_deadlines,
    remove_by_outcome,
    remove_early,
)
from xinyong.subjects.models import SubjectKind

pytestmark = pytest.mark.django_db
MARKET = "market_serious_illegal"


def _counts() -> tuple[int, int, int]:
    return ListEntry.objects.count(), ListEntryStep.objects.count(), AuditEntry.objects.count()


def _refused(reason: str, step: Callable[[], object]) -> ListError:
    before = _counts()
    with pytest.raises(ListError) as caught:
        step()
    assert caught.value.reason == reason, caught.value
    assert _counts() == before
    return caught.value


def test_notice_statement_decision_publication(staff: Staff) -> None:
    subject = company(1)
    entry = notify(staff.market, subject=subject, list_type=MARKET, notice=notice("2026-09-30"))
    # Five working days from Wednesday 30 September 2026: the National Day holiday (1–7
    # October) does not count, the make-up Saturday 10 October does.
    assert (entry.state, entry.response_due) == (EntryState.NOTICED, D("2026-10-13"))
    assert not entry.response_due_provisional and entry.organisation == staff.market_org

    entry = record_statement(
        staff.market, entry, statement="已整改，请求从轻", received_on=D("2026-10-13")
    )
    entry = decide(staff.market, entry, decision("2026-10-14"))
    assert entry.state == EntryState.DECIDED
    assert (entry.starts_on, entry.ends_on) == (D("2026-10-14"), D("2029-10-14"))
    assert entry.removal_conditions.startswith("列入满一年")
    assert {"C01", "C02", "C03", "C04", "C05", "C06"} <= set(entry.measures)
    assert not {"C07", "J01"} & set(entry.measures)
    entry = publish(staff.market, entry, published_on=D("2026-10-15"))
    assert (entry.state, entry.published_on) == (EntryState.PUBLISHED, D("2026-10-15"))

    steps = [(step.kind, step.on) for step in history(entry)]
    assert steps == [
        ("notice", D("2026-09-30")),
        ("statement", D("2026-10-13")),
        ("decision", D("2026-10-14")),
        ("publication", D("2026-10-15")),
    ]
    actions = [e.action for e in audit.entries_for("lists.listentry", entry.public_id)]
    assert actions == [
        "list_entry.notice",
        "list_entry.statement",
        "list_entry.decide",
        "list_entry.publish",
    ]
    listed = AuditEntry.objects.filter(object_type="lists.listentry")
    assert all(
        subject.public_id in str(e.after) and subject.uscc not in str(e.after) for e in listed
    )
    assert audit.verify()[1] is None


def test_the_decision_waits_for_the_response_period(staff: Staff) -> None:
    entry = notify(staff.market, subject=company(1), list_type=MARKET, notice=notice())
    error = _refused(
        "lists.response_period", lambda: decide(staff.market, entry, decision("2026-10-13"))
    )
    assert "2026-10-13" in error.message
    _refused(
        "lists.statement_late",
        lambda: record_statement(
            staff.market, entry, statement="迟到的意见", received_on=D("2026-10-14")
        ),
    )
    assert decide(staff.market, entry, decision("2026-10-14")).state == EntryState.DECIDED


def test_steps_out_of_order_are_refused(staff: Staff) -> None:
    entry = notify(staff.market, subject=company(1), list_type=MARKET, notice=notice())
    _refused(
        "lists.wrong_state", lambda: publish(staff.market, entry, published_on=D("2026-10-20"))
    )
    _refused(
        "lists.wrong_state",
        lambda: remove_by_outcome(
            staff.market,
            entry,
            outcome="repair",
            reference="修复〔2026〕1号",
            decided_on=D("2026-10-20"),
        ),
    )
    _refused(
        "lists.before_notice",
        lambda: record_statement(
            staff.market, entry, statement="意见", received_on=D("2026-09-29")
        ),
    )
    record_statement(staff.market, entry, statement="意见", received_on=D("2026-10-09"))
    _refused(
        "lists.statement_recorded",
        lambda: record_statement(
            staff.market, entry, statement="再次", received_on=D("2026-10-10")
        ),
    )
    _refused("lists.before_statement", lambda: decide(staff.market, entry, decision("2026-10-08")))
    decided = decide(staff.market, entry, decision("2026-10-09"))
    _refused("lists.wrong_state", lambda: decide(staff.market, decided, decision("2026-10-20")))
    _refused(
        "lists.wrong_state", lambda: drop(staff.market, decided, reason="撤回", on=D("2026-10-20"))
    )
    _refused(
        "lists.before_decision",
        lambda: publish(staff.market, decided, published_on=D("2026-10-08")),
    )


def test_a_notice_can_end_without_listing(staff: Staff) -> None:
    entry = notify(staff.market, subject=company(1), list_type=MARKET, notice=notice())
    entry = drop(staff.market, entry, reason="当事人陈述申辩理由成立", on=D("2026-10-12"))
    assert entry.state == EntryState.DROPPED and entry.in_force_from is None
    _refused("lists.wrong_state", lambda: decide(staff.market, entry, decision()))


def test_only_the_deciding_department_acts(staff: Staff) -> None:
    subject = company(1)
    _refused(
        "lists.not_deciding",
        lambda: notify(staff.tax, subject=subject, list_type=MARKET, notice=notice()),
    )
    _refused(
        "lists.no_role",
        lambda: notify(staff.market_submitter, subject=subject, list_type=MARKET, notice=notice()),
    )
    entry = notify(staff.market, subject=subject, list_type=MARKET, notice=notice())
    _refused(
        "lists.other_organisation",
        lambda: record_statement(staff.tax, entry, statement="意见", received_on=D("2026-10-09")),
    )
    _refused(
        "lists.exchanged",
        lambda: notify(
            staff.market, subject=subject, list_type="court_dishonest_debtor", notice=notice()
        ),
    )
    person = company(2, SubjectKind.NATURAL_PERSON)
    _refused(
        "lists.subject_type",
        lambda: notify(staff.market, subject=person, list_type=MARKET, notice=notice()),
    )
    _refused(
        "lists.unknown_list_type",
        lambda: notify(staff.market, subject=subject, list_type="blacklist", notice=notice()),
    )


def test_bad_input_is_refused_and_nothing_written(staff: Staff) -> None:
    subject = company(1)
    _refused(
        "lists.missing",
        lambda: notify(
            staff.market, subject=subject, list_type=MARKET, notice=notice(grounds="  ")
        ),
    )
    _refused(
        "lists.future_date",
        lambda: notify(
            staff.market, subject=subject, list_type=MARKET, notice=notice("2999-01-04")
        ),
    )
    entry = notify(staff.market, subject=subject, list_type=MARKET, notice=notice())
    _refused("lists.missing", lambda: decide(staff.market, entry, decision(remedies="")))
    decide(staff.market, entry, decision())
    other = notify(staff.market, subject=subject, list_type=MARKET, notice=notice())
    _refused("lists.duplicate_doc_no", lambda: decide(staff.market, other, decision()))


def test_id_numbers_typed_into_free_text_are_masked(staff: Staff) -> None:
    grounds = "法定代表人（身份证号120101199003071234）提交虚假材料"
    entry = notify(
        staff.market, subject=company(1), list_type=MARKET, notice=notice(grounds=grounds)
    )
    assert "120101199003071234" not in entry.grounds and "120101********1234" in entry.grounds
    step = entry.steps.get()
    assert "120101199003071234" not in str(step.details)


def test_incentive_lists_are_decided_without_notice(staff: Staff) -> None:
    subject = company(1)
    _refused(
        "lists.no_notice",
        lambda: notify(staff.tax, subject=subject, list_type="tax_credit_a", notice=notice()),
    )
    _refused(
        "lists.notice_required",
        lambda: list_directly(staff.market, subject=subject, list_type=MARKET, decision=decision()),
    )
    entry = list_directly(
        staff.tax,
        subject=subject,
        list_type="tax_credit_a",
        decision=decision("2026-04-20", "A2025-1"),
    )
    assert entry.state == EntryState.DECIDED and entry.ends_on == D("2027-04-20")
    assert set(entry.measures) == {"J01", "J02", "J03", "J04", "J05", "J06", "J07"}
    assert entry.removal_conditions == "列入期限届满（2027-04-20）自动移出"


def _decided(staff: Staff, decided_on: str, served_on: str, n: int = 1) -> ListEntry:
    entry = notify(staff.market, subject=company(n), list_type=MARKET, notice=notice(served_on))
    return decide(staff.market, entry, decision(decided_on, doc_no=f"津市监列〔{n}〕号"))


def test_early_removal_only_after_the_minimum_time(staff: Staff) -> None:
    entry = _decided(staff, "2025-03-10", "2025-02-24")
    error = _refused(
        "lists.too_early",
        lambda: remove_early(
            staff.market, entry, reference="津市监移〔2026〕1号", approved_on=D("2026-03-09")
        ),
    )
    assert "2026-03-10" in error.message
    removed = remove_early(
        staff.market,
        entry,
        reference="津市监移〔2026〕1号",
        approved_on=D("2026-03-10"),
        note="已履行义务",
    )
    assert (removed.state, removed.removal_kind, removed.removed_on) == (
        EntryState.REMOVED,
        RemovalKind.EARLY,
        D("2026-03-10"),
    )
    _refused(
        "lists.wrong_state",
        lambda: remove_early(staff.market, removed, reference="again", approved_on=D("2026-04-01")),
    )


def test_lists_without_early_removal_refuse_it(staff: Staff) -> None:
    entry = list_directly(
        staff.tax,
        subject=company(1),
        list_type="tax_credit_a",
        decision=decision("2026-04-20", "A-1"),
    )
    _refused(
        "lists.no_early_removal",
        lambda: remove_early(staff.tax, entry, reference="x", approved_on=D("2026-05-01")),
    )


def test_repair_and_objection_remove_without_minimum_time(staff: Staff) -> None:
    entry = _decided(staff, "2026-10-14", "2026-09-30")
    removed = remove_by_outcome(
        staff.market,
        entry,
        outcome="objection",
        reference="异议〔2026〕3号",
        decided_on=D("2026-10-20"),
    )
    assert (removed.removal_kind, removed.removed_on) == (RemovalKind.OBJECTION, D("2026-10-20"))
    other = _decided(staff, "2026-10-14", "2026-09-30", n=2)
    _refused(
        "lists.outcome",
        lambda: remove_by_outcome(
            staff.market, other, outcome="expired", reference="x", decided_on=D("2026-10-20")
        ),
    )
    _refused(
        "lists.before_decision",
        lambda: remove_by_outcome(
            staff.market, other, outcome="repair", reference="x", decided_on=D("2026-10-13")
        ),
    )


def test_an_entry_past_its_end_cannot_be_removed_early(staff: Staff) -> None:
    entry = _decided(staff, "2023-01-05", "2022-12-20")
    assert entry.ends_on == D("2026-01-05")
    _refused(
        "lists.already_ended",
        lambda: remove_early(staff.market, entry, reference="x", approved_on=D("2026-01-05")),
    )


def test_a_deadline_in_an_unknown_year_is_provisional_until_the_year_is_loaded(
    staff: Staff,
) -> None:
    CalendarDay.objects.filter(date__year=2026).delete()
    CalendarYear.objects.filter(year=2026).delete()
    entry = notify(staff.market, subject=company(1), list_type=MARKET, notice=notice("2026-09-30"))
    # Monday to Friday stands in for the unknown year: the holiday week counts, flagged.
    assert (entry.response_due, entry.response_due_provisional) == (D("2026-10-07"), True)
    assert refresh_deadlines() == 0  # the year is still unknown

    holidays = {D("2026-10-01") + datetime.timedelta(days=n): "国庆节" for n in range(7)}
    calendar.load_year(2026, holidays, {D("2026-10-10"): "国庆节"}, "国办发明电〔2025〕7号")
    assert refresh_deadlines() == 1
    entry.refresh_from_db()
    assert (entry.response_due, entry.response_due_provisional) == (D("2026-10-13"), False)
    assert list(entry.steps.values_list("kind", flat=True)) == ["notice", "deadline"]
    _refused("lists.response_period", lambda: decide(staff.market, entry, decision("2026-10-13")))
