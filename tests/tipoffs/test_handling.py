"""Handling a tip-off: who routes it (the credit office's operators), who sees it, who
investigates, closes and records a reward (the handling department's staff), in which states,
and that closing one never creates a credit record."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.tipoffs.conftest import Staff, audited, file_with_contact, report
from xinyong.accounts.models import Organisation, User
from xinyong.accounts.permissions import viewer_for_user
from xinyong.core.models import AuditEntry
from xinyong.core.permissions import SYSTEM, Viewer
from xinyong.records.models import Record
from xinyong.tipoffs.models import TipOff, TipOffNote
from xinyong.tipoffs.services import (
    TipOffError,
    add_note,
    close,
    file_tipoff,
    queue,
    record_reward,
    reveal,
    route,
    routing_choices,
    visible_to,
)

pytestmark = pytest.mark.django_db


def _unchanged(tipoff: TipOff) -> Any:
    return TipOff.objects.filter(pk=tipoff.pk).values().get()


def _refused(step: Any, reason: str) -> None:
    audited = AuditEntry.objects.count()
    with pytest.raises(TipOffError) as refused:
        step()
    assert refused.value.reason == reason, refused.value
    assert AuditEntry.objects.count() == audited


@pytest.fixture
def routed(staff: Staff) -> TipOff:
    return route(staff.credit, file_with_contact().tipoff, staff.market_org, "涉嫌虚假宣传，请核查")


def test_the_credit_office_routes_to_the_competent_department(staff: Staff) -> None:
    tipoff = file_tipoff(report()).tipoff
    suggestions = routing_choices(tipoff)
    assert [o.sector for o in suggestions.suggested] == ["market_regulation"]
    assert all(o.kind != "credit_office" for o in suggestions.others)

    routed = route(staff.credit, tipoff, staff.market_org, "涉嫌虚假宣传，请核查")

    assert (routed.state, routed.department, routed.routing_note) == (
        "routed",
        staff.market_org,
        "涉嫌虚假宣传，请核查",
    )
    entry = AuditEntry.objects.get(action="tipoff.route")
    assert (
        entry.organisation_id == staff.market_org.pk
        and audited("tipoff.route")["state"] == "routed"
    )
    again = route(staff.credit, routed, staff.tax_org, "改由税务部门核查")
    assert again.department == staff.tax_org


def test_routing_is_refused_to_others_and_to_wrong_targets(staff: Staff, routed: TipOff) -> None:
    fresh = file_tipoff(report()).tipoff
    before = _unchanged(fresh)
    credit_office = Organisation.objects.get(kind="credit_office")
    closed_down = Organisation.objects.filter(kind="department", sector="statistics").get()
    Organisation.objects.filter(pk=closed_down.pk).update(is_active=False)
    closed_down.refresh_from_db()
    for who in (staff.credit_auditor, staff.market, staff.tax, SYSTEM):
        _refused(
            lambda who=who: route(who, fresh, staff.market_org, "请核查"), "tipoffs.not_router"
        )
    _refused(lambda: route(staff.credit, fresh, credit_office, "请核查"), "tipoffs.department")
    _refused(lambda: route(staff.credit, fresh, closed_down, "请核查"), "tipoffs.department")
    _refused(lambda: route(staff.credit, fresh, staff.market_org, " "), "tipoffs.missing")
    _refused(
        lambda: route(staff.credit, routed, staff.market_org, "再转"), "tipoffs.same_department"
    )
    assert _unchanged(fresh) == before
    add_note(staff.market, routed, "已调取网店页面存证")
    _refused(lambda: route(staff.credit, routed, staff.tax_org, "再转"), "tipoffs.not_routable")


def test_each_sees_only_what_concerns_it(staff: Staff, routed: TipOff) -> None:
    unrouted = file_tipoff(report()).tipoff
    both = {routed.pk, unrouted.pk}
    assert set(visible_to(staff.credit).values_list("pk", flat=True)) == both
    assert set(visible_to(staff.credit_auditor).values_list("pk", flat=True)) == both
    assert list(visible_to(staff.market).values_list("pk", flat=True)) == [routed.pk]
    assert list(visible_to(staff.market_auditor).values_list("pk", flat=True)) == [routed.pk]
    assert not visible_to(staff.tax).exists()
    assert not visible_to(Viewer()).exists()
    assert [t.pk for t in queue(staff.credit)] == [unrouted.pk, routed.pk]  # unrouted first
    assert [t.pk for t in queue(staff.market)] == [routed.pk]
    assert not queue(staff.tax).exists()


def test_the_department_investigates_and_closes(staff: Staff, routed: TipOff) -> None:
    records = Record.objects.count()
    note = add_note(staff.market, routed, "已向当事人送达询问通知书")
    routed.refresh_from_db()
    assert routed.state == "investigating" and routed.investigation_started_at is not None
    assert note.written_by.username == "market_reviewer"

    closed = close(staff.market, routed, "substantiated", "经查属实，已立案查处")

    assert (closed.state, closed.outcome, closed.closed_on) == (
        "closed",
        "substantiated",
        timezone.localdate(),
    )
    assert Record.objects.count() == records  # a tip-off never creates a record by itself
    actions = list(
        AuditEntry.objects.filter(object_id=routed.public_id).values_list("action", flat=True)
    )
    assert actions == ["tipoff.file", "tipoff.route", "tipoff.note", "tipoff.close"]
    _refused(lambda: add_note(staff.market, closed, "补记"), "tipoffs.closed")
    _refused(lambda: close(staff.market, closed, "not_substantiated", "再办结"), "tipoffs.closed")


def test_only_the_handling_staff_take_its_steps(staff: Staff, routed: TipOff) -> None:
    unrouted = file_tipoff(report()).tipoff
    before = _unchanged(routed)
    for who in (staff.credit, staff.credit_auditor, staff.market_auditor, staff.tax, SYSTEM):
        _refused(lambda who=who: add_note(who, routed, "记录"), "tipoffs.not_handler")
        _refused(lambda who=who: close(who, routed, "substantiated", "属实"), "tipoffs.not_handler")
        _refused(lambda who=who: reveal(who, routed), "tipoffs.not_handler")
    _refused(lambda: close(staff.market, unrouted, "substantiated", "属实"), "tipoffs.not_handler")
    _refused(lambda: close(staff.market, routed, "maybe", "属实"), "tipoffs.outcome")
    _refused(lambda: close(staff.market, routed, "substantiated", ""), "tipoffs.missing")
    assert _unchanged(routed) == before and not TipOffNote.objects.exists()


def test_a_deactivated_department_loses_the_case(staff: Staff, routed: TipOff) -> None:
    Organisation.objects.filter(pk=staff.market_org.pk).update(is_active=False)
    signed_in_later = viewer_for_user(User.objects.get(username="market_reviewer"))
    assert not visible_to(signed_in_later).exists()
    # A viewer made before the change (a request under way) is refused by the service.
    _refused(
        lambda: close(staff.market, routed, "substantiated", "属实"),
        "tipoffs.organisation_inactive",
    )


def test_a_reward_is_recorded_once_for_a_substantiated_tipoff(staff: Staff, routed: TipOff) -> None:
    today = timezone.localdate()
    other = route(staff.credit, file_tipoff(report()).tipoff, staff.market_org, "请核查")
    close(staff.market, other, "not_substantiated", "查无实据")
    _refused(
        lambda: record_reward(staff.market, other, amount="100", decided_on=today, decided_by="委"),
        "tipoffs.reward_outcome",
    )
    closed = close(staff.market, routed, "substantiated", "经查属实")
    reward: dict[str, Any] = {"decided_on": today, "decided_by": "天津市市场监督管理委员会"}
    for amount in ("0", "-5", "abc", "1000000.01", "12.345", "NaN"):
        _refused(
            lambda amount=amount: record_reward(staff.market, closed, amount=amount, **reward),
            "tipoffs.reward_amount",
        )
    tomorrow = today + datetime.timedelta(days=1)
    _refused(
        lambda: record_reward(
            staff.market, closed, amount="500", decided_on=tomorrow, decided_by="委"
        ),
        "tipoffs.reward_date",
    )
    _refused(
        lambda: record_reward(staff.credit, closed, amount="500", **reward), "tipoffs.not_handler"
    )

    rewarded = record_reward(staff.market, closed, amount="1,500.50", **reward)

    assert rewarded.reward_amount == Decimal("1500.50") and rewarded.reward_decided_on == today
    assert audited("tipoff.reward")["reward"] == "1500.50"
    _refused(
        lambda: record_reward(staff.market, rewarded, amount="1", **reward),
        "tipoffs.reward_recorded",
    )
