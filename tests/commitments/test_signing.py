"""A subject signs a commitment in its account: the form, the text to agree to, the signed
commitment published as an XYCN record through the pipeline; and every refusal leaves
nothing behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.catalog.conftest import Editor
from tests.commitments.conftest import PERSON_ID, Staff, owner, sign
from tests.rights.helpers import signed_in_client
from xinyong.commitments import services
from xinyong.commitments.models import Commitment, CommitmentEvent, CommitmentState
from xinyong.core.models import AuditEntry
from xinyong.records.models import Record, Submission
from xinyong.rights.models import Notification
from xinyong.subjects.models import Subject

pytestmark = pytest.mark.django_db

MATTER = "食品经营许可（告知承诺制）"


def _form(staff: Staff, **extra: str) -> dict[str, Any]:
    return {
        "type_code": "approval",
        "organisation": str(staff.market_org.pk),
        "matter": MATTER,
        "reference": "JSP202600009",
        "legal_rep": "王建国",
        **extra,
    }


def _counts() -> tuple[int, int, int, int]:
    return (
        Commitment.objects.count(),
        Record.objects.count(),
        Submission.objects.count(),
        AuditEntry.objects.count(),
    )


def test_a_company_reads_the_text_signs_and_it_is_public(
    client: Client, staff: Staff, firm: Subject
) -> None:
    signed_in_client(client, firm)
    form = client.get("/account/commitments/sign/")
    assert form.status_code == 200 and "审批替代型" in form.content.decode()
    assert "信用修复型（" not in form.content.decode()  # signed offline only

    preview = client.post("/account/commitments/sign/", _form(staff, step="preview"))
    page = preview.content.decode()
    shown = services.draft(
        owner(firm), type_code="approval", organisation_id=staff.market_org.pk, matter=MATTER
    )
    assert preview.status_code == 200 and "告知承诺书" in page and shown.sha256 in page
    assert f"申请人{firm.name}（{firm.uscc}）向{staff.market_org.name}申请办理{MATTER}" in page
    assert not Commitment.objects.exists()  # reading the text signs nothing

    done = client.post(
        "/account/commitments/sign/",
        _form(staff, step="sign", agreed="on", text_sha256=shown.sha256),
    )
    commitment = Commitment.objects.get()
    assert done.status_code == 302 and done["Location"].endswith(f"/{commitment.public_id}/")
    assert commitment.state == CommitmentState.IN_FORCE and commitment.is_public
    assert commitment.text == shown.text and commitment.text_sha256 == shown.sha256
    assert commitment.signed_by == owner(firm) and commitment.registered_by is None
    assert commitment.reference == "JSP202600009" and commitment.legal_rep == "王建国"

    record = Record.objects.select_related("current_version", "item").get()
    assert commitment.published_record == record and record.item.code == "XYCN"
    assert record.organisation == staff.market_org and record.subject == firm
    assert record.doc_no == commitment.number
    data = record.current_version.data if record.current_version else {}
    assert data["fulfilment"] == "履约中" and data["commitment_type"] == "审批替代型"

    assert [e.kind for e in CommitmentEvent.objects.all()] == ["sign"]
    entry = AuditEntry.objects.filter(action="commitment.sign").get()
    assert entry.object_id == commitment.public_id and entry.after is not None
    assert entry.after["subject"] == firm.public_id
    assert entry.actor_label.startswith("subject-member:")
    assert Notification.objects.filter(subject=firm, title__contains=commitment.number).exists()

    listed = client.get("/account/commitments/").content.decode()
    assert commitment.number in listed and "在履约" in listed
    detail = client.get(f"/account/commitments/{commitment.public_id}/").content.decode()
    assert shown.text.splitlines()[0] in detail and commitment.text_sha256 in detail

    public = client.get(f"/subjects/{firm.uscc}/").content.decode()
    assert commitment.number in public and "信用承诺" in public and MATTER in public


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"agreed": ""}, "请阅读承诺书并勾选同意后签署"),
        ({"text_sha256": "0" * 64}, "承诺书内容已更新"),
        ({"legal_rep": ""}, "法定代表人（负责人）姓名不能为空"),
    ],
)
def test_a_refused_signature_writes_nothing(
    client: Client, staff: Staff, firm: Subject, extra: dict[str, str], message: str
) -> None:
    signed_in_client(client, firm)
    shown = services.draft(
        owner(firm), type_code="approval", organisation_id=staff.market_org.pk, matter=MATTER
    )
    before = _counts()
    data = _form(staff, step="sign", agreed="on", text_sha256=shown.sha256)
    data.update(extra)
    answer = client.post("/account/commitments/sign/", data)
    assert answer.status_code == 400 and message in answer.content.decode()
    assert _counts() == before


@pytest.mark.parametrize(
    ("type_code", "unit", "reason"),
    [
        ("approval", "court", "commitments.organisation"),  # courts do not accept them
        ("repair", "market", "commitments.type"),  # registered by a department only
        ("nonsense", "market", "commitments.type"),
    ],
)
def test_only_account_types_and_accepting_units(
    staff: Staff, firm: Subject, type_code: str, unit: str, reason: str
) -> None:
    organisation_id = getattr(staff, unit).organisation_id
    with pytest.raises(services.CommitmentError) as caught:
        services.draft(
            owner(firm), type_code=type_code, organisation_id=organisation_id, matter="x"
        )
    assert caught.value.reason == reason


def test_a_person_signs_with_the_name_and_number_masked(
    client: Client, staff: Staff, person: Subject
) -> None:
    commitment = sign(person, staff.market_org, type_code="voluntary", matter="诚信经营网店")
    assert PERSON_ID not in commitment.text and person.name not in commitment.text
    assert person.citizen_id_masked in commitment.text and commitment.legal_rep == ""
    record = Record.objects.get()
    assert record.subject == person
    page = client.get(f"/subjects/id/{person.public_id}/").content.decode()
    assert commitment.number in page and PERSON_ID not in page and person.name not in page
    audit = " ".join(str(e.after) + e.purpose for e in AuditEntry.objects.all())
    assert PERSON_ID not in audit
    assert AuditEntry.objects.filter(action="subject.citizen_id_reveal").count() == 1


def test_a_non_public_type_is_kept_but_not_published(
    own_policy: Path, edit_yaml: Editor, client: Client, staff: Staff, firm: Subject
) -> None:
    edit_yaml("commitments.yaml", lambda d: d["types"][2].update(public=False))  # 行业自律型
    commitment = sign(firm, staff.market_org, type_code="industry", matter="餐饮行业自律公约")
    assert not commitment.is_public and commitment.published_record is None
    assert not Record.objects.exists()
    assert commitment.number not in client.get(f"/subjects/{firm.uscc}/").content.decode()


def test_another_subjects_commitment_is_not_found(
    client: Client, staff: Staff, firm: Subject, person: Subject
) -> None:
    commitment = sign(firm, staff.market_org)
    signed_in_client(client, person)
    assert client.get(f"/account/commitments/{commitment.public_id}/").status_code == 404
    assert commitment.number not in client.get("/account/commitments/").content.decode()


def test_the_account_pages_need_a_signed_in_subject(client: Client, policy: None) -> None:
    answer = client.get("/account/commitments/sign/")
    assert answer.status_code == 302 and "/account/sign-in/" in answer["Location"]
