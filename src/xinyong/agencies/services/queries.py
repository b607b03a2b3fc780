"""Reading the registry: the back office's list and history (through `restrict()`), and the
public registry, which shows what a public registry shows — standing filings, and the
cancelled ones apart — with the legal representative's name masked."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from xinyong.agencies.models import (
    LIVE_STATUSES,
    AgencyEvent,
    AgencyFiling,
    AgencyStatus,
    BusinessScope,
)
from xinyong.agencies.services.common import DETAIL_FIELDS
from xinyong.core.permissions import VIEW, Viewer
from xinyong.core.privacy import mask_person_name


def visible_to(viewer: Viewer) -> QuerySet[AgencyFiling]:
    """The filings `viewer` may see in the back office."""
    return AgencyFiling.objects.restrict(viewer, VIEW).select_related("organisation", "subject")


def office_list(viewer: Viewer, *, status: str = "") -> QuerySet[AgencyFiling]:
    """The filings `viewer` may see, of one status if given, the latest filed first."""
    rows = visible_to(viewer)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-filed_on", "-pk")


def status_counts(viewer: Viewer) -> dict[str, int]:
    """How many filings `viewer` may see, by status (every status present, zeros included)."""
    counted = dict(
        AgencyFiling.objects.restrict(viewer, VIEW)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counted.get(status, 0) for status in AgencyStatus.values}


def filing_of(viewer: Viewer, public_id: str) -> AgencyFiling | None:
    """One filing `viewer` may see, by its public id (None for one it may not see)."""
    return visible_to(viewer).filter(public_id=public_id[:32]).first()


@dataclass(frozen=True)
class HistoryStep:
    """One event as the back office shows it: each changed field in words, before and after."""

    event: AgencyEvent
    changes: list[tuple[str, str, str]]


_LABELS = {
    "name": _("机构名称"),
    "authority": _("备案机关"),
    "address": _("注册地址"),
    "legal_representative": _("法定代表人"),
    "scopes": _("业务范围"),
    "contact_phone": _("联系电话"),
    "status": _("状态"),
}
"""What the history calls each field a step may change."""


def _shown(field: str, value: Any) -> str:
    if value is None:
        return "—"
    if field == "scopes":
        return "、".join(str(BusinessScope(code).label) for code in value)
    if field == "status":
        return str(AgencyStatus(value).label)
    return str(value)


def history_of(filing: AgencyFiling) -> list[HistoryStep]:
    """The filing's events, oldest first; a change lists its fields in the form's order."""
    steps = []
    for event in filing.events.order_by("at", "pk"):
        fields = [name for name in (*DETAIL_FIELDS, "status") if name in event.changes]
        changes = [
            (
                str(_LABELS[name]),
                _shown(name, event.changes[name][0]),
                _shown(name, event.changes[name][1]),
            )
            for name in fields
        ]
        steps.append(HistoryStep(event, changes))
    return steps


@dataclass(frozen=True)
class PublicAgency:
    """One row of the public registry: nothing but what a public registry shows."""

    number: str
    name: str
    uscc: str
    authority: str
    filed_on: datetime.date
    scopes: list[str]
    status: str
    status_code: str
    legal_representative: str
    """Masked: the surname and a `*` for each other character."""
    address: str
    contact_phone: str
    changed_on: datetime.date | None
    cancelled_on: datetime.date | None
    cancel_reason: str


def public_filings(*, cancelled: bool = False) -> QuerySet[AgencyFiling]:
    """Standing filings (or, with `cancelled`, the cancelled ones), the latest first."""
    if cancelled:
        rows = AgencyFiling.objects.filter(status=AgencyStatus.CANCELLED)
        ordered = rows.order_by("-cancelled_on", "-pk")
    else:
        ordered = AgencyFiling.objects.filter(status__in=LIVE_STATUSES).order_by("-filed_on", "-pk")
    return ordered.select_related("organisation")


def public_counts() -> tuple[int, int]:
    """(standing, cancelled) filings."""
    counted = dict(
        AgencyFiling.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    standing = sum(counted.get(status, 0) for status in LIVE_STATUSES)
    return standing, counted.get(AgencyStatus.CANCELLED, 0)


def public_view(filing: AgencyFiling) -> PublicAgency:
    """A filing as the public registry shows it."""
    return PublicAgency(
        number=filing.number,
        name=filing.name,
        uscc=filing.organisation.uscc,
        authority=filing.authority,
        filed_on=filing.filed_on,
        scopes=filing.scope_labels(),
        status=str(AgencyStatus(filing.status).label),
        status_code=filing.status,
        legal_representative=mask_person_name(filing.legal_representative),
        address=filing.address,
        contact_phone=filing.contact_phone,
        changed_on=filing.changed_on,
        cancelled_on=filing.cancelled_on,
        cancel_reason=filing.cancel_reason,
    )
