"""A commitment's XYCN record changes only through platform workflows (the commitment's
own, an objection's correction): the accepting unit's ingestion rows cannot rewrite it (the
public record would drift from the commitment's state), while the unit's other XYCN records
version as usual."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from tests.commitments.conftest import Staff, sign
from xinyong.commitments import services
from xinyong.commitments.models import Commitment
from xinyong.commitments.services import publishing
from xinyong.objections.services.correction import submit_correction
from xinyong.records import services as records
from xinyong.records.models import Channel, Record, RejectedRow, Submission
from xinyong.subjects.models import Subject

pytestmark = pytest.mark.django_db


def _row(commitment: Commitment, **changes: str) -> dict[str, Any]:
    """The XYCN row the workflow lands for `commitment`, with `changes`."""
    return {**publishing.published_row(commitment, publishing.IN_PROGRESS), **changes}


def _signed(staff: Staff, firm: Subject) -> tuple[Commitment, Record]:
    """A public commitment signed by `firm` to market regulation, and its XYCN record."""
    commitment = sign(firm, staff.market_org)
    assert commitment.published_record is not None
    return commitment, commitment.published_record


def _submit(staff: Staff, row: dict[str, Any]) -> Submission:
    submission = records.submit_records(
        organisation=staff.market_org, item_code="XYCN", records=[row]
    )
    return records.process(submission)


def test_the_workflow_lands_its_record_through_the_platform_channel(
    staff: Staff, firm: Subject
) -> None:
    _commitment, record = _signed(staff, firm)

    first = record.versions.get(version=1)
    assert first.submission.channel == Channel.PLATFORM


def test_a_department_row_changing_a_commitments_record_is_rejected_with_the_reason(
    staff: Staff, firm: Subject
) -> None:
    commitment, record = _signed(staff, firm)

    done = _submit(staff, _row(commitment, fulfilment=publishing.KEPT))

    assert (done.rejected, done.new_versions) == (1, 0)
    reasons = RejectedRow.objects.get(submission=done).reasons
    assert [r["code"] for r in reasons] == ["row.platform_record"]
    assert "承诺办理" in reasons[0]["message"]
    record.refresh_from_db()
    assert record.version_count == 1

    unchanged = _submit(staff, _row(commitment))  # the same content: nothing to refuse
    assert (unchanged.rejected, unchanged.unchanged) == (0, 1)

    services.fulfil(staff.market, commitment)  # the workflow itself still versions it
    record.refresh_from_db()
    assert record.version_count == 2


def test_the_units_own_xycn_records_version_as_usual(staff: Staff, firm: Subject) -> None:
    commitment = sign(firm, staff.market_org)
    own = _row(commitment, commitment_no="津市监承〔2026〕纸质001号")

    landed = _submit(staff, own)
    corrected = _submit(staff, {**own, "fulfilment": publishing.KEPT})

    assert (landed.new_records, landed.rejected) == (1, 0)
    assert (corrected.new_versions, corrected.rejected) == (1, 0)


def test_an_objections_correction_still_corrects_a_commitments_record(
    staff: Staff, firm: Subject
) -> None:
    _commitment, record = _signed(staff, firm)

    with transaction.atomic():
        version = submit_correction(record, {"commitment_matter": "食品经营许可（告知承诺制）变更"})

    assert version.version == 2 and version.submission.channel == Channel.PLATFORM
