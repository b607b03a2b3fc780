"""Handling a tip-off: the credit office routes it, the department reads the protected
details, investigates, closes it with an outcome and may record a reward.

Each step locks the tip-off, checks who acts and in which state, changes it and writes its
audit entry in one transaction; a refusal raises `TipOffError` and leaves everything as it
was. Closing never touches a credit record: a department that finds a violation decides on
it in its own procedure and submits the record through the ingestion pipeline.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation, User
from xinyong.core import audit
from xinyong.core.crypto import decrypt
from xinyong.core.permissions import Viewer
from xinyong.tipoffs.models import (
    Outcome,
    TipOff,
    TipOffNote,
    TipOffState,
    contact_context,
    person_context,
)
from xinyong.tipoffs.permissions import HANDLER_KINDS
from xinyong.tipoffs.services.common import (
    MAX_NAME,
    OBJECT_TYPE,
    TipOffError,
    audit_event,
    clean_text,
    snapshot,
)
from xinyong.tipoffs.services.queries import (
    ROUTABLE_STATES,
    handles,
    routes,
)

MAX_REWARD = Decimal("1000000")
"""The largest reward a case may record (yuan); more is a typing error."""


def _user(viewer: Viewer) -> User:
    if viewer.user_id is None:
        raise TipOffError("tipoffs.no_user", _("只有后台工作人员可以办理举报"))
    return User.objects.get(pk=viewer.user_id)


def _step(viewer: Viewer, tipoff: TipOff, action: str, change: Callable[[TipOff], None]) -> TipOff:
    """Lock `tipoff`, let `change` check who acts and the state and change it, save it and
    audit `action`, all in one transaction."""
    with transaction.atomic():
        locked = (
            TipOff.objects.select_for_update(of=("self",))
            .select_related("department", "subject")
            .get(pk=tipoff.pk)
        )
        before = snapshot(locked)
        change(locked)
        locked.save()
        audit.record_many([audit_event(action, locked, before)])
    return locked


def _handling(viewer: Viewer, tipoff: TipOff) -> None:
    organisation_id = viewer.organisation_id
    if organisation_id is None or not handles(viewer, tipoff):
        raise TipOffError(
            "tipoffs.not_handler", _("只有承办部门的操作员、审核员或管理员可以办理该举报")
        )
    if not Organisation.objects.filter(pk=organisation_id, is_active=True).exists():
        raise TipOffError("tipoffs.organisation_inactive", _("所在机构已停用"))


def route(viewer: Viewer, tipoff: TipOff, department: Organisation, note: str) -> TipOff:
    """Send `tipoff` to `department` with the credit office's routing note (again, to
    another department, while nobody has started investigating it)."""
    text = clean_text(note, _("转办说明"))

    def change(locked: TipOff) -> None:
        if not routes(viewer):
            raise TipOffError("tipoffs.not_router", _("只有信用办的操作员或管理员可以转办举报"))
        if locked.state not in ROUTABLE_STATES:
            raise TipOffError("tipoffs.not_routable", _("承办部门已开始调查，不能再转办"))
        if not department.is_active or department.kind not in HANDLER_KINDS:
            raise TipOffError("tipoffs.department", _("只能转办给启用的部门、区人民政府或法院"))
        if locked.department_id == department.pk:
            raise TipOffError("tipoffs.same_department", _("该举报已转办给该部门"))
        locked.department, locked.routing_note = department, text
        locked.state, locked.routed_at = TipOffState.ROUTED, timezone.now()
        locked.routed_by = _user(viewer)

    return _step(viewer, tipoff, "tipoff.route", change)


@dataclass(frozen=True)
class Protected:
    """What only the handling department reads: the informant's contact details (empty when
    anonymous) and, for a report about a natural person, the person's name."""

    contact_name: str
    contact_phone: str
    contact_email: str
    anonymous: bool
    person_name: str


