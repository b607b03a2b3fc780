"""What every listing step shares: who may act, clean input, the step record and its audit.

Free text (grounds, facts, statements, notes) is stored with ID-number-shaped runs masked:
a department that types a citizen ID into a decision's facts must not put it in the
database in clear. Audit entries name the subject by its public id, never by a code.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation
from xinyong.catalog.models import ListType, PolicyVersion
from xinyong.catalog.schema import as_loose
from xinyong.catalog.schema_lists import ListTypeEntry
from xinyong.core import audit
from xinyong.core.context import current_actor
from xinyong.core.errors import ReasonedError, checked_text
from xinyong.core.permissions import Viewer
from xinyong.lists.models import ListEntry, ListEntryStep
from xinyong.lists.permissions import ACTING_ROLES

OBJECT_TYPE = "lists.listentry"
MAX_TEXT = 4000
MAX_DOC_NO = 100


class ListError(ReasonedError, ValueError):
    """A refused listing step: a stable reason code and a message; nothing was written."""


def clean_text(value: str, label: str, *, required: bool = True, max_length: int = MAX_TEXT) -> str:
    """`value` trimmed, ID numbers in it masked; refused when empty (if required) or long."""
    return checked_text(
        value, label, error=ListError, namespace="lists", required=required, max_length=max_length
    )


def past_or_today(day: datetime.date, label: str) -> datetime.date:
    """`day`, refused when it lies in the future (steps record what has happened)."""
    if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
        raise ListError("lists.date", _("%s应为日期") % label)
    if day > timezone.localdate():
        raise ListError("lists.future_date", _("%s不能晚于今天") % label)
    return day


def definition_of(version: PolicyVersion) -> ListTypeEntry:
    """The list type as the policy version an entry was made under defined it."""
    return as_loose(ListTypeEntry, version.content)


def _acting_staff(viewer: Viewer) -> Organisation:
    if viewer.organisation_id is None:
        raise ListError("lists.no_organisation", _("只有认定部门的工作人员可以办理列入和移出"))
    if not viewer.is_superuser and not viewer.roles & ACTING_ROLES:
        raise ListError("lists.no_role", _("办理列入和移出需要操作员、审核员或管理员角色"))
    organisation = Organisation.objects.filter(pk=viewer.organisation_id, is_active=True).first()
    if organisation is None:
        raise ListError("lists.organisation_inactive", _("所在机构已停用"))
    return organisation


def deciding_organisation(viewer: Viewer, list_type: ListType) -> Organisation:
    """The viewer's organisation, if it decides listings of `list_type` (谁认定) and the
    viewer may act for it; `ListError` otherwise."""
    organisation = _acting_staff(viewer)
    if organisation.sector in list_type.deciding_sectors:
        return organisation
    if list_type.deciding_departments.filter(pk=organisation.pk).exists():
        return organisation
    raise ListError(
        "lists.not_deciding",
        _("%(org)s 不是“%(list)s”的认定部门") % {"org": organisation.name, "list": list_type.name},
    )


def entry_organisation(viewer: Viewer, entry: ListEntry) -> Organisation:
    """The viewer's organisation, if it is the department that made `entry` (谁认定、谁移出)."""
    organisation = _acting_staff(viewer)
    if organisation.pk != entry.organisation_id:
        raise ListError("lists.other_organisation", _("只有作出认定的部门可以办理该名单条目"))
    return organisation


def require_state(entry: ListEntry, *states: str) -> None:
    if entry.state not in states:
        raise ListError(
            "lists.wrong_state",
            _("名单条目当前状态为“%s”，不能办理此步骤") % entry.get_state_display(),
        )


def snapshot(entry: ListEntry, subject_public_id: str) -> dict[str, Any]:
    """The entry as the audit log shows it (no free text, the subject by its public id)."""
    days = ("response_due", "decision_date", "starts_on", "ends_on", "published_on", "removed_on")
    out: dict[str, Any] = {
        "subject": subject_public_id,
        "list_type_version": entry.list_type_version_id,
        "organisation": entry.organisation_id,
        "state": entry.state,
        "notice_no": entry.notice_no,
        "doc_no": entry.doc_no,
        "removal_kind": entry.removal_kind,
        "record": entry.record_id,
    }
    for name in days:
        value = getattr(entry, name)
        out[name] = value.isoformat() if value else None
    return out


def new_step(
    entry: ListEntry,
    kind: str,
    on: datetime.date,
    organisation_id: int | None,
    details: dict[str, Any],
    at: datetime.datetime | None = None,
) -> ListEntryStep:
    """An unsaved step (`bulk_create` them, or `.save()` one)."""
    return ListEntryStep(
        entry=entry,
        kind=kind,
        at=at or timezone.now(),
        on=on,
        organisation_id=organisation_id,
        actor_label=current_actor().label[:150],
        details=details,
    )


def audit_event(
    action: str, entry: ListEntry, before: Any, after: Any, organisation_id: int | None
) -> audit.AuditEvent:
    return audit.AuditEvent(
        action=action,
        object_type=OBJECT_TYPE,
        object_id=entry.public_id,
        before=before,
        after=after,
        organisation_id=organisation_id,
    )
