"""Commitments as credit records: made by the ingestion pipeline like any other submission,
never written here.

Which organisation submits: the accepting unit (承诺受理单位), not the credit office. It is
the unit that supervises performance and decides a breach (谁受理、谁监管), the public page
names it as the record's source, and an objection about the record goes to the record's
source — the one body able to answer it. The credit office is the submitter only of the
commitments made to it (主动型 commitments addressed to it).

A public commitment lands as an XYCN record (承诺书编号 its natural key) when signed; each
change of performance is a new version of it (履约中 → 履约 or 未履约). A breach also lands a
WBXYCN record — negative, with its own decision number, facts and legal basis — whether or
not the commitment itself was public. Each row goes through the API path in the unit's
name and is processed at once, inside the caller's transaction: a rejected row raises
`CommitmentError` and the whole step is undone with it (the stored file removed here).
"""

from __future__ import annotations

import shutil
from typing import Any

from django.utils.translation import gettext as _

from xinyong.commitments.models import Commitment
from xinyong.commitments.services.common import PUBLISHED_ITEM, CommitmentError, policy
from xinyong.records import services as records
from xinyong.records.models import Record, RecordVersion, RejectedRow, SubmissionStatus
from xinyong.subjects.models import SubjectKind
from xinyong.subjects.services import reveal_citizen_id

IN_PROGRESS, KEPT, BROKEN = "履约中", "履约", "未履约"
"""The XYCN 履约情况 values."""

ORGANISATION_KINDS = frozenset(
    {SubjectKind.LEGAL_PERSON, SubjectKind.OTHER_ORG, SubjectKind.GOVERNMENT_ORGAN}
)
"""Subjects the catalogue's subject block files as 法人及非法人组织 (a legal representative
is then required)."""


def needs_legal_rep(kind: str) -> bool:
    return kind in ORGANISATION_KINDS


def publishable(commitment: Commitment) -> None:
    """Refuse (before anything is written) a commitment whose subject a record cannot name:
    an organisation without a USCC, a person without an ID number, an organisation without
    its legal representative."""
    subject = commitment.subject
    if subject.is_person:
        if not subject.citizen_id_encrypted:
            raise CommitmentError(
                "commitments.no_identifier", _("该主体没有登记公民身份号码，承诺无法记入信用记录")
            )
        return
    if not subject.uscc:
        raise CommitmentError(
            "commitments.no_identifier", _("该主体没有统一社会信用代码，承诺无法记入信用记录")
        )
    if needs_legal_rep(subject.kind) and not commitment.legal_rep:
        raise CommitmentError("commitments.legal_rep", _("请填写法定代表人（负责人）姓名"))


def _subject_block(commitment: Commitment) -> dict[str, Any]:
    """The catalogue's subject block (行政相对人) for the commitment's subject. A person's ID
    number is decrypted for the row (an audited read): the pipeline links, encrypts and
    masks it as it does for every department's rows."""
    subject = commitment.subject
    if subject.is_person:
        number = reveal_citizen_id(subject, purpose=_("信用承诺报送 %s") % commitment.number)
        return {
            "subject_name": subject.name,
            "subject_category": "自然人",
            "id_type": "身份证",
            "id_no": number,
        }
    individual = subject.kind == SubjectKind.INDIVIDUAL_BUSINESS
    block: dict[str, Any] = {
        "subject_name": subject.name,
        "subject_category": "个体工商户" if individual else "法人及非法人组织",
        "uscc": subject.uscc,
    }
    if commitment.legal_rep:
        block["legal_rep"] = commitment.legal_rep
    return block


def _source(commitment: Commitment) -> dict[str, str]:
    unit = commitment.organisation
    return {"source_unit": unit.name, "source_unit_uscc": unit.uscc}


def _reasons(submission_id: int) -> str:
    messages = [
        reason["message"]
        for row in RejectedRow.objects.filter(submission_id=submission_id)
        for reason in row.reasons
    ]
    return "；".join(messages)


def _land(commitment: Commitment, item_code: str, row: dict[str, Any]) -> Record:
    """Submit and process one row in the accepting unit's name; the record it made or
    versioned, which must be about the commitment's subject."""
    try:
        submission = records.submit_records(
            organisation=commitment.organisation, item_code=item_code, records=[row], platform=True
        )
    except records.SubmissionRefused as exc:
        raise CommitmentError("commitments.publish_refused", exc.message) from exc
    try:
        done = records.process(submission)
        if done.status != SubmissionStatus.DONE or done.rejected:
            detail = _reasons(done.pk) or done.error_message
            raise CommitmentError(
                "commitments.publish_invalid", _("承诺信息未能记入信用记录：%s") % detail
            )
        version = (
            RecordVersion.objects.filter(submission_id=done.pk).select_related("record").first()
        )
        if version is None or version.record.subject_id != commitment.subject_id:
            raise CommitmentError(
                "commitments.publish_other_record", _("承诺信息未能对应到该承诺的信用记录")
            )
    except BaseException:
        shutil.rmtree(records.stored_file_path(submission).parent, ignore_errors=True)
        raise
    record: Record = version.record
    return record


def published_row(commitment: Commitment, fulfilment: str) -> dict[str, Any]:
    """The XYCN row that states `commitment` with `fulfilment`."""
    return {
        **_subject_block(commitment),
        "commitment_type": commitment.type_name,
        "commitment_matter": commitment.matter,
        "commitment_content": commitment.text,
        "commitment_no": commitment.number,
        "commitment_date": commitment.signed_on.isoformat(),
        "accepting_unit": commitment.organisation.name,
        "fulfilment": fulfilment,
        **_source(commitment),
    }


def publish(commitment: Commitment, fulfilment: str) -> Record:
    """Land the commitment as an XYCN record, or its next version with `fulfilment`."""
    record = _land(commitment, PUBLISHED_ITEM, published_row(commitment, fulfilment))
    if commitment.published_record_id not in (None, record.pk):
        raise CommitmentError(
            "commitments.publish_other_record", _("承诺信息未能对应到该承诺的信用记录")
        )
    return record


def record_breach(commitment: Commitment) -> Record:
    """Land the finding of breach as a negative record of the policy's breach item."""
    unit = commitment.organisation
    row = {
        **_subject_block(commitment),
        "doc_no": commitment.breach_doc_no,
        "commitment_no": commitment.number,
        "commitment_type": commitment.type_name,
        "commitment_matter": commitment.matter,
        "breach_facts": commitment.breach_facts,
        "decision_date": commitment.closed_on.isoformat() if commitment.closed_on else "",
        "authority": unit.name,
        "authority_uscc": unit.uscc,
        **_source(commitment),
    }
    return _land(commitment, policy().breach.item, row)
