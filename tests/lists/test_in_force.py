"""The point-in-time query: what the lists said at a moment, whatever happened later."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.lists.conftest import D, Staff, company, decision, notice
from xinyong.lists.models import ListEntry
from xinyong.lists.services import (
    decide,
    entries_in_force,
    in_force,
    list_state,
    notify,
    publish,
    remove_by_outcome,
)

pytestmark = pytest.mark.django_db
MARKET = "market_serious_illegal"


def test_as_of_answers_what_the_lists_said_then(staff: Staff) -> None:
    subject = company(1)
    entry = notify(staff.market, subject=subject, list_type=MARKET, notice=notice())
    noticed = timezone.now()
    entry = decide(staff.market, entry, decision("2026-10-14"))
    decided = timezone.now()
    publish(staff.market, entry, published_on=D("2026-10-15"))
    published = timezone.now()
    remove_by_outcome(
        staff.market,
        entry,
        outcome="repair",
        reference="修复〔2026〕9号",
        decided_on=D("2026-10-20"),
    )
    removed = timezone.now()

    assert entries_in_force([subject.pk], noticed) == {}  # a notice lists nobody
    (at_decision,) = entries_in_force([subject.pk], decided)[subject.pk]
    assert (at_decision.list_type, at_decision.list_kind) == (MARKET, "punishment")
    assert at_decision.doc_no == "津市监列〔2026〕1号" and at_decision.starts_on == D("2026-10-14")
    assert not at_decision.published  # the publication was recorded later
    (at_publication,) = entries_in_force([subject.pk], published)[subject.pk]
    assert at_publication.published and at_publication.public_id == entry.public_id
    assert entries_in_force([subject.pk], removed) == {}
    assert entries_in_force([subject.pk]) == {}
    assert list_state(noticed) < list_state(decided) < list_state(published) < list_state(removed)
    for moment in (noticed, decided, published, removed):  # the query and the filter agree
        by_filter = set(
            ListEntry.objects.filter(in_force(moment)).values_list("public_id", flat=True)
        )
        by_query = {e.public_id for e in entries_in_force([subject.pk], moment).get(subject.pk, [])}
        assert by_filter == by_query
    assert list_state(decided) == list_state(decided)
    assert list_state(timezone.now() - datetime.timedelta(days=3650)) == 0


def test_an_entry_past_its_end_never_counts_even_before_expiry_runs(staff: Staff) -> None:
    old = company(1)
    entry = notify(staff.market, subject=old, list_type=MARKET, notice=notice("2022-12-20"))
    decide(staff.market, entry, decision("2023-01-05", doc_no="旧-1"))  # ended 2026-01-05
    current = company(2)
    entry = notify(staff.market, subject=current, list_type=MARKET, notice=notice())
    decide(staff.market, entry, decision("2026-10-14", doc_no="新-1"))

    found = entries_in_force([old.pk, current.pk])
    assert list(found) == [current.pk]
    # At a moment of 2025 the 2023 decision had not been recorded yet: nothing then either.
    assert entries_in_force([old.pk], timezone.now() - datetime.timedelta(days=400)) == {}


def test_the_query_is_one_statement_per_chunk_of_subjects(staff: Staff) -> None:
    subjects = [company(n) for n in range(1, 4)]
    for n, subject in enumerate(subjects[:2], start=1):
        entry = notify(staff.market, subject=subject, list_type=MARKET, notice=notice())
        decide(staff.market, entry, decision(doc_no=f"批量-{n}"))
    ids = [s.pk for s in subjects] + list(range(10_000_000, 10_001_000))
    with CaptureQueriesContext(connection) as queries:
        found = entries_in_force(ids)
    assert len(queries) == 2  # 1,003 ids: two chunks of at most 900
    assert sorted(found) == sorted(s.pk for s in subjects[:2])


def test_a_naive_moment_is_refused(staff: Staff) -> None:
    with pytest.raises(ValueError, match="aware"):
        entries_in_force([1], datetime.datetime(2026, 1, 1))
