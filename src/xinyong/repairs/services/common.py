"""What every repair step shares: the refusal type, clean input, who may act, deadlines in
working days, the step record and its audit entry.

Free text (performance statements, reasons) is stored with ID-number-shaped runs masked.
Audit entries name the subject by its public id and the application by its public id.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation, OrganisationKind
from xinyong.catalog.services import PolicyLookupError, deadline_for
from xinyong.core import audit
from xinyong.core import calendar as working_calendar
from xinyong.core.context import current_actor
from xinyong.core.errors import ReasonedError, checked_text
from xinyong.core.permissions import Viewer
from xinyong.lists.permissions import ACTING_ROLES
from xinyong.repairs.models import RepairApplication, RepairStep
from xinyong.rights.services import notify

OBJECT_TYPE = "repairs.application"
MAX_TEXT = 4000
MAX_DOC_NO = 100

PLATFORM_DEADLINE = "repair_platform_response"
ACCEPTANCE_DEADLINE = "repair_department_acceptance"
DECISION_DEADLINE = "repair_decision"


class RepairError(ReasonedError, ValueError):
    """A refused repair step: a stable reason code and a message; nothing was written."""


def clean_text(value: str, label: str, *, required: bool = True, max_length: int = MAX_TEXT) -> str:
    """`value` trimmed, ID numbers in it masked; refused when empty (if required) or long."""
    return checked_text(
        value,
        label,
        error=RepairError,
        namespace="repairs",
        required=required,
        max_length=max_length,
    )


def step_day(on: datetime.date | None, after: datetime.date | None) -> datetime.date:
    """The day a step counts for: today unless given; never in the future, never before
    the step it follows."""
    day = on or timezone.localdate()
    if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
        raise RepairError("repairs.date", _("日期无效"))
    if day > timezone.localdate():
        raise RepairError("repairs.future_date", _("办理日期不能晚于今天"))
    if after is not None and day < after:
        raise RepairError(
            "repairs.date_order", _("办理日期不能早于上一步骤的日期 %s") % after.isoformat()
        )
    return day


def due_after(start: datetime.date, days: int) -> tuple[datetime.date, bool]:
    """The `days`-th working day after `start`, and whether a year's calendar was missing
    (then counted Monday–Friday, shown as provisional, recomputed once it is loaded)."""
    return working_calendar.add_working_days_provisional(start, days)


def deadline_days(key: str, on: datetime.date) -> int:
    """Working days that deadline `key` allows for an event dated `on` (policy data)."""
    try:
        return deadline_for(key, on).working_days
    except PolicyLookupError as exc:
        raise RepairError(exc.reason, exc.message) from exc


def _acting(viewer: Viewer) -> Organisation:
    if viewer.organisation_id is None:
        raise RepairError("repairs.no_organisation", _("只有机构工作人员可以办理信用修复"))
    if not viewer.is_superuser and not viewer.roles & ACTING_ROLES:
        raise RepairError("repairs.no_role", _("办理信用修复需要操作员、审核员或管理员角色"))
    organisation = Organisation.objects.filter(pk=viewer.organisation_id, is_active=True).first()
    if organisation is None:
        raise RepairError("repairs.organisation_inactive", _("所在机构已停用"))
    return organisation


def credit_office_staff(viewer: Viewer) -> Organisation:
    """The viewer's credit office, if the viewer may check and forward applications."""
    organisation = _acting(viewer)
    if organisation.kind != OrganisationKind.CREDIT_OFFICE:
        raise RepairError("repairs.not_credit_office", _("只有信用办可以核对和转办信用修复申请"))
    return organisation


def department_staff(viewer: Viewer, application: RepairApplication) -> Organisation:
    """The viewer's organisation, if it made the finding (谁认定、谁修复)."""
    organisation = _acting(viewer)
    if organisation.pk != application.department_id:
        raise RepairError("repairs.other_department", _("只有作出认定的部门可以办理该信用修复申请"))
    return organisation


def require_state(application: RepairApplication, *states: str) -> None:
    if application.state not in states:
        raise RepairError(
            "repairs.wrong_state",
            _("申请当前状态为“%s”，不能办理此步骤") % application.get_state_display(),
        )


def snapshot(application: RepairApplication) -> dict[str, Any]:
    """The application as the audit log shows it (no free text, the subject by public id)."""
    days = (
        "submitted_on", "platform_due", "forwarded_on", "acceptance_due", "accepted_on",
        "decision_due", "closed_on",
    )  # fmt: skip
    out: dict[str, Any] = {
        "subject": application.subject.public_id,
        "record": application.record_id,
        "department": application.department_id,
        "state": application.state,
        "decision_days": application.decision_days,
        "decision_no": application.decision_no,
        "decision_pdf_sha256": application.decision_pdf_sha256,
    }
    for name in days:
        value = getattr(application, name)
        out[name] = value.isoformat() if value else None
    return out


def write_step(
    application: RepairApplication,
    kind: str,
    on: datetime.date,
    organisation_id: int | None,
    details: dict[str, Any],
    before: dict[str, Any] | None,
) -> RepairStep:
    """Save the application, its step and the audit entry (in the caller's transaction)."""
    application.save()
    step = RepairStep.objects.create(
        application=application,
        kind=kind,
        on=on,
        organisation_id=organisation_id,
        actor_label=current_actor().label[:150],
        details=details,
    )
    audit.record(
        f"repair.{kind}",
        OBJECT_TYPE,
        application.public_id,
        before=before,
        after=snapshot(application),
        organisation_id=organisation_id,
    )
    return step


def locked(application: RepairApplication) -> RepairApplication:
    """The application again, locked for the step under way, with what steps read."""
    return (
        RepairApplication.objects.select_for_update()
        .select_related("subject", "record", "record__item", "record__organisation", "department")
        .get(pk=application.pk)
    )


def last_step_day(application: RepairApplication) -> datetime.date | None:
    """The day of the latest step: a new step may not count for an earlier day."""
    return application.steps.order_by("-id").values_list("on", flat=True).first()


def link_to(application: RepairApplication) -> str:
    """Where the subject reads the application in its account."""
    return reverse("repairs:detail", args=[application.public_id])


def tell_subject(application: RepairApplication, title: str, body: str = "") -> None:
    """A message in the subject's account inbox, linking to the application."""
    notify(application.subject, title=title, body=body, link=link_to(application))
