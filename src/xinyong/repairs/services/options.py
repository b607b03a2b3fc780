"""Which of a subject's records may be repaired, from when, with what — and which records
carry a notice of repair rights (两书同达).

Only negative, active, not-yet-repaired records are repair candidates. The earliest day is
the record's `repair_from`, computed by the ingestion pipeline from the publication rule in
force for its decision date (for a minor record: the decision date itself — repair may be
asked for as soon as the obligations are met).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.catalog.models import ListKind, ListType, Polarity
from xinyong.core.privacy import mask_in_text
from xinyong.records.models import Record, RecordState
from xinyong.repairs.models import OPEN_STATES, RepairApplication, RepairState
from xinyong.repairs.policy import RepairPolicy, repair_policy
from xinyong.subjects.models import Subject
from xinyong.subjects.services import display_name, masked_id

AVAILABLE = "available"
"""Repair may be applied for now."""
WAITING = "waiting"
"""Not before `available_from` (the shortest publication period has not run yet)."""
IN_PROGRESS = "in_progress"
"""An application about the record is under way."""
ENDED = "ended"
"""Publication has already ended: there is nothing left to repair."""
NOT_REPAIRABLE = "not_repairable"
"""Removed through another procedure (e.g. a court's), as the repair policy says."""


class HasRecordId(Protocol):
    @property
    def record_id(self) -> int: ...


RecordRef = int | Record | HasRecordId


@dataclass(frozen=True)
class RepairOption:
    """Where one negative record stands for credit repair, as a page shows it."""

    record_id: int
    status: str
    available_from: datetime.date | None
    needed: tuple[str, ...]
    explanation: str
    application_id: str
    application_state: str
    has_notice: bool

    @property
    def may_apply(self) -> bool:
        return self.status == AVAILABLE

    @property
    def apply_url(self) -> str:
        return reverse("repairs:apply", args=[self.record_id]) if self.may_apply else ""

    @property
    def application_url(self) -> str:
        return reverse("repairs:detail", args=[self.application_id]) if self.application_id else ""

    @property
    def notice_url(self) -> str:
        return reverse("repairs:notice", args=[self.record_id]) if self.has_notice else ""


def _record_id(ref: RecordRef) -> int:
    if isinstance(ref, int):
        return ref
    if isinstance(ref, Record):
        return ref.pk
    return int(ref.record_id)


def punishment_list_items() -> frozenset[str]:
    """Catalogue items whose records are decisions of punishment lists (listing records)."""
    codes = ListType.objects.filter(kind=ListKind.PUNISHMENT, is_active=True).exclude(
        catalog_item=""
    )
    return frozenset(codes.values_list("catalog_item", flat=True))


def notice_applies(item_code: str, policy: RepairPolicy, list_items: frozenset[str]) -> bool:
    """Whether records of `item_code` get a notice of repair rights: penalties and listing
    decisions (两书同达), unless repair does not apply to them at all."""
    if policy.not_repairable_reason(item_code):
        return False
    return item_code in policy.notice.items or item_code in list_items


def candidates(subject: Subject, ids: Iterable[int]) -> list[Record]:
    """The subject's negative, active, unrepaired records among `ids` (others: ignored)."""
    return list(
        Record.objects.filter(
            pk__in=list(ids),
            subject=subject,
            item__polarity=Polarity.NEGATIVE,
            state=RecordState.ACTIVE,
            repaired_on__isnull=True,
        ).select_related("item", "organisation")
    )


def _ended(record: Record, today: datetime.date) -> bool:
    if record.publication_ended_on is not None:
        return True
    return record.publication_ends is not None and record.publication_ends < today


def repair_options(subject: Subject, records: Iterable[RecordRef]) -> dict[int, RepairOption]:
    """For each of `records` (ids, records, or anything with a `record_id`) that is one of
    the subject's negative, active, unrepaired records: whether and from when repair may be
    applied for, what it needs, and the application under way. Three queries."""
    wanted = list(dict.fromkeys(_record_id(ref) for ref in records))
    if not wanted:
        return {}
    found = {record.pk: record for record in candidates(subject, wanted)}
    if not found:
        return {}
    policy = repair_policy()
    list_items = punishment_list_items()
    open_apps = {
        app.record_id: app
        for app in RepairApplication.objects.filter(
            record_id__in=list(found), state__in=OPEN_STATES
        )
    }
    today = timezone.localdate()
    options: dict[int, RepairOption] = {}
    for pk in wanted:
        record = found.get(pk)
        if record is None:
            continue
        from_day = record.repair_from or record.decision_date
        app = open_apps.get(pk)
        excluded = policy.not_repairable_reason(record.item.code)
        if excluded:
            status, explanation = NOT_REPAIRABLE, excluded
        elif app is not None:
            status = IN_PROGRESS
            explanation = _("修复申请办理中：%s") % RepairState(app.state).label
        elif _ended(record, today):
            status, explanation = ENDED, _("公示期已届满，无需申请信用修复")
        elif today < from_day:
            status = WAITING
            explanation = _("最短公示期满后，可于 %s 起申请信用修复") % from_day.isoformat()
        else:
            status = AVAILABLE
            explanation = _("已可申请信用修复（履行相关义务后）")
        options[pk] = RepairOption(
            record_id=pk,
            status=status,
            available_from=None if excluded else from_day,
            needed=() if excluded else policy.needed_for(record.severity),
            explanation=explanation,
            application_id=app.public_id if app else "",
            application_state=str(RepairState(app.state).label) if app else "",
            has_notice=notice_applies(record.item.code, policy, list_items),
        )
    return options


def subject_options(subject: Subject) -> list[tuple[Record, RepairOption]]:
    """Every repair candidate of the subject with its option, the latest decisions first
    (for the subject's own repair page)."""
    records = Record.objects.filter(
        subject=subject,
        item__polarity=Polarity.NEGATIVE,
        state=RecordState.ACTIVE,
        repaired_on__isnull=True,
    ).select_related("item", "organisation")
    ordered = list(records.order_by("-decision_date", "-pk"))
    options = repair_options(subject, ordered)
    return [(record, options[record.pk]) for record in ordered if record.pk in options]


def chinese_date(day: datetime.date) -> str:
    """`2026-05-06` → `2026年5月6日`, as formal documents write dates."""
    return f"{day.year}年{day.month}月{day.day}日"


def subject_code(subject: Subject) -> str:
    """How documents name the subject's code: the USCC, or a person's masked ID number."""
    return subject.uscc or masked_id(subject) or subject.public_id


def commitment_text(record: Record, policy: RepairPolicy | None = None) -> str:
    """The credit commitment (信用承诺书) for repairing `record`, from the policy's template.
    A natural person's name appears masked: the commitment may be published."""
    chosen = policy or repair_policy()
    subject = record.subject
    return chosen.commitment.template.format(
        subject_name=display_name(subject),
        subject_code=subject_code(subject),
        item_name=record.item.name,
        doc_no=mask_in_text(record.doc_no),
        department=record.organisation.name,
        decision_date=chinese_date(record.decision_date),
    )
