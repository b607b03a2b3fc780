"""Answering an objection: only the source department, every outcome clears the mark and
issues the written reply; a correction is a new version made by the ingestion pipeline."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.objections.conftest import Staff, owner
from xinyong.core.audit import entries_for
from xinyong.objections.models import Objection
from xinyong.objections.services import (
    ObjectionError,
    answer,
    current_values,
    file_objection,
    reply_of,
    reply_pdf,
)
from xinyong.objections.services.common import OBJECT_TYPE
from xinyong.records.models import EventKind, Record, RecordEvent, Submission
from xinyong.records.public import public_records, shown_record
from xinyong.rights.models import Notification

pytestmark = pytest.mark.django_db

REPLY = "经核查，该处罚决定书载明的事实和罚款金额与原件一致。"


def _objection(record: Record) -> Objection:
    return file_objection(owner(record.subject), record, "content", "罚款金额有误")


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_upheld_clears_the_mark_and_issues_the_reply(staff: Staff, penalty_record: Record) -> None:
    objection = answer(staff.market, _objection(penalty_record), "upheld", REPLY)

    assert objection.state == "upheld" and objection.answered_on is not None
    assert objection.answered_by is not None and objection.answered_by.username == "market_reviewer"
    penalty_record.refresh_from_db()
    assert penalty_record.objection_mark == "" and penalty_record.version_count == 1
    assert public_records().filter(pk=penalty_record.pk).exists()
    content = reply_pdf(objection)
    assert content is not None and content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == objection.reply_sha256
    text = _pdf_text(content)
    assert "天津市公示测试1有限公司" in text and "津市监罚〔2026〕101号" in text
    assert objection.number in text and "行政复议" in text and "维持" in text
    note = Notification.objects.filter(subject=penalty_record.subject).order_by("-pk").first()
    assert note is not None and "答复" in note.title
    actions = [e.action for e in entries_for(OBJECT_TYPE, objection.public_id)]
    assert actions == ["objection.file", "objection.answer"]


def test_withheld_record_is_published_again_when_upheld(
    staff: Staff, withheld_record: Record
) -> None:
    objection = file_objection(owner(withheld_record.subject), withheld_record, "content", "错误")
    assert not public_records().filter(pk=withheld_record.pk).exists()

    answer(staff.market, objection, "upheld", REPLY)

    assert public_records().filter(pk=withheld_record.pk).exists()


def test_withdrawn_takes_the_record_off_every_surface(staff: Staff, penalty_record: Record) -> None:
    objection = answer(staff.market, _objection(penalty_record), "withdrawn", "该处罚已被撤销")

    penalty_record.refresh_from_db()
    assert (penalty_record.state, penalty_record.objection_mark) == ("withdrawn", "")
    assert not public_records().filter(pk=penalty_record.pk).exists()
    assert RecordEvent.objects.filter(
        record=penalty_record, kind=EventKind.RECORD_WITHDRAWN
    ).exists()
    assert "撤销" in reply_of(objection).finding


def test_corrected_is_a_new_version_through_the_pipeline(
    staff: Staff, penalty_record: Record
) -> None:
    values = current_values(penalty_record)
    assert values["facts"] == "经查，当事人发布虚假广告。" and "doc_no" not in values
    objection = answer(
        staff.market,
        _objection(penalty_record),
        "corrected",
        "经核查，罚款金额录入有误，已更正。",
        corrected_values={"fine_amount": "0.5", "penalty_content": "罚款人民币5000元"},
    )

    penalty_record.refresh_from_db()
    version = penalty_record.current_version
    assert version is not None and penalty_record.version_count == 2
    assert objection.corrected_version_id == version.pk
    assert version.data["fine_amount"] == "0.5"
    assert version.data["penalty_content"] == "罚款人民币5000元"
    assert version.data["facts"] == "经查，当事人发布虚假广告。"  # untouched fields kept
    # The legal representative's ID went through the pipeline again: the same keyed hash.
    first = penalty_record.versions.get(version=1)
    assert version.data["legal_rep_id_no"]["hash"] == first.data["legal_rep_id_no"]["hash"]
    submission = Submission.objects.get(pk=version.submission_id)
    assert (submission.channel, submission.organisation_id, submission.new_versions) == (
        "platform",
        penalty_record.organisation_id,
        1,
    )
    assert penalty_record.objection_mark == ""
    shown = (
        public_records()
        .filter(pk=penalty_record.pk)
        .select_related("item", "organisation", "current_version", "subject")
    )
    assert shown_record(shown[0]).values["penalty_content"] == "罚款人民币5000元"
    assert RecordEvent.objects.filter(
        record=penalty_record, kind=EventKind.RECORD_VERSIONED
    ).exists()
    changes = {c.name: (c.before, c.after) for c in reply_of(objection).changes}
    assert changes == {
        "处罚内容": ("罚款人民币15000元", "罚款人民币5000元"),
        "罚款金额": ("1.5", "0.5"),
    }  # personal values re-encrypted by the pipeline are not changes
    assert "更正" in _pdf_text(reply_pdf(objection) or b"")


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"fine_amount": "很多"}, "objections.correction_invalid"),
        ({"doc_no": "津市监罚〔2026〕999号"}, "objections.field_locked"),
        ({"uscc": "91120101000000019X"}, "objections.field_locked"),
        ({"facts": "经查，当事人发布虚假广告。"}, "objections.correction_unchanged"),
        ({}, "objections.no_correction"),
    ],
)
def test_a_refused_correction_changes_nothing(
    staff: Staff,
    penalty_record: Record,
    var_dir: Path,
    values: dict[str, str],
    code: str,
) -> None:
    objection = _objection(penalty_record)
    submissions = Submission.objects.count()
    folders = set((var_dir / "submissions").rglob("upload.json"))

    with pytest.raises(ObjectionError) as refused:
        answer(staff.market, objection, "corrected", REPLY, corrected_values=values)

    assert refused.value.code == code
    objection.refresh_from_db()
    penalty_record.refresh_from_db()
    assert objection.is_open and not objection.reply_pdf
    assert (penalty_record.version_count, penalty_record.objection_mark) == (1, "marked")
    assert Submission.objects.count() == submissions
    assert set((var_dir / "submissions").rglob("upload.json")) == folders
    assert list(var_dir.glob("objections/*/*.pdf")) == []


def test_only_the_source_department_answers(staff: Staff, penalty_record: Record) -> None:
    objection = _objection(penalty_record)
    for viewer, code in (
        (staff.tax, "objections.other_organisation"),
        (staff.credit, "objections.other_organisation"),
        (staff.market_submitter, "objections.no_role"),
    ):
        with pytest.raises(ObjectionError) as refused:
            answer(viewer, objection, "upheld", REPLY)
        assert refused.value.code == code

    objection.refresh_from_db()
    assert objection.is_open


def test_an_answer_is_given_once(staff: Staff, penalty_record: Record) -> None:
    objection = answer(staff.market, _objection(penalty_record), "upheld", REPLY)
    with pytest.raises(ObjectionError) as refused:
        answer(staff.market, objection, "withdrawn", REPLY)

    assert refused.value.code == "objections.answered"


def test_a_new_objection_may_follow_an_answered_one(staff: Staff, penalty_record: Record) -> None:
    answer(staff.market, _objection(penalty_record), "upheld", REPLY)
    again = file_objection(owner(penalty_record.subject), penalty_record, "period", "公示期限有误")

    assert again.is_open
    assert Objection.objects.filter(record=penalty_record).count() == 2
