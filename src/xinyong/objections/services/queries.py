"""Reading objections: a subject's own, a department's queue, the credit office's queue of
overdue ones, statistics per department, and the marks other pages show.

Back-office reads go through `restrict()` (objections.permissions); a subject's reads are
filtered by its own subject, so another subject's objection is never found.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from xinyong.accounts.models import OrganisationKind
from xinyong.core import calendar as working_calendar
from xinyong.core.permissions import VIEW, Viewer
from xinyong.objections.models import Objection, ObjectionAttachment, ObjectionState
from xinyong.objections.permissions import OVERSEEING_ROLES
from xinyong.records.models import Record
from xinyong.rights.files import open_evidence
from xinyong.subjects.models import Subject

_RELATED = (
    "record__item", "record__organisation", "score__model_version", "score__run",
    "organisation", "subject",
)  # fmt: skip


def open_objection_links(record_ids: Iterable[int]) -> dict[int, str]:
    """Record id → public id of the objection open on it, for those of `record_ids` that
    have one (one query, for a page of records: link to it instead of offering a new one)."""
    ids = list(dict.fromkeys(record_ids))
    if not ids:
        return {}
    rows = Objection.objects.filter(record_id__in=ids, state=ObjectionState.OPEN)
    return dict(rows.values_list("record_id", "public_id"))


def open_objections_for(record_ids: Iterable[int]) -> set[int]:
    """Which of `record_ids` have an objection open (one query, for a page of records)."""
    return set(open_objection_links(record_ids))


def open_objection_on(record: Record) -> Objection | None:
    """The objection open on `record`, if any (at most one is)."""
    return Objection.objects.filter(record=record, state=ObjectionState.OPEN).first()


def objections_of(subject: Subject) -> QuerySet[Objection]:
    """The subject's objections, newest first."""
    return Objection.objects.filter(subject=subject).select_related(*_RELATED)


def objection_of(subject: Subject, public_id: str) -> Objection | None:
    """One of the subject's objections, or None (also for another subject's)."""
    return objections_of(subject).filter(public_id=public_id[:32]).first()


def attachments_of(objection: Objection) -> list[ObjectionAttachment]:
    return list(objection.attachments.order_by("position"))


def open_attachment(
    objection: Objection, position: int
) -> tuple[ObjectionAttachment, IO[bytes]] | None:
    """One of the objection's files, opened for reading; None if it has no such file. The
    caller has decided that its reader may see `objection`."""
    attachment = objection.attachments.filter(position=position).first()
    if attachment is None:
        return None
    return attachment, open_evidence(attachment.stored_path)


def subject_record(subject: Subject, record_id: int) -> Record | None:
    """One of the subject's own records (None for another subject's): what it may object to."""
    return (
        Record.objects.filter(subject=subject, pk=record_id)
        .select_related("item", "organisation", "current_version")
        .first()
    )


def visible_to(viewer: Viewer) -> QuerySet[Objection]:
    """The objections `viewer` may see in the back office."""
    return Objection.objects.restrict(viewer, VIEW).select_related(*_RELATED)


def is_overseer(viewer: Viewer) -> bool:
    """Whether `viewer` watches every department's objections (the credit office)."""
    return viewer.organisation_kind == OrganisationKind.CREDIT_OFFICE.value and (
        viewer.is_superuser or bool(viewer.roles & OVERSEEING_ROLES)
    )


def department_queue(viewer: Viewer, *, state: str = "") -> QuerySet[Objection]:
    """The objections to the viewer's own department's records: open ones first, by
    deadline, then the answered ones, newest first."""
    if viewer.organisation_id is None:
        return Objection.objects.none()
    rows = visible_to(viewer).filter(organisation_id=viewer.organisation_id)
    if state:
        rows = rows.filter(state=state)
    closed = Case(When(state=ObjectionState.OPEN, then=Value(0)), default=Value(1))
    return rows.annotate(closed=closed).order_by("closed", "-answered_at", "due_on", "pk")


def escalation_queue(viewer: Viewer, *, today: datetime.date | None = None) -> QuerySet[Objection]:
    """For the credit office: every open objection escalated or past its deadline, in every
    department, the longest overdue first."""
    if not is_overseer(viewer):
        return Objection.objects.none()
    day = today or timezone.localdate()
    overdue = Q(escalated_at__isnull=False) | Q(due_on__lt=day)
    return (
        visible_to(viewer).filter(overdue, state=ObjectionState.OPEN).order_by("due_on", "filed_at")
    )


@dataclass(frozen=True)
class Deadline:
    """An objection's deadline as a page shows it."""

    due: datetime.date
    provisional: bool
    state: str
    """"open", "due" (last day today), "overdue", "on_time" or "late" (answered)."""
    days: int
    """Open: working days left after today (open) or past the last day (overdue)."""

    @property
    def urgent(self) -> bool:
        return self.state in ("due", "overdue")


def deadline_of(
    objection: Objection,
    *,
    today: datetime.date | None = None,
    working: working_calendar.WorkingCalendar | None = None,
) -> Deadline:
    day = today or timezone.localdate()
    due = objection.due_on
    if objection.answered_on is not None:
        state = "on_time" if objection.answered_on <= due else "late"
        return Deadline(due, objection.due_provisional, state, 0)
    between = (working or working_calendar.current()).working_days_between_provisional
    if day < due:
        return Deadline(due, objection.due_provisional, "open", between(day, due)[0])
    if day == due:
        return Deadline(due, objection.due_provisional, "due", 0)
    return Deadline(due, objection.due_provisional, "overdue", between(due, day)[0])
