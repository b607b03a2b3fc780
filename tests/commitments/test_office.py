"""The accepting unit's side: registering a commitment signed on paper (a company by its
USCC, a person by the ID number), recording fulfilment or a breach — whose negative record
shows on the subject page with its legal basis — or withdrawing it; and nobody else may."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client

from tests.commitments.conftest import PERSON_ID, PERSON_NAME, Staff, register, sign
from xinyong.accounts.models import User
from xinyong.commitments import services
from xinyong.commitments.models import Commitment, CommitmentState
from xinyong.core.models import AuditEntry
from xinyong.core.permissions import Viewer
from xinyong.records.models import Record, RecordState
from xinyong.subjects.models import Subject

pytestmark = pytest.mark.django_db

BREACH_DOC = "津市监诺认〔2026〕7号"
FACTS = "经现场核查，生产场所不具备承诺的卫生条件，且未在承诺期限内补交相关材料。"
BASIS = "国务院办公厅关于加快推进社会信用体系建设构建以信用为基础的新型监管机制的指导意见"


def _office(client: Client, username: str) -> Client:
    client.force_login(User.objects.get(username=username))
    return client


def _published(commitment: Commitment) -> Record:
    assert commitment.published_record is not None
    return Record.objects.select_related("current_version").get(pk=commitment.published_record.pk)


def _xycn(commitment: Commitment) -> dict[str, object]:
    record = _published(commitment)
    assert record.current_version is not None
    return dict(record.current_version.data) | {"versions": record.version_count}


def test_a_department_registers_a_company_commitment(
    client: Client, staff: Staff, firm: Subject
) -> None:
    _office(client, "market_reviewer")
    answer = client.post(
        "/office/commitments/register/",
        {
            "code": firm.uscc,
            "name": firm.name,
            "type_code": "repair",
            "matter": "津市监罚〔2026〕5号行政处罚信息",
            "legal_rep": "王建国",
            "checked": "on",
        },
    )
    commitment = Commitment.objects.get()
    assert answer.status_code == 302 and commitment.public_id in answer["Location"]
    assert commitment.channel == "office" and commitment.registered_by is not None
    assert commitment.organisation == staff.market_org and commitment.type_name == "信用修复型"
    assert _xycn(commitment)["fulfilment"] == "履约中"
    assert AuditEntry.objects.filter(action="commitment.register").count() == 1
    page = client.get(f"/office/commitments/{commitment.public_id}/").content.decode()
    assert "信用修复承诺书" in page and "确认履约" in page and "认定违诺" in page


def test_a_person_is_registered_by_id_number_and_created_by_the_linkage(
    client: Client, staff: Staff, policy: None
) -> None:
    _office(client, "market_reviewer")
    form = {
        "code": PERSON_ID,
        "name": PERSON_NAME,
        "type_code": "voluntary",
        "matter": "依法诚信经营",
        "checked": "on",
    }
    refused = client.post("/office/commitments/register/", form | {"checked": ""})
    assert refused.status_code == 400 and PERSON_ID not in refused.content.decode()
    done = client.post("/office/commitments/register/", form)
    assert done.status_code == 302 and PERSON_ID not in done["Location"]
    commitment = Commitment.objects.select_related("subject").get()
    person = commitment.subject
    assert person.is_person and person.citizen_id_hash and PERSON_ID not in person.citizen_id_masked
    for page in (
        client.get("/office/commitments/").content.decode(),
        client.get(f"/office/commitments/{commitment.public_id}/").content.decode(),
        client.get(f"/subjects/id/{person.public_id}/").content.decode(),
    ):
        assert PERSON_ID not in page and person.citizen_id_masked in page
    audit = " ".join(f"{e.before}{e.after}{e.purpose}" for e in AuditEntry.objects.all())
    assert PERSON_ID not in audit


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"name": "另一家有限公司"}, "commitments.name_mismatch"),
        ({"code": "123"}, "commitments.code"),
        ({"legal_rep": ""}, "commitments.missing"),
        ({"checked": False}, "commitments.not_checked"),
        ({"type_code": "unknown"}, "commitments.type"),
    ],
)
def test_a_bad_registration_is_refused_and_writes_nothing(
    staff: Staff, firm: Subject, overrides: dict[str, object], reason: str
) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(services.CommitmentError) as caught:
        register(staff.market, firm, **overrides)
    assert caught.value.reason == reason
    assert not Commitment.objects.exists() and not Record.objects.exists()
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("who", "reason"),
    [
        ("market_submitter", "commitments.no_role"),
        ("court", "commitments.not_accepting"),
    ],
)
def test_only_acting_staff_of_an_accepting_unit_register(
    staff: Staff, firm: Subject, who: str, reason: str
) -> None:
    with pytest.raises(services.CommitmentError) as caught:
        register(getattr(staff, who), firm)
    assert caught.value.reason == reason


def test_fulfilment_versions_the_published_record(
    client: Client, staff: Staff, firm: Subject
) -> None:
    commitment = sign(firm, staff.market_org)
    _office(client, "market_reviewer")
    answer = client.post(
        f"/office/commitments/{commitment.public_id}/fulfil/", {"fulfil-note": "材料已按期补齐"}
    )
    assert answer.status_code == 302
    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.FULFILLED and commitment.closed_on is not None
    assert _xycn(commitment)["fulfilment"] == "履约" and _xycn(commitment)["versions"] == 2
    assert [e.kind for e in services.history(commitment)] == ["sign", "fulfil"]
    assert "已履约" in client.get(f"/office/commitments/{commitment.public_id}/").content.decode()
    with pytest.raises(services.CommitmentError, match="已履约"):
        services.fulfil(staff.market, commitment)


def test_a_breach_lands_a_negative_record_with_its_legal_basis_on_the_subject_page(
    client: Client, staff: Staff, firm: Subject
) -> None:
    commitment = sign(firm, staff.market_org)
    _office(client, "market_reviewer")
    answer = client.post(
        f"/office/commitments/{commitment.public_id}/breach/",
        {"breach-doc_no": BREACH_DOC, "breach-facts": FACTS},
    )
    assert answer.status_code == 302
    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.BREACHED and commitment.breach_doc_no == BREACH_DOC
    assert _xycn(commitment)["fulfilment"] == "未履约"
    assert commitment.breach_record is not None
    negative = Record.objects.select_related("item").get(pk=commitment.breach_record.pk)
    assert negative.item.code == "WBXYCN" and negative.item.polarity == "negative"
    assert negative.doc_no == BREACH_DOC and negative.subject == firm and negative.published
    assert negative.organisation == staff.market_org and negative.severity == "general"
    assert AuditEntry.objects.filter(action="commitment.breach").count() == 1

    client.logout()
    page = client.get(f"/subjects/{firm.uscc}/").content.decode()
    group = page[page.index('id="item-WBXYCN"') :]
    assert "违背信用承诺" in group and BREACH_DOC in group and FACTS in group
    assert f"《{BASIS}（国办发〔2019〕35号）》第二部分第（一）项" in group
    assert "《天津市社会信用条例》" in group
    assert commitment.number in group  # the commitment it broke
    published = page[page.index('id="item-XYCN"') : page.index('id="item-WBXYCN"')]
    assert commitment.number in published and "未履约" in published


def test_a_breach_needs_a_decision_number_and_facts(staff: Staff, firm: Subject) -> None:
    commitment = sign(firm, staff.market_org)
    for doc_no, facts in (("", FACTS), (BREACH_DOC, " ")):
        with pytest.raises(services.CommitmentError, match="不能为空"):
            services.breach(staff.market, commitment, doc_no=doc_no, facts=facts)
    assert Record.objects.count() == 1  # the XYCN record only
    services.breach(staff.market, commitment, doc_no=BREACH_DOC, facts=FACTS)
    other = sign(firm, staff.market_org, matter="食品生产许可（告知承诺制）")
    with pytest.raises(services.CommitmentError) as caught:
        services.breach(staff.market, other, doc_no=BREACH_DOC, facts=FACTS)
    assert caught.value.reason == "commitments.doc_no_used"
    other.refresh_from_db()
    assert other.state == CommitmentState.IN_FORCE and Record.objects.count() == 3


def test_another_unit_cannot_act_on_a_commitment(
    client: Client, staff: Staff, firm: Subject
) -> None:
    commitment = sign(firm, staff.market_org)
    steps: list[Callable[[Viewer], Commitment]] = [
        lambda v: services.fulfil(v, commitment),
        lambda v: services.breach(v, commitment, doc_no=BREACH_DOC, facts=FACTS),
        lambda v: services.withdraw(v, commitment, reason="登记错误"),
    ]
    for step in steps:
        with pytest.raises(services.CommitmentError) as caught:
            step(staff.tax)
        assert caught.value.reason == "commitments.other_unit"
        with pytest.raises(services.CommitmentError) as caught:
            step(staff.credit)  # the credit office oversees, it does not act for the unit
        assert caught.value.reason == "commitments.other_unit"
    _office(client, "tax_operator")
    assert client.get(f"/office/commitments/{commitment.public_id}/").status_code == 404
    posted = client.post(f"/office/commitments/{commitment.public_id}/fulfil/", {})
    assert posted.status_code == 404
    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.IN_FORCE
    _office(client, "credit_operator")
    seen = client.get(f"/office/commitments/{commitment.public_id}/").content.decode()
    assert commitment.number in seen and "认定违诺" not in seen


def test_a_withdrawn_commitment_leaves_the_public_page(
    client: Client, staff: Staff, firm: Subject
) -> None:
    commitment = sign(firm, staff.market_org)
    services.withdraw(staff.market, commitment, reason="申请人撤回许可申请")
    commitment.refresh_from_db()
    record = _published(commitment)
    assert commitment.state == CommitmentState.WITHDRAWN and record.state == RecordState.WITHDRAWN
    assert commitment.number not in client.get(f"/subjects/{firm.uscc}/").content.decode()


def test_steps_refuse_dates_outside_the_commitment(staff: Staff, firm: Subject) -> None:
    commitment = sign(firm, staff.market_org)
    day = commitment.signed_on
    for on, reason in (
        (day - datetime.timedelta(days=1), "commitments.date_order"),
        (day + datetime.timedelta(days=1), "commitments.future_date"),
    ):
        with pytest.raises(services.CommitmentError) as caught:
            services.fulfil(staff.market, commitment, on=on)
        assert caught.value.reason == reason
    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.IN_FORCE
