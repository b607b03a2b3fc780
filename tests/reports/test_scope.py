"""Who may have which report: the type narrowed by the requester's rights (public, subject,
government, a bank under consent), natural persons only for themselves."""

from __future__ import annotations

import pytest

from tests.records.test_public_fixtures import hrss, market, person, policy, var_dir
from tests.reports.content_fixtures import Orgs, busy, consent, orgs
from xinyong.accounts.models import Organisation
from xinyong.reports.services.scope import (
    AUTHORISED,
    GOVERNMENT,
    PUBLIC,
    SUBJECT,
    ReportRefused,
    Requester,
    Scope,
    decide_scope,
)
from xinyong.subjects.models import Subject, SubjectKind

__all__ = ["busy", "hrss", "market", "orgs", "policy", "var_dir"]  # fixtures used by name

PUBLIC_ITEMS = {"XZXK", "XZCF", "JYYC", "YZSX_SCJG", "SXBZX", "SXJL", "XYCN", "WBXYCN"}
"""Public items that may concern a legal person (a sample: all of them are in scope)."""


def refused(reason: str, *args: object, **kwargs: object) -> None:
    with pytest.raises(ReportRefused) as caught:
        decide_scope(*args, **kwargs)  # type: ignore[arg-type]
    assert caught.value.reason == reason


def test_the_public_sees_public_items_only(busy: Subject) -> None:
    scope = decide_scope("public", Requester.for_public(), busy)

    assert scope.audience == PUBLIC and scope.organisation_id is None
    assert set(scope.item_codes) >= PUBLIC_ITEMS
    assert not {"TQNMGGZ", "SHBXQJ", "NSXYPJ", "SBJF"} & set(scope.item_codes)
    assert "ZYZG_DX" not in scope.item_codes  # concerns natural persons only
    assert list(scope.item_codes[:2]) == ["XZXK", "XZCF"]  # catalogue order
    assert scope.evaluation == "public" and scope.lists and scope.commitments
    refused("report.audience", "full", Requester.for_public(), busy)
    refused("report.audience", "procurement", Requester.for_public(), busy)
    refused("report.type_unknown", "nonsense", Requester.for_public(), busy)


def test_the_subject_sees_every_class_of_its_full_report(busy: Subject) -> None:
    scope = decide_scope("full", Requester.for_subject("firm_admin"), busy)

    assert scope.audience == SUBJECT
    assert {"TQNMGGZ", "SHBXQJ", "NSXYPJ", "SBJF"} <= set(scope.item_codes)
    assert scope.evaluation == "reasons" and scope.objections


def test_government_sees_shared_items_for_its_purpose(busy: Subject, orgs: Orgs) -> None:
    officer = Requester.for_organisation(orgs.market, "market_officer")
    assert officer.audience == GOVERNMENT and officer.label == orgs.market.name

    scope = decide_scope("procurement", officer, busy, purpose="某某项目政府采购（TJ-2026-001）")
    assert {"TQNMGGZ", "SHBXQJ", "NSXYPJ"} <= set(scope.item_codes)
    assert scope.evaluation == "reasons" and scope.organisation_id == orgs.market.pk
    refused("report.purpose_required", "bidding", officer, busy, purpose="  ")
    refused("report.audience", "full", officer, busy)
    refused("report.audience", "financing", officer, busy)

    construction = decide_scope("construction", officer, busy, purpose="资质审查")
    assert set(construction.item_codes) == {
        "XZXK", "XZCF", "JYYC", "YZSX_AQSC", "YZSX_LDBZ", "SXBZX", "TQNMGGZ", "SHBXQJ",
    }  # fmt: skip
    public = decide_scope("public", officer, busy)
    assert not {"TQNMGGZ", "NSXYPJ"} & set(public.item_codes)


def test_a_bank_needs_an_active_consent_and_sees_only_granted_items(
    busy: Subject, orgs: Orgs
) -> None:
    lender = Requester.for_organisation(orgs.bank, "bank_officer")
    assert lender.audience == AUTHORISED
    refused("report.consent", "financing", lender, busy, purpose="流动资金贷款")
    # The public report holds nothing consent opens: a bank gets what anyone gets.
    anyone = decide_scope("public", Requester.for_public(), busy)
    assert decide_scope("public", lender, busy).item_codes == anyone.item_codes

    consent(busy, orgs.bank, ["XZCF"], days=-1)  # ended yesterday
    refused("report.consent", "financing", lender, busy, purpose="流动资金贷款")

    consent(busy, orgs.bank, ["XZCF", "NSXYPJ"])
    scope = decide_scope("financing", lender, busy, purpose="流动资金贷款")
    assert "NSXYPJ" in scope.item_codes and "SBJF" not in scope.item_codes  # not granted
    assert set(scope.item_codes) >= PUBLIC_ITEMS  # public anyway
    assert not {"TQNMGGZ", "SHBXQJ"} & set(scope.item_codes)  # government only
    assert scope.organisation_id == orgs.bank.pk and scope.evaluation == "public"
    refused("report.audience", "procurement", lender, busy, purpose="x")
    refused("report.audience", "full", lender, busy)


def test_an_organisation_cannot_pose_as_another_audience(busy: Subject, orgs: Orgs) -> None:
    posing = Requester(GOVERNMENT, orgs.bank, orgs.bank.name, "bank_officer")
    refused("report.audience", "procurement", posing, busy, purpose="x")
    nobody = Requester(AUTHORISED, None, "某机构", "")
    refused("report.audience", "public", nobody, busy)
    Organisation.objects.filter(pk=orgs.market.pk).update(is_active=False)
    orgs.market.refresh_from_db()
    refused("report.audience", "public", Requester.for_organisation(orgs.market), busy)


def test_a_natural_persons_report_is_for_that_person_only(orgs: Orgs) -> None:
    from tests.records.test_public_fixtures import land, penalty

    land(orgs.market, "XZCF", [penalty("津市监罚〔2026〕77号", person(77))])
    someone = Subject.objects.get(kind=SubjectKind.NATURAL_PERSON)

    refused("report.subject_kind", "public", Requester.for_public(), someone)
    consent(someone, orgs.bank, ["XZCF"])
    refused("report.subject_kind", "public", Requester.for_organisation(orgs.bank), someone)
    refused(
        "report.subject_kind", "procurement", Requester.for_organisation(orgs.market), someone,
        purpose="x",
    )  # fmt: skip
    refused("report.subject_kind", "procurement", Requester.for_subject(), someone, purpose="x")
    own = decide_scope("public", Requester.for_subject("li"), someone)
    assert "ZYZG_DX" in own.item_codes and own.evaluation == "none"  # persons are not graded


def test_the_scope_travels_as_json(busy: Subject, orgs: Orgs) -> None:
    scope = decide_scope("bidding", Requester.for_organisation(orgs.market), busy, purpose="x")
    assert Scope.from_data(scope.as_data()) == scope
    assert isinstance(scope.as_data()["item_codes"], list)
