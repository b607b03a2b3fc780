"""Filing, changing and cancelling: the only code that writes filings and their history.

Each step is one transaction with its audit entry, and keeps the agency's organisation in
step with its filing: filing makes it an active organisation of kind agency (created, or a
formerly cancelled agency brought back), a change of name renames it and its subject, and
cancellation deactivates it and revokes its API tokens, so its tokens, its staff's powers
and the consents granted to it stop on the next request, and stay stopped if it files again.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation, OrganisationKind
from xinyong.accounts.services import (
    AccountError,
    create_organisation,
    revoke_token,
    tokens,
    update_organisation,
)
from xinyong.agencies.models import (
    LIVE_STATUSES,
    AgencyEvent,
    AgencyFiling,
    AgencyStatus,
    EventKind,
)
from xinyong.agencies.services.common import (
    DETAIL_FIELDS,
    MAX_NUMBER,
    MAX_TEXT,
    OBJECT_TYPE,
    SOURCE,
    AgencyDetails,
    AgencyError,
    checked_day,
    checked_details,
    require_manager,
    shown_value,
    snapshot,
    text,
)
from xinyong.core import audit
from xinyong.core.context import current_actor
from xinyong.core.identifiers import IdKind, check
from xinyong.core.permissions import SYSTEM, Viewer
from xinyong.subjects.models import Subject
from xinyong.subjects.services import SubjectIdentifiers, link


def _uscc(raw: str) -> str:
    result = check(raw, kind=IdKind.USCC)
    if not result.valid:
        raise AgencyError(
            "agencies.invalid_uscc",
            _("统一社会信用代码无效：%(message)s") % {"message": result.message},
        )
    return result.normalised


def _standing(uscc: str) -> AgencyFiling | None:
    return (
        AgencyFiling.objects.filter(organisation__uscc=uscc, status__in=LIVE_STATUSES)
        .order_by("pk")
        .first()
    )


def _duplicate(uscc: str, number: str) -> AgencyError | None:
    """Why a filing of `uscc` (under `number`, if given) would be a duplicate, if it would."""
    standing = _standing(uscc)
    if standing is not None:
        return AgencyError(
            "agencies.duplicate",
            _("该机构已备案（备案编号 %(number)s），如需修改请办理变更")
            % {"number": standing.number},
        )
    if number and AgencyFiling.objects.filter(number=number).exists():
        return AgencyError(
            "agencies.duplicate_number", _("备案编号 %(number)s 已被使用") % {"number": number}
        )
    return None


def _existing_organisation(uscc: str) -> Organisation | None:
    """The organisation already registered under `uscc`, if it may become (again) an agency."""
    organisation = Organisation.objects.filter(uscc=uscc).first()
    if organisation is not None and organisation.kind != OrganisationKind.AGENCY:
        raise AgencyError(
            "agencies.other_kind",
            _("统一社会信用代码 %(uscc)s 已登记为“%(kind)s”，不能作为信用服务机构备案")
            % {"uscc": uscc, "kind": organisation.get_kind_display()},
        )
    return organisation


def _linked_subject(uscc: str, name: str) -> Subject:
    """The agency's own subject (found or created by its USCC; a new name becomes current)."""
    result = link(SubjectIdentifiers(uscc=uscc), name=name, source=SOURCE)
    if result.subject is None:
        reasons = [result.conflict.message] if result.conflict else []
        reasons += [rejection.message for rejection in result.rejected]
        raise AgencyError(
            "agencies.subject",
            _("无法关联该机构的信用主体：%(reasons)s") % {"reasons": "；".join(reasons)},
        )
    return result.subject


def _event(
    filing: AgencyFiling,
    kind: EventKind,
    on: datetime.date,
    changes: dict[str, Any],
    reason: str = "",
) -> None:
    AgencyEvent.objects.create(
        filing=filing,
        kind=kind,
        on=on,
        actor_label=current_actor().label[:150],
        changes=changes,
        reason=reason,
    )


def _lock(filing: AgencyFiling) -> AgencyFiling:
    """The filing as it stands, locked for this transaction; a cancelled one is final."""
    current = (
        AgencyFiling.objects.select_for_update()
        .select_related("organisation", "subject")
        .get(pk=filing.pk)
    )
    if current.is_cancelled:
        raise AgencyError(
            "agencies.cancelled",
            _("备案 %(number)s 已注销，不能再变更或注销") % {"number": current.number},
        )
    return current


