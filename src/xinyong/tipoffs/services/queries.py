"""Reading tip-offs in the back office: the queues, one tip-off's files and notes, the
departments it may be routed to, and who may take which step.

Every read goes through `restrict()` (tipoffs.permissions): the credit office sees every
tip-off, a department those routed to it. The `may_*` predicates choose which forms a page
offers; the services check again when the step is taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.db.models import Case, IntegerField, QuerySet, Value, When

from xinyong.accounts.models import Organisation, OrganisationKind
from xinyong.core.permissions import VIEW, Viewer
from xinyong.rights.files import open_evidence
from xinyong.tipoffs.models import Outcome, TipOff, TipOffAttachment, TipOffNote, TipOffState
from xinyong.tipoffs.permissions import (
    HANDLER_KINDS,
    HANDLING_ROLES,
    OVERSEEING_ROLES,
    ROUTING_ROLES,
)
from xinyong.tipoffs.policy import TipOffPolicyError, tipoff_policy

_RELATED = ("department", "subject")
ROUTABLE_STATES = (TipOffState.RECEIVED, TipOffState.ROUTED)
"""A tip-off may be routed, or routed again, until its department starts investigating."""


def visible_to(viewer: Viewer) -> QuerySet[TipOff]:
    """The tip-offs `viewer` may see in the back office."""
    return TipOff.objects.restrict(viewer, VIEW).select_related(*_RELATED)


def is_credit_office(viewer: Viewer) -> bool:
    return viewer.organisation_kind == OrganisationKind.CREDIT_OFFICE.value


def is_overseer(viewer: Viewer) -> bool:
    """Whether `viewer` sees every tip-off and the statistics (the credit office)."""
    return is_credit_office(viewer) and (
        viewer.is_superuser or bool(viewer.roles & OVERSEEING_ROLES)
    )


def routes(viewer: Viewer) -> bool:
    """Whether `viewer` is credit office staff who route tip-offs."""
    return (
        viewer.user_id is not None
        and is_credit_office(viewer)
        and (viewer.is_superuser or bool(viewer.roles & ROUTING_ROLES))
    )


def may_route(viewer: Viewer, tipoff: TipOff) -> bool:
    return routes(viewer) and tipoff.state in ROUTABLE_STATES


def handles(viewer: Viewer, tipoff: TipOff) -> bool:
    """Whether `viewer` is handling staff of the department the tip-off is routed to (its
    organisation active): the only people who read the informant's contact details."""
    return (
        viewer.user_id is not None
        and tipoff.department_id is not None
        and viewer.organisation_id == tipoff.department_id
        and viewer.organisation_kind in HANDLER_KINDS
        and bool(viewer.roles & HANDLING_ROLES)
    )


def may_handle(viewer: Viewer, tipoff: TipOff) -> bool:
    """Whether `viewer` may add notes to and close the (open, routed) tip-off."""
    return handles(viewer, tipoff) and tipoff.state in (
        TipOffState.ROUTED,
        TipOffState.INVESTIGATING,
    )


def may_reward(viewer: Viewer, tipoff: TipOff) -> bool:
    return (
        handles(viewer, tipoff)
        and tipoff.outcome == Outcome.SUBSTANTIATED
        and tipoff.reward_amount is None
    )


def queue(viewer: Viewer, *, state: str = "") -> QuerySet[TipOff]:
    """The credit office's queue (every tip-off) or a department's (those routed to it):
    the steps still to take first — unrouted, routed, under investigation — oldest first,
    then the closed ones, newest first."""
    rows = visible_to(viewer)
    if not is_overseer(viewer):
        if viewer.organisation_id is None:
            return TipOff.objects.none()
        rows = rows.filter(department_id=viewer.organisation_id)
    if state:
        rows = rows.filter(state=state)
    order = Case(
        When(state=TipOffState.RECEIVED, then=Value(0)),
        When(state=TipOffState.ROUTED, then=Value(1)),
        When(state=TipOffState.INVESTIGATING, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return rows.annotate(step=order).order_by("step", "-closed_at", "filed_at", "pk")


def attachments_of(tipoff: TipOff) -> list[TipOffAttachment]:
    return list(tipoff.attachments.order_by("position"))


def notes_of(tipoff: TipOff) -> list[TipOffNote]:
    return list(tipoff.notes.select_related("written_by").order_by("written_at", "pk"))


def open_attachment(tipoff: TipOff, position: int) -> tuple[TipOffAttachment, IO[bytes]] | None:
    """One of the tip-off's files, opened for reading; None if it has no such file. The
    caller has decided that its reader may see `tipoff`."""
    attachment = tipoff.attachments.filter(position=position).first()
    if attachment is None:
        return None
    return attachment, open_evidence(attachment.stored_path)


@dataclass(frozen=True)
class RoutingChoices:
    """The organisations a tip-off may go to: those of the sectors its category names
    first (the suggestions), then every other active department, district and court."""

    suggested: list[Organisation]
    others: list[Organisation]


def routing_choices(tipoff: TipOff) -> RoutingChoices:
    try:
        category = tipoff_policy().category(tipoff.category)
    except TipOffPolicyError:
        category = None
    sectors = set(category.sectors) if category else set()
    active = Organisation.objects.filter(is_active=True, kind__in=HANDLER_KINDS).order_by(
        "kind", "uscc"
    )
    suggested = [o for o in active if o.sector in sectors]
    return RoutingChoices(suggested, [o for o in active if o.sector not in sectors])
