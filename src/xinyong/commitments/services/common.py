"""What every commitment step shares: the refusal type, clean input, who may accept and act,
the event record and its audit entry.

Free text (matters, facts, reasons) is stored with ID-number-shaped runs masked. Audit
entries name the subject by its public id and hold no free text.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation
from xinyong.catalog.models import CatalogItem
from xinyong.commitments.models import Commitment, CommitmentEvent
from xinyong.commitments.policy import (
    CommitmentPolicy,
    CommitmentPolicyError,
    CommitmentType,
    commitment_policy,
)
from xinyong.core import audit
from xinyong.core.context import current_actor
from xinyong.core.errors import ReasonedError, checked_text
from xinyong.core.permissions import Viewer
from xinyong.lists.permissions import ACTING_ROLES
from xinyong.subjects.models import Subject
from xinyong.subjects.services import masked_id

OBJECT_TYPE = "commitments.commitment"
PUBLISHED_ITEM = "XYCN"
"""The catalogue item public commitments and their performance are published under."""

MAX_MATTER = 200
MAX_REFERENCE = 100
MAX_LEGAL_REP = 50
MAX_TEXT = 2000
MAX_DOC_NO = 100


class CommitmentError(ReasonedError, ValueError):
    """A refused commitment step: a stable reason code and a message; nothing was written."""


def clean_text(value: str, label: str, *, required: bool = True, max_length: int = MAX_TEXT) -> str:
    """`value` trimmed, ID numbers in it masked; refused when empty (if required) or long."""
    return checked_text(
        value,
        label,
        error=CommitmentError,
        namespace="commitments",
        required=required,
        max_length=max_length,
    )


def policy() -> CommitmentPolicy:
    """The commitment policy, its file errors as refusals."""
    try:
        return commitment_policy()
    except CommitmentPolicyError as exc:
        raise CommitmentError(exc.reason, exc.message) from exc


def commitment_type(code: str, channel: str) -> CommitmentType:
    """The policy's type `code` if it may be signed through `channel`."""
    found = policy().type_of(code)
    if found is None or channel not in found.channels:
        raise CommitmentError("commitments.type", _("请选择可以签署的承诺类型"))
    return found


def chinese_date(day: datetime.date) -> str:
    """`2026-05-06` → `2026年5月6日`, as formal documents write dates."""
    return f"{day.year}年{day.month}月{day.day}日"


def subject_code(subject: Subject) -> str:
    """How a commitment names the subject's code: the USCC, or a person's masked ID number."""
    return subject.uscc or masked_id(subject) or subject.public_id


def accepting_organisations() -> list[Organisation]:
    """The active organisations a commitment may be addressed to: those that may publish it
    (the catalogue item XYCN's source kinds and departments), by name."""
    item = CatalogItem.objects.filter(code=PUBLISHED_ITEM, is_active=True).first()
    if item is None:
        return []
    sources = Q(kind__in=item.source_kinds) | Q(pk__in=item.source_departments.values("pk"))
    return list(Organisation.objects.filter(sources, is_active=True).order_by("kind", "uscc"))


def acting_organisation(viewer: Viewer) -> Organisation:
    """The viewer's active organisation, if the viewer holds an acting role and the
    organisation may accept commitments."""
    if viewer.organisation_id is None:
        raise CommitmentError("commitments.no_organisation", _("只有机构工作人员可以办理信用承诺"))
    if not viewer.is_superuser and not viewer.roles & ACTING_ROLES:
        raise CommitmentError(
            "commitments.no_role", _("办理信用承诺需要操作员、审核员或管理员角色")
        )
    found = next((o for o in accepting_organisations() if o.pk == viewer.organisation_id), None)
    if found is None:
        raise CommitmentError(
            "commitments.not_accepting", _("所在机构已停用，或不是可以受理信用承诺的单位")
        )
    return found


def may_accept(viewer: Viewer) -> bool:
    """Whether the viewer may register commitments for its unit (pages offer the button)."""
    try:
        acting_organisation(viewer)
    except CommitmentError:
        return False
    return True


def accepting_staff(viewer: Viewer, commitment: Commitment) -> Organisation:
    """The viewer's organisation, if it accepted the commitment (谁受理、谁监管)."""
    organisation = acting_organisation(viewer)
    if organisation.pk != commitment.organisation_id:
        raise CommitmentError(
            "commitments.other_unit", _("只有承诺受理单位可以办理该承诺的履约和违诺")
        )
    return organisation


def step_day(on: datetime.date | None, not_before: datetime.date) -> datetime.date:
    """The day a step counts for: today unless given; never in the future, never before
    the commitment was signed."""
    day = on or timezone.localdate()
    if day > timezone.localdate():
        raise CommitmentError("commitments.future_date", _("日期不能晚于今天"))
    if day < not_before:
        raise CommitmentError(
            "commitments.date_order", _("日期不能早于承诺日期 %s") % not_before.isoformat()
        )
    return day


def snapshot(commitment: Commitment) -> dict[str, Any]:
    """The commitment as the audit log shows it (no free text, the subject by public id)."""
    return {
        "number": commitment.number,
        "subject": commitment.subject.public_id,
        "type": commitment.type_code,
        "organisation": commitment.organisation_id,
        "channel": commitment.channel,
        "public": commitment.is_public,
        "signed_on": commitment.signed_on.isoformat(),
        "state": commitment.state,
        "closed_on": commitment.closed_on.isoformat() if commitment.closed_on else None,
        "text_sha256": commitment.text_sha256,
        "published_record": commitment.published_record_id,
        "breach_doc_no": commitment.breach_doc_no,
        "breach_record": commitment.breach_record_id,
    }


def write_event(
    commitment: Commitment,
    kind: str,
    on: datetime.date,
    organisation_id: int | None,
    details: dict[str, Any],
    before: dict[str, Any] | None,
) -> CommitmentEvent:
    """Save the commitment, its event and the audit entry (in the caller's transaction)."""
    commitment.save()
    event = CommitmentEvent.objects.create(
        commitment=commitment,
        kind=kind,
        on=on,
        organisation_id=organisation_id,
        actor_label=current_actor().label[:150],
        details=details,
    )
    audit.record(
        f"commitment.{kind}",
        OBJECT_TYPE,
        commitment.public_id,
        before=before,
        after=snapshot(commitment),
        purpose=commitment.number,
        organisation_id=organisation_id or commitment.organisation_id,
    )
    return event


def locked(commitment: Commitment) -> Commitment:
    """The commitment again, locked for the step under way, with what steps read."""
    return (
        Commitment.objects.select_for_update()
        .select_related("subject", "organisation")
        .get(pk=commitment.pk)
    )
