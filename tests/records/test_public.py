"""The public rule and what is shown of public records (records.public), on ingested data."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinyong.accounts.models import Organisation
from xinyong.records.models import Record
from xinyong.records.public import (
    PENALTIES,
    find_public_subject,
    latest_publicity,
    profile,
    public_record_counts,
    public_records,
    public_records_for,
    shown_record,
)
from xinyong.subjects.models import Subject

from .pipeline.helpers import citizen_id, uscc
from .test_public_fixtures import (
    BASIS,
    company,
    days_ago,
    hrss,
    land,
    licence,
    market,
    penalty,
    person,
    policy,
    var_dir,
    wage_arrears,
)

if TYPE_CHECKING:
    from pytest_django.fixtures import DjangoAssertNumQueries

__all__ = ["hrss", "market", "policy", "var_dir"]  # fixtures used by name


def withdraw(doc_no: str) -> None:
    """Mark a record withdrawn. No service withdraws records yet (objections and deletion
    come with the rights issue), so the state is set the way that service will leave it."""
    assert Record.objects.filter(doc_no=doc_no).update(state="withdrawn") == 1


@pytest.fixture
def mixed(market: Organisation, hrss: Organisation) -> Subject:
    """One company with a record of every kind: public, expired, unpublished, withdrawn,
    not public by its catalogue item, an expired licence and a current one."""
    land(
        market,
        "XZCF",
        [
            penalty("津市监罚〔2026〕1号", company(1)),
            penalty("津市监罚〔2024〕2号", company(1), decided=days_ago(2 * 365)),
            penalty("津市监罚〔2026〕3号", company(1), types="警告"),
            penalty("津市监罚〔2026〕4号", company(1)),
        ],
    )
    land(
        market,
        "XZXK",
        [
            licence("津市监许〔2026〕1号", company(1)),
            licence(
                "津市监许〔2020〕2号",
                company(1),
                decided=days_ago(6 * 365),
                valid_to=days_ago(5),
            ),
        ],
    )
    land(hrss, "TQNMGGZ", [wage_arrears("津人社处〔2026〕1号", company(1), hrss)])
    withdraw("津市监罚〔2026〕4号")
    subject = Subject.objects.get(uscc=uscc(1))
    return subject


def test_only_active_published_current_public_records_are_public(mixed: Subject) -> None:
    assert Record.objects.filter(subject=mixed).count() == 7
    assert sorted(public_records().values_list("doc_no", flat=True)) == [
        "津市监罚〔2026〕1号",
        "津市监许〔2026〕1号",
    ]


def test_the_public_rule_moves_with_the_day(mixed: Subject) -> None:
    """A record published a year from 30 days ago is gone once that year has passed."""
    later = days_ago(-400)
    assert list(public_records(today=later).values_list("doc_no", flat=True)) == [
        "津市监许〔2026〕1号"
    ]


def test_subject_page_groups_show_only_public_records(mixed: Subject) -> None:
    groups = {g.code: g for g in public_records_for(mixed)}
    assert "TQNMGGZ" not in groups  # government sharing only: not even an empty group
    assert list(groups)[:2] == ["XZXK", "XZCF"]  # catalogue order
    assert [r.doc_no for r in groups["XZCF"].records] == ["津市监罚〔2026〕1号"]
    assert groups["XZCF"].total == 1 and groups["XZXK"].total == 1
    shown = groups["XZCF"].records[0]
    assert shown.legal_basis == BASIS
    assert shown.department == "天津市市场监督管理委员会"
    assert shown.decision_date == days_ago(30)
    assert shown.published_until is not None and shown.published_until > days_ago(0)
    assert shown.values["facts"] == "经查，当事人发布虚假广告。"
    # The legal representative's ID number is shown masked, and the subject's own codes not
    # repeated in every record.
    rep_id = citizen_id(1, born="19700101")
    assert shown.values["legal_rep_id_no"] == rep_id[:6] + "********" + rep_id[-4:]
    assert "uscc" not in shown.values and "subject_name" not in shown.values
    assert groups["JYYC"].total == 0 and groups["JYYC"].records == ()


def test_counts_agree_with_pages_in_one_query(
    mixed: Subject, market: Organisation, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    land(market, "XZCF", [penalty(f"津市监罚〔2026〕{n}号", company(2)) for n in range(10, 15)])
    land(market, "XZCF", [penalty("津市监罚〔2024〕9号", company(3), decided=days_ago(800))])
    other, expired = (Subject.objects.get(uscc=uscc(n)) for n in (2, 3))
    with django_assert_num_queries(1):
        counts = public_record_counts([mixed.pk, other.pk, expired.pk, other.pk])
    assert counts == {mixed.pk: 2, other.pk: 5, expired.pk: 0}
    assert counts[mixed.pk] == sum(g.total for g in public_records_for(mixed))
    assert public_record_counts([]) == {}


def test_a_person_is_masked_everywhere_and_never_found_by_code(market: Organisation) -> None:
    number = citizen_id(7, born="19850101")
    land(
        market,
        "XZCF",
        [
            penalty(
                "津市监罚〔2026〕7号",
                person(7),
                facts="李四光在本市销售假冒商品，身份证号" + number,
            )
        ],
    )
    subject = Subject.objects.get(kind="natural_person")
    about = profile(subject)
    assert about.ref.name == "李**" and about.ref.uscc == "" and about.status == ""
    assert about.masked_id == number[:6] + "********" + number[-4:]
    record = public_records_for(subject)[1].records[0]
    masked = number[:6] + "********" + number[-4:]
    assert record.values["id_no"] == masked
    assert record.values["facts"] == f"李**在本市销售假冒商品，身份证号{masked}"
    assert record.subject.name == "李**" and record.subject.uscc == ""
    loaded = Record.objects.select_related("item", "organisation", "current_version", "subject")
    assert shown_record(loaded.get(subject=subject)) == record
    assert find_public_subject(uscc=number) is None
    assert find_public_subject(public_id=subject.public_id) == subject


def test_former_names_are_listed(market: Organisation) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕20号", company(3, "天津市旧名有限公司"))])
    land(market, "XZCF", [penalty("津市监罚〔2026〕21号", company(3, "天津市新名有限公司"))])
    subject = Subject.objects.get(uscc=uscc(3))
    about = profile(subject)
    assert about.ref.name == "天津市新名有限公司"
    assert about.former_names == ("天津市旧名有限公司",)


def test_latest_publicity_filters_and_pages(mixed: Subject, market: Organisation) -> None:
    land(
        market,
        "XZCF",
        [
            penalty(f"津市监罚〔2026〕{30 + n}号", company(30 + n), decided=days_ago(40 + n))
            for n in range(25)
        ],
    )
    first = latest_publicity(PENALTIES, per_page=10)
    assert (first.total, first.pages, first.number) == (26, 3, 1)
    assert first.rows[0].doc_no == "津市监罚〔2026〕1号"  # the most recent decision first
    dates = [r.decision_date for r in first.rows]
    assert dates == sorted(dates, reverse=True)
    last = latest_publicity(PENALTIES, per_page=10, page=99)
    assert last.number == 3 and len(last.rows) == 6 and not last.has_next
    window = latest_publicity(PENALTIES, date_from=days_ago(45), date_to=days_ago(41))
    assert window.total == 5
    assert latest_publicity(PENALTIES, department=market.uscc).total == 26
    assert latest_publicity(PENALTIES, department="11120000MB00137091").total == 0
    # The linker places a subject in the district its USCC was registered in (120101 here).
    assert latest_publicity(PENALTIES, district="120101").total == 26
    assert latest_publicity(PENALTIES, district="120116").total == 0
    assert latest_publicity("XZXK").total == 1


def test_query_counts_do_not_grow_with_records(
    market: Organisation, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕50号", company(50))])
    land(market, "XZCF", [penalty(f"津市监罚〔2026〕{n}号", company(51)) for n in range(60, 90)])
    land(market, "XZXK", [licence(f"津市监许〔2026〕{n}号", company(51)) for n in range(60, 70)])
    small, large = Subject.objects.get(uscc=uscc(50)), Subject.objects.get(uscc=uscc(51))
    counted = []
    for subject in (small, large):
        with CaptureQueriesContext(connection) as queries:
            public_records_for(subject)
        counted.append(len(queries))
    assert counted[0] == counted[1] == 3
    with django_assert_max_num_queries(3):
        page = latest_publicity(PENALTIES, per_page=50)
    assert len(page.rows) == 31


def test_a_subject_page_shows_the_most_recent_records_of_a_long_history(
    market: Organisation,
) -> None:
    land(
        market,
        "XZCF",
        [penalty(f"津市监罚〔2026〕{n}号", company(60), decided=days_ago(n)) for n in range(1, 8)],
    )
    group = public_records_for(Subject.objects.get(uscc=uscc(60)), per_item=3)[1]
    assert group.total == 7
    assert [r.doc_no for r in group.records] == [f"津市监罚〔2026〕{n}号" for n in (1, 2, 3)]