def file_agency(
    viewer: Viewer,
    *,
    uscc: str,
    details: AgencyDetails,
    number: str = "",
    filed_on: datetime.date | None = None,
) -> AgencyFiling:
    """File an agency: its subject linked, its organisation active, the filing and its first
    event written. Without `number` the filing gets `BA<year><serial>`."""
    require_manager(viewer)
    code = _uscc(uscc)
    values = checked_details(details)
    number = text(number, _("备案编号"), max_length=MAX_NUMBER, required=False)
    day = checked_day(filed_on, _("备案日期"))
    refused = _duplicate(code, number)
    if refused is not None:
        raise refused
    existing = _existing_organisation(code)
    try:
        with transaction.atomic():
            subject = _linked_subject(code, values["name"])
            if existing is None:
                district = subject.district.code if subject.district else ""
                organisation = create_organisation(
                    uscc=code, name=values["name"], kind=OrganisationKind.AGENCY, district=district
                )
            else:
                organisation = update_organisation(existing, name=values["name"], is_active=True)
            filing = AgencyFiling(
                organisation=organisation, subject=subject, filed_on=day, **values
            )
            filing.number = number or filing.public_id
            filing.save()
            if not number:
                filing.number = f"BA{day.year}{filing.pk:06d}"
                filing.save(update_fields=["number"])
            _event(filing, EventKind.FILED, day, {key: [None, values[key]] for key in values})
            audit.record(
                "agency.file",
                OBJECT_TYPE,
                filing.public_id,
                after=snapshot(filing),
                purpose=filing.number,
                organisation_id=organisation.pk,
            )
    except AccountError as exc:
        raise AgencyError(f"agencies.{exc.reason}", exc.message) from exc
    except IntegrityError as exc:
        raise _duplicate(code, number) or exc from exc
    return filing


def change_agency(
    viewer: Viewer,
    filing: AgencyFiling,
    details: AgencyDetails,
    *,
    changed_on: datetime.date | None = None,
    note: str = "",
) -> AgencyFiling:
    """Record a change of the filed details: each changed field before and after in the
    history, the status 已变更; the number, code and filing date never change."""
    require_manager(viewer)
    values = checked_details(details)
    note = text(note, _("变更说明"), max_length=MAX_TEXT, required=False)
    with transaction.atomic():
        current = _lock(filing)
        last = current.changed_on or current.filed_on
        day = checked_day(changed_on, _("变更日期"), not_before=last)
        changes = {
            key: [getattr(current, key), value]
            for key, value in values.items()
            if getattr(current, key) != value
        }
        if not changes:
            raise AgencyError("agencies.no_change", _("填写的内容与现有备案信息相同，没有变更"))
        for key, (_before, after) in changes.items():
            setattr(current, key, after)
        current.status, current.changed_on = AgencyStatus.CHANGED, day
        current.save(update_fields=[*changes, "status", "changed_on"])
        if "name" in changes:
            update_organisation(current.organisation, name=current.name)
            _linked_subject(current.organisation.uscc, current.name)
        _event(current, EventKind.CHANGED, day, changes, note)
        audit.record(
            "agency.change",
            OBJECT_TYPE,
            current.public_id,
            before={key: shown_value(key, before) for key, (before, _a) in changes.items()},
            after={**snapshot(current), "changed": [k for k in DETAIL_FIELDS if k in changes]},
            purpose=current.number,
            organisation_id=current.organisation_id,
        )
    return current


def cancel_agency(
    viewer: Viewer,
    filing: AgencyFiling,
    *,
    reason: str,
    cancelled_on: datetime.date | None = None,
) -> AgencyFiling:
    """Cancel a filing: the agency's organisation deactivated and its API tokens revoked in
    the same transaction, the reason kept in the history and shown on the public registry."""
    require_manager(viewer)
    reason = text(reason, _("注销原因"), max_length=MAX_TEXT)
    with transaction.atomic():
        current = _lock(filing)
        last = current.changed_on or current.filed_on
        day = checked_day(cancelled_on, _("注销日期"), not_before=last)
        before = snapshot(current)
        current.status, current.cancelled_on, current.cancel_reason = (
            AgencyStatus.CANCELLED,
            day,
            reason,
        )
        current.save(update_fields=["status", "cancelled_on", "cancel_reason"])
        update_organisation(current.organisation, is_active=False)
        revoked = [
            revoke_token(token).prefix
            for token in tokens(SYSTEM, organisation=current.organisation).filter(
                revoked_at__isnull=True
            )
        ]
        _event(
            current,
            EventKind.CANCELLED,
            day,
            {"status": [before["status"], current.status]},
            reason,
        )
        audit.record(
            "agency.cancel",
            OBJECT_TYPE,
            current.public_id,
            before=before,
            after={**snapshot(current), "tokens_revoked": revoked},
            purpose=current.number,
            organisation_id=current.organisation_id,
        )
    return current
