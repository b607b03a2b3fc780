"""Which records may be repaired and from when: the shortest period by severity (none for a
minor record), the candidates only (negative, active, unrepaired, the subject's own), an
application under way, ended publication, findings repaired elsewhere, and notices."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.records.test_public_fixtures import company, days_ago, land, licence
from tests.repairs.conftest import Office, land_penalty, land_wage_arrears, member_of, proof
from xinyong.accounts.models import Organisation
from xinyong.records.models import Record
from xinyong.records.own import own_records
from xinyong.records.public import public_records_for
from xinyong.repairs import services
from xinyong.repairs.services import AVAILABLE, ENDED, IN_PROGRESS, NOT_REPAIRABLE, WAITING

pytestmark = pytest.mark.django_db


def months_later(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1)


def option(record: Record) -> services.RepairOption:
    return services.repair_options(record.subject, [record.pk])[record.pk]


def test_a_general_penalty_is_repairable_three_months_after_its_decision(
    office: Office, fined: Record
) -> None:
    found = option(fined)
    assert found.status == AVAILABLE and found.may_apply
    assert found.available_from == months_later(fined.decision_date, 3) == fined.repair_from
    assert any("缴纳凭证" in line for line in found.needed)
    assert found.apply_url == f"/account/repairs/apply/{fined.pk}/"
    assert found.has_notice and found.notice_url == f"/account/repairs/notices/{fined.pk}.pdf"

    recent = land_penalty(office.market_org, 13, decided=days_ago(30))
    waiting = option(recent)
    assert waiting.status == WAITING and not waiting.may_apply and waiting.apply_url == ""
    assert waiting.available_from == months_later(recent.decision_date, 3)
    assert waiting.available_from.isoformat() in waiting.explanation


def test_a_minor_record_is_repairable_as_soon_as_its_obligations_are_met(office: Office) -> None:
    warned = land_penalty(office.market_org, 14, decided=days_ago(5), types="警告")
    assert (warned.severity, warned.published) == ("minor", False)
    found = option(warned)
    assert (found.status, found.available_from) == (AVAILABLE, warned.decision_date)
    assert any("警告" in line for line in found.needed)


def test_a_serious_listing_waits_a_year(office: Office, listed: Record) -> None:
    found = option(listed)
    assert found.status == AVAILABLE
    assert found.available_from == listed.decision_date.replace(year=listed.decision_date.year + 1)
    assert found.has_notice  # a listing decision carries a notice of repair rights too


def test_only_the_subjects_own_negative_active_unrepaired_records_are_candidates(
    office: Office, fined: Record, listed: Record
) -> None:
    market = office.market_org
    land(
        market,
        "XZXK",
        [licence("津市监许〔2026〕1号", company(12, name="天津市修复测试12有限公司"))],
    )
    permit = Record.objects.get(doc_no="津市监许〔2026〕1号")
    assert permit.subject == fined.subject
    ids = [fined.pk, permit.pk, listed.pk, 999_999]
    assert list(services.repair_options(fined.subject, ids)) == [fined.pk]
    Record.objects.filter(pk=fined.pk).update(state="withdrawn")
    assert services.repair_options(fined.subject, ids) == {}


def test_an_application_under_way_and_an_ended_publication_are_told(
    office: Office, fined: Record
) -> None:
    application = services.apply(
        member_of(fined.subject), fined.pk, performance="已缴清罚款", signer_name="张三",
        signed=True, files=[proof()],
    )  # fmt: skip
    found = option(fined)
    assert (found.status, found.application_id) == (IN_PROGRESS, application.public_id)
    assert found.application_url == f"/account/repairs/{application.public_id}/"
    old = land_penalty(office.market_org, 15, decided=days_ago(800))
    assert option(old).status == ENDED


def test_a_court_finding_is_not_repaired_here(office: Office) -> None:
    court = Organisation.objects.filter(sector="courts").order_by("pk")[0]
    row: dict[str, Any] = {
        **company(16, name="天津市修复测试16有限公司"),
        "case_no": "（2026）津01执16号",
        "court": court.name,
        "filing_date": "2026-01-15",
        "basis_doc_no": "（2025）津01民初16号",
        "basis_issuer": court.name,
        "obligation": "偿还借款本金及利息",
        "performance": "全部未履行",
        "conduct": "有履行能力而拒不履行生效法律文书确定义务",
        "published_on": "2026-04-01",
        "source_unit": court.name,
        "source_unit_uscc": court.uscc,
    }
    land(court, "SXBZX", [row])
    record = Record.objects.get(doc_no="（2026）津01执16号")
    found = option(record)
    assert found.status == NOT_REPAIRABLE and "人民法院" in found.explanation
    assert not found.has_notice and found.needed == ()


def test_options_take_ids_records_and_shown_records_in_three_queries(
    office: Office, fined: Record, django_assert_num_queries: Any
) -> None:
    shared = land_wage_arrears(office.hrss_org, 12)  # the same company, a 政务共享 record
    own = own_records(fined.subject)
    public = [r for group in public_records_for(fined.subject) for r in group.records]
    with django_assert_num_queries(3):
        by_own = services.repair_options(fined.subject, own)
    assert set(by_own) == {fined.pk, shared.pk}
    assert not by_own[shared.pk].has_notice  # neither a penalty nor a listing
    assert list(services.repair_options(fined.subject, public)) == [fined.pk]
    assert list(services.repair_options(fined.subject, [fined])) == [fined.pk]
