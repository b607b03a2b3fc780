"""Filing an objection: the subject's own record only, one open objection per record, the
record marked (or withheld) at once for every public surface, evidence checked, audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from tests.objections.conftest import company, land, owner, pdf_upload, penalty
from xinyong.accounts.models import Organisation
from xinyong.core.audit import entries_for
from xinyong.objections.models import Objection, ObjectionAttachment
from xinyong.objections.services import (
    ObjectionError,
    file_objection,
    open_objection_links,
    open_objections_for,
    response_due,
)
from xinyong.objections.services.common import OBJECT_TYPE
from xinyong.records.models import Record
from xinyong.records.public import public_records, shown_record, under_objection
from xinyong.rights.models import Notification

pytestmark = pytest.mark.django_db


def test_filing_marks_the_record_and_it_stays_public_marked(penalty_record: Record) -> None:
    member = owner(penalty_record.subject)
    objection = file_objection(
        member, penalty_record, "content", "罚款金额有误，实为五千元", [pdf_upload()]
    )

    assert objection.is_open and objection.mark == "marked"
    assert objection.organisation_id == penalty_record.organisation_id
    today = timezone.localdate()
    assert (objection.filed_on, (objection.due_on, objection.due_provisional)) == (
        today,
        response_due(today),
    )
    penalty_record.refresh_from_db()
    assert penalty_record.objection_mark == "marked"
    shown = (
        public_records()
        .filter(pk=penalty_record.pk)
        .select_related("item", "organisation", "current_version", "subject")
    )
    assert len(shown) == 1 and shown_record(shown[0]).under_objection
    assert open_objections_for([penalty_record.pk, 999_999]) == {penalty_record.pk}
    assert open_objection_links([penalty_record.pk]) == {penalty_record.pk: objection.public_id}
    assert under_objection([penalty_record.subject.public_id, "nobody"]) == {
        penalty_record.subject.public_id
    }

    attachment = ObjectionAttachment.objects.get(objection=objection)
    assert (attachment.position, attachment.content_type, attachment.size) == (
        1,
        "application/pdf",
        len(pdf_upload().read()),
    )
    note = Notification.objects.get(subject=penalty_record.subject)
    assert objection.number in note.title and note.link.endswith(f"/{objection.public_id}/")
    [entry] = entries_for(OBJECT_TYPE, objection.public_id)
    assert entry.action == "objection.file" and entry.after is not None
    assert entry.after["state"] == "open" and entry.after["attachments"] == [attachment.sha256]
    assert "罚款" not in str(entry.after)  # no free text in the audit log


def test_a_withheld_item_leaves_every_public_surface(withheld_record: Record) -> None:
    assert public_records().filter(pk=withheld_record.pk).exists()
    objection = file_objection(owner(withheld_record.subject), withheld_record, "content", "错误")

    assert objection.mark == "withheld"
    assert not public_records().filter(pk=withheld_record.pk).exists()
    assert under_objection([withheld_record.subject.public_id]) == set()  # withheld: nothing
    assert open_objections_for([withheld_record.pk]) == {withheld_record.pk}


def test_a_subject_cannot_object_to_anothers_record(
    penalty_record: Record, other_record: Record
) -> None:
    stranger = owner(other_record.subject)
    with pytest.raises(ObjectionError) as refused:
        file_objection(stranger, penalty_record, "content", "不是我的记录")

    assert refused.value.code == "objections.not_own_record"
    assert not Objection.objects.exists()
    penalty_record.refresh_from_db()
    assert penalty_record.objection_mark == ""


def test_one_open_objection_per_record(penalty_record: Record) -> None:
    member = owner(penalty_record.subject)
    file_objection(member, penalty_record, "content", "第一次")
    with pytest.raises(ObjectionError) as refused:
        file_objection(member, penalty_record, "period", "第二次")

    assert refused.value.code == "objections.already_open"
    assert Objection.objects.count() == 1


@pytest.mark.parametrize(
    ("ground", "reason", "reference", "code"),
    [
        ("repair_result", "修复决定有误", "", "objections.repair_reference"),
        ("content", "   ", "", "objections.missing"),
        ("content", "字" * 2001, "", "objections.too_long"),
        ("rumour", "理由", "", "objections.ground"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    penalty_record: Record, ground: str, reason: str, reference: str, code: str
) -> None:
    with pytest.raises(ObjectionError) as refused:
        file_objection(
            owner(penalty_record.subject), penalty_record, ground, reason,
            repair_reference=reference,
        )  # fmt: skip

    assert refused.value.code == code
    assert not Objection.objects.exists()


def test_a_refused_file_keeps_nothing(penalty_record: Record, var_dir: Path) -> None:
    files = [pdf_upload(), pdf_upload("伪装.pdf", b"MZ\x90\x00 not a pdf")]
    with pytest.raises(ObjectionError) as refused:
        file_objection(owner(penalty_record.subject), penalty_record, "content", "理由", files)

    assert refused.value.code == "evidence.type"
    assert not Objection.objects.exists()
    assert not [p for p in (var_dir / "evidence").rglob("*") if p.is_file()]


def test_a_repair_result_objection_names_the_repair_case(penalty_record: Record) -> None:
    objection = file_objection(
        owner(penalty_record.subject), penalty_record, "repair_result", "修复申请被错误驳回",
        repair_reference="XF2026000012",
    )  # fmt: skip

    assert objection.repair_reference == "XF2026000012"


def test_id_numbers_in_the_reason_are_masked(penalty_record: Record) -> None:
    objection = file_objection(
        owner(penalty_record.subject), penalty_record, "content",
        "法定代表人身份证号 120101197001010013 有误",
    )  # fmt: skip

    assert "120101197001010013" not in objection.reason
    assert "120101********0013" in objection.reason


def test_the_mark_is_per_record(market: Organisation) -> None:
    first_doc, second_doc = "津市监罚〔2026〕303号", "津市监罚〔2026〕304号"
    land(market, "XZCF", [penalty(first_doc, company(3)), penalty(second_doc, company(3))])
    first = Record.objects.get(doc_no=first_doc)
    second = Record.objects.get(doc_no=second_doc)
    file_objection(owner(first.subject), first, "content", "理由")

    second.refresh_from_db()
    assert second.objection_mark == ""
    assert open_objections_for([first.pk, second.pk]) == {first.pk}
