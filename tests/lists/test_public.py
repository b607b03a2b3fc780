"""The public rule for list entries (`lists.public`): what is public, what is shown of it,
and what it costs in queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.lists.public_fixtures import (
    FACTS,
    HIDDEN_DOCS,
    MARKET_BASIS,
    MARKET_LIST,
    MARKET_LIST_NAME,
    TAX_A,
    TAX_MAJOR,
    Listings,
    company,
    days_ago,
    listed,
    punish,
)
from xinyong.lists import public
from xinyong.lists.models import ListEntry
from xinyong.lists.services import in_force
from xinyong.portal.statistics import window

__all__ = ["listed"]  # fixtures used by name

pytestmark = pytest.mark.django_db


def test_only_published_entries_in_force_are_public(listed: Listings) -> None:
    shown = set(public.public_entries().values_list("subject_id", flat=True))
    assert shown == {listed.both.pk, listed.recent.pk, listed.person.pk}
    # Each hidden subject has an entry of its own that is not public, for its own reason.
    for subject in listed.hidden:
        assert ListEntry.objects.filter(subject=subject).exists()
        assert public.public_entries_of(subject) == []
    in_force_now = set(ListEntry.objects.filter(in_force()).values_list("subject_id", flat=True))
    assert listed.unpublished.pk in in_force_now  # in force for the checks, yet not public
    assert listed.expired.pk not in in_force_now and listed.removed.pk not in in_force_now


def test_a_publication_date_still_to_come_is_not_public(listed: Listings) -> None:
    subject = company(9)
    entry = punish(listed.market, subject, "津市监列〔2026〕9号")
    assert public.public_entries_of(subject)
    # No service records a future publication date; data loaded another way must not
    # show early either.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    ListEntry.objects.filter(pk=entry.pk).update(published_on=tomorrow)
    assert public.public_entries_of(subject) == []
    assert public.list_status([subject.public_id]) == {}


def test_a_removal_that_takes_effect_later_keeps_the_entry_public_until_then(
    listed: Listings,
) -> None:
    entry = ListEntry.objects.get(subject=listed.recent)
    later = timezone.localdate() + datetime.timedelta(days=3)
    ListEntry.objects.filter(pk=entry.pk).update(
        state="removed", removed_on=later, removed_at=timezone.now()
    )
    assert [e.doc_no for e in public.public_entries_of(listed.recent)] == ["津市监列〔2026〕2号"]
    moment = timezone.now() + datetime.timedelta(days=4)
    assert public.public_entries_of(listed.recent, at=moment) == []


def test_what_is_shown_of_an_entry(listed: Listings) -> None:
    punishment, incentive = public.public_entries_of(listed.both)
    assert (punishment.list_type, punishment.list_name) == (MARKET_LIST, MARKET_LIST_NAME)
    assert punishment.kind == "punishment" and punishment.punishment
    assert punishment.department == "天津市市场监督管理委员会"
    assert punishment.doc_no == "津市监列〔2026〕1号" and punishment.reason == FACTS
    assert punishment.starts_on == punishment.decision_date == days_ago(30)
    assert punishment.ends_on is not None and punishment.ends_on > timezone.localdate()
    assert punishment.published_on == days_ago(30)
    assert MARKET_BASIS in punishment.legal_basis
    assert punishment.decision_basis == "《市场监督管理严重违法失信名单管理办法》第九条"
    assert punishment.subject.uscc == listed.both.uscc
    assert (incentive.list_type, incentive.kind) == (TAX_A, "incentive")
    assert public.status_of([punishment, incentive]) == public.ListStatus(True, True)


def test_a_person_is_named_masked_and_addressed_by_public_id(listed: Listings) -> None:
    (entry,) = public.public_entries_of(listed.person)
    assert entry.list_type == TAX_MAJOR
    assert entry.subject.name == "王**" and entry.subject.uscc == ""
    assert entry.subject.public_id == listed.person.public_id
    assert entry.reason == "王**隐匿收入，偷税数额较大"


def test_list_status_of_a_page_of_subjects_in_one_query(listed: Listings) -> None:
    subjects = [listed.both, listed.recent, listed.person, *listed.hidden]
    with CaptureQueriesContext(connection) as queries:
        found = public.list_status(s.public_id for s in subjects)
    assert len(queries) == 1
    assert found == {
        listed.both.public_id: public.ListStatus(punishment=True, incentive=True),
        listed.recent.public_id: public.ListStatus(punishment=True),
        listed.person.public_id: public.ListStatus(punishment=True),
    }
    assert found[listed.recent.public_id].kinds == ["punishment"]
    assert public.list_status([]) == {}


def test_counts_and_list_types(listed: Listings) -> None:
    assert public.counts_by_list_type() == {MARKET_LIST: 2, TAX_A: 1, TAX_MAJOR: 1}
    with CaptureQueriesContext(connection) as queries:
        types = public.public_list_types()
    assert len(queries) <= 4
    by_code = {t.code: t for t in types}
    assert by_code[MARKET_LIST].count == 2 and by_code["customs_aeo"].count == 0
    assert by_code[MARKET_LIST].departments == ("市市场监管委",)
    assert "市高级法院" in by_code["court_dishonest_debtor"].departments  # a sector decides
    assert MARKET_BASIS in by_code[MARKET_LIST].legal_basis
    kinds = [t.kind for t in types]
    assert kinds == sorted(kinds, key=lambda k: k != "punishment")  # punishment lists first


def test_a_list_page_is_newest_first_and_filters_by_district(listed: Listings) -> None:
    page = public.list_type_page(MARKET_LIST)
    assert page is not None and page.total == 2 and page.list_type.name == MARKET_LIST_NAME
    assert [row.doc_no for row in page.rows] == ["津市监列〔2026〕2号", "津市监列〔2026〕1号"]
    assert not set(HIDDEN_DOCS) & {row.doc_no for row in page.rows}
    page = public.list_type_page(MARKET_LIST, district="120116")
    assert page is not None and [row.subject.uscc for row in page.rows] == [listed.recent.uscc]
    paged = public.list_type_page(MARKET_LIST, per_page=1, page=2)
    assert paged is not None and (paged.number, paged.pages, paged.has_previous) == (2, 2, True)
    assert [row.doc_no for row in paged.rows] == ["津市监列〔2026〕1号"]
    assert public.list_type_page("no_such_list") is None


def test_figures_by_month_and_by_list_type(listed: Listings) -> None:
    months = window(timezone.localdate(), 3)
    with CaptureQueriesContext(connection) as queries:
        figures = public.list_figures(months)
    assert len(queries) == 2
    by_kind = dict(figures.new_by_kind)
    included = {
        "punishment": [days_ago(30), days_ago(10), days_ago(20)],
        "incentive": [days_ago(60)],
    }
    for kind, dates in included.items():
        expected = [sum(1 for d in dates if d.replace(day=1) == m) for m in months]
        assert list(by_kind[kind]) == expected, kind
    counts = {row.code: row.count for row in figures.by_type}
    assert (counts[MARKET_LIST], counts[TAX_A], counts[TAX_MAJOR], counts["customs_aeo"]) == (
        2,
        1,
        1,
        0,
    )
    assert figures.total == 4