def reveal(viewer: Viewer, tipoff: TipOff) -> Protected:
    """Decrypt the protected details for the handling department's staff; the read is
    audited (who, when, which tip-off — never what was read)."""
    _handling(viewer, tipoff)
    contact: dict[str, str] = {}
    if tipoff.contact_encrypted:
        contact = json.loads(
            decrypt(tipoff.contact_encrypted, context=contact_context(tipoff.public_id))
        )
    person = (
        decrypt(tipoff.person_name_encrypted, context=person_context(tipoff.public_id))
        if tipoff.person_name_encrypted
        else ""
    )
    audit.record(
        "tipoff.reveal",
        OBJECT_TYPE,
        tipoff.public_id,
        purpose=tipoff.number,
        organisation_id=tipoff.department_id,
        after={"contact": bool(contact), "person_name": bool(person)},
    )
    return Protected(
        contact_name=contact.get("name", ""),
        contact_phone=contact.get("phone", ""),
        contact_email=contact.get("email", ""),
        anonymous=not contact,
        person_name=person,
    )


def add_note(viewer: Viewer, tipoff: TipOff, text: str) -> TipOffNote:
    """Record a step of the investigation; the first note puts the tip-off under
    investigation (调查中)."""
    body = clean_text(text, _("调查记录"))
    made: list[TipOffNote] = []

    def change(locked: TipOff) -> None:
        _handling(viewer, locked)
        if not locked.is_open:
            raise TipOffError("tipoffs.closed", _("该举报已办结"))
        now = timezone.now()
        if locked.state == TipOffState.ROUTED:
            locked.state, locked.investigation_started_at = TipOffState.INVESTIGATING, now
        made.append(
            TipOffNote.objects.create(
                tipoff=locked, written_at=now, written_by=_user(viewer), text=body
            )
        )

    _step(viewer, tipoff, "tipoff.note", change)
    return made[0]


def close(viewer: Viewer, tipoff: TipOff, outcome: str, summary: str) -> TipOff:
    """Close the tip-off with `outcome` and the summary the informant will read."""
    if outcome not in Outcome.values:
        raise TipOffError("tipoffs.outcome", _("请选择办理结果"))
    text = clean_text(summary, _("办理情况"))

    def change(locked: TipOff) -> None:
        _handling(viewer, locked)
        if not locked.is_open:
            raise TipOffError("tipoffs.closed", _("该举报已办结"))
        now = timezone.now()
        if locked.investigation_started_at is None:
            locked.investigation_started_at = now
        locked.state, locked.outcome, locked.outcome_summary = TipOffState.CLOSED, outcome, text
        locked.closed_at, locked.closed_on = now, timezone.localdate(now)
        locked.closed_by = _user(viewer)

    return _step(viewer, tipoff, "tipoff.close", change)


def _amount(raw: str | Decimal) -> Decimal:
    try:
        amount = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise TipOffError("tipoffs.reward_amount", _("奖励金额应为数字（元）")) from exc
    if not amount.is_finite() or amount <= 0 or amount > MAX_REWARD:
        raise TipOffError(
            "tipoffs.reward_amount", _("奖励金额应大于 0 且不超过 %s 元") % f"{MAX_REWARD:,.0f}"
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise TipOffError("tipoffs.reward_amount", _("奖励金额最多保留两位小数"))
    return amount.quantize(Decimal("0.01"))


def record_reward(
    viewer: Viewer,
    tipoff: TipOff,
    *,
    amount: str | Decimal,
    decided_on: datetime.date,
    decided_by: str,
) -> TipOff:
    """Record the reward decided for a substantiated tip-off (once). Paying it is done
    offline: to the named informant, or to whoever presents the receipt code."""
    value = _amount(amount)
    authority = clean_text(decided_by, _("奖励决定机关"), max_length=MAX_NAME)

    def change(locked: TipOff) -> None:
        _handling(viewer, locked)
        if locked.outcome != Outcome.SUBSTANTIATED:
            raise TipOffError("tipoffs.reward_outcome", _("只有查证属实的举报可以记录奖励"))
        if locked.reward_amount is not None:
            raise TipOffError("tipoffs.reward_recorded", _("该举报已记录奖励"))
        if decided_on > timezone.localdate() or decided_on < locked.filed_on:
            raise TipOffError("tipoffs.reward_date", _("奖励决定日期应在举报日期之后且不晚于今天"))
        locked.reward_amount, locked.reward_decided_on = value, decided_on
        locked.reward_decided_by, locked.reward_recorded_by = authority, _user(viewer)

    return _step(viewer, tipoff, "tipoff.reward", change)
