"""Reading repair applications: a subject's own, the office's work queues with the deadline
each waits on, the credit office's statistics per department, and the recomputation of
deadlines that were counted on a provisional calendar.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.core import calendar as working_calendar
from xinyong.core.permissions import Viewer
from xinyong.repairs.models import (
    CLOSED_STATES,
    OPEN_STATES,
    RepairApplication,
    RepairState,
    RepairStep,
    StepKind,
)
from xinyong.repairs.services.common import (
    ACCEPTANCE_DEADLINE,
    PLATFORM_DEADLINE,
    deadline_days,
    due_after,
    locked,
    snapshot,
    write_step,
)
from xinyong.subjects.models import Subject


def applications_of(subject: Subject) -> QuerySet[RepairApplication]:
    """The subject's own applications, newest first (for its account)."""
    return RepairApplication.objects.filter(subject=subject).select_related(
        "record", "record__item", "department"
    )


def application_of(subject: Subject, public_id: str) -> RepairApplication | None:
    """One of the subject's applications; None for another subject's or an unknown id."""
    return applications_of(subject).filter(public_id=public_id[:32]).first()


def visible_to(viewer: Viewer) -> QuerySet[RepairApplication]:
    """The applications a staff viewer may see (the credit office: all; a department: the
    ones about its own findings)."""
    return (
        RepairApplication.objects.restrict(viewer)
        .select_related("subject", "record", "record__item", "department")
        .order_by("submitted_on", "pk")
    )


def history(application: RepairApplication) -> list[RepairStep]:
    return list(application.steps.select_related("organisation").order_by("id"))


@dataclass(frozen=True)
class Due:
    """The deadline an open application waits on, and where today stands."""

    stage: str
    label: str
    due: datetime.date
    provisional: bool
    remaining: int
    state: str
    """"open", "due" (the last day is today) or "overdue"."""

    @property
    def overdue(self) -> bool:
        return self.state == "overdue"


def current_due(
    application: RepairApplication, today: datetime.date, working: working_calendar.WorkingCalendar
) -> Due | None:
    """The deadline of the stage the application is in (None when it waits on the subject
    or is closed)."""
    state_now = application.state
    if state_now == RepairState.SUBMITTED:
        stage, label = "platform", _("信用办核对")
        due, provisional = application.platform_due, application.platform_due_provisional
    elif state_now == RepairState.FORWARDED and application.acceptance_due is not None:
        stage, label = "acceptance", _("受理")
        due, provisional = application.acceptance_due, application.acceptance_due_provisional
    elif state_now == RepairState.ACCEPTED and application.decision_due is not None:
        stage, label = "decision", _("决定")
        due, provisional = application.decision_due, application.decision_due_provisional
    else:
        return None
    remaining = working.working_days_between_provisional(today, due)[0] if today < due else 0
    state = "open" if today < due else "due" if today == due else "overdue"
    return Due(stage, str(label), due, provisional, remaining, state)


def on_time(application: RepairApplication) -> bool | None:
    """Whether a closed application was closed within the deadline of its last stage."""
    if application.closed_on is None:
        return None
    if application.state == RepairState.NOT_ACCEPTED:
        limit = application.acceptance_due
    else:
        limit = application.decision_due
    return limit is not None and application.closed_on <= limit


def handling_days(application: RepairApplication) -> int | None:
    """Working days from (the last) submission to the decision, for a closed application."""
    if application.closed_on is None:
        return None
    return working_calendar.working_days_between_provisional(
        application.submitted_on, application.closed_on
    )[0]


@dataclass
class DepartmentStatistics:
    """One row of the credit office's table: volumes, time and outcomes of a department."""

    department: str
    received: int = 0
    open: int = 0
    overdue: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    decided: int = 0
    decided_on_time: int = 0
    handling_total: int = 0

    @property
    def average_days(self) -> float | None:
        return self.handling_total / self.decided if self.decided else None

    @property
    def on_time_share(self) -> float | None:
        return self.decided_on_time / self.decided if self.decided else None


def statistics(
    viewer: Viewer, *, since: datetime.date | None = None, until: datetime.date | None = None
) -> list[DepartmentStatistics]:
    """Per department, for applications submitted in [since, until]: received, open,
    overdue, outcomes, average handling time in working days and the share closed on time."""
    rows = visible_to(viewer)
    if since is not None:
        rows = rows.filter(submitted_on__gte=since)
    if until is not None:
        rows = rows.filter(submitted_on__lte=until)
    today, working = timezone.localdate(), working_calendar.current()
    table: dict[int, DepartmentStatistics] = {}
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for app in rows:
        row = table.setdefault(app.department_id, DepartmentStatistics(app.department.name))
        row.received += 1
        counts[app.department_id][app.state] = counts[app.department_id].get(app.state, 0) + 1
        if app.state in OPEN_STATES:
            row.open += 1
            due = current_due(app, today, working)
            row.overdue += int(due is not None and due.overdue)
        elif app.state in CLOSED_STATES:
            row.decided += 1
            row.decided_on_time += int(bool(on_time(app)))
            row.handling_total += handling_days(app) or 0
    for pk, row in table.items():
        row.outcomes = counts[pk]
    return sorted(table.values(), key=lambda r: (-r.received, r.department))


def _recomputed(app: RepairApplication) -> dict[str, tuple[datetime.date, bool]]:
    """The provisional deadlines of `app` counted again: field name → (due, provisional)."""
    out: dict[str, tuple[datetime.date, bool]] = {}
    if app.platform_due_provisional:
        days = deadline_days(PLATFORM_DEADLINE, app.submitted_on)
        out["platform_due"] = due_after(app.submitted_on, days)
    if app.acceptance_due_provisional and app.forwarded_on is not None:
        days = deadline_days(ACCEPTANCE_DEADLINE, app.forwarded_on)
        out["acceptance_due"] = due_after(app.forwarded_on, days)
    if app.decision_due_provisional and app.accepted_on and app.decision_days:
        out["decision_due"] = due_after(app.accepted_on, app.decision_days)
    return out


def refresh_deadlines() -> int:
    """Recompute the provisional deadlines of open applications once the calendar knows
    their years (a `deadline` step records each change); returns how many changed."""
    changed = 0
    pending = RepairApplication.objects.filter(state__in=OPEN_STATES).filter(
        Q(platform_due_provisional=True)
        | Q(acceptance_due_provisional=True)
        | Q(decision_due_provisional=True)
    )
    for pk in pending.values_list("pk", flat=True):
        with transaction.atomic():
            app = locked(RepairApplication(pk=pk))
            before = snapshot(app)
            updates = {
                name: value
                for name, value in _recomputed(app).items()
                if (getattr(app, name), getattr(app, f"{name}_provisional")) != value
            }
            if not updates:
                continue
            for name, (due, provisional) in updates.items():
                setattr(app, name, due)
                setattr(app, f"{name}_provisional", provisional)
            details = {name: due.isoformat() for name, (due, _p) in updates.items()}
            write_step(app, StepKind.DEADLINE, timezone.localdate(), None, details, before)
            changed += 1
    return changed


def daily(as_of: datetime.date) -> dict[str, int]:
    """The repairs' daily job (`XINYONG_DAILY_JOBS`): settle the provisional deadlines the
    calendar can now compute. Idempotent; `as_of` is the day the scheduler runs it for."""
    return {"deadlines_settled": refresh_deadlines()}
