"""Reading commitments: a subject's own, what a staff viewer may see, one commitment's
history, and performance per accepting unit for the credit office."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from xinyong.commitments.models import Commitment, CommitmentEvent, CommitmentState
from xinyong.core.permissions import Viewer
from xinyong.subjects.models import Subject


def commitments_of(subject: Subject) -> QuerySet[Commitment]:
    """The subject's own commitments, newest first (for its account)."""
    return Commitment.objects.filter(subject=subject).select_related("organisation")


def commitment_of(subject: Subject, public_id: str) -> Commitment | None:
    """One of the subject's commitments; None for another subject's or an unknown id."""
    return commitments_of(subject).filter(public_id=public_id[:32]).first()


def visible_to(viewer: Viewer) -> QuerySet[Commitment]:
    """The commitments a staff viewer may see (the credit office: all; an accepting unit:
    those made to it), newest first."""
    return Commitment.objects.restrict(viewer).select_related("subject", "organisation")


def history(commitment: Commitment) -> list[CommitmentEvent]:
    return list(commitment.events.select_related("organisation").order_by("id"))


@dataclass(frozen=True)
class UnitPerformance:
    """One row of the performance table: an accepting unit's commitments by state.

    `breach_rate` is breached over decided (fulfilled + breached): commitments still in
    force or withdrawn say nothing yet about keeping one's word."""

    organisation: str
    registered: int
    in_force: int
    fulfilled: int
    breached: int
    withdrawn: int

    @property
    def decided(self) -> int:
        return self.fulfilled + self.breached

    @property
    def breach_rate(self) -> float | None:
        return self.breached / self.decided if self.decided else None


def _count(state: str) -> Count:
    return Count("pk", filter=Q(state=state))


def performance(
    viewer: Viewer, *, since: datetime.date | None = None, until: datetime.date | None = None
) -> list[UnitPerformance]:
    """Per accepting unit, for commitments signed in [since, until]: registered, in force,
    fulfilled, breached, withdrawn, and the breach rate; the most registered first. One
    query."""
    rows = Commitment.objects.restrict(viewer)
    if since is not None:
        rows = rows.filter(signed_on__gte=since)
    if until is not None:
        rows = rows.filter(signed_on__lte=until)
    totals = (
        rows.values("organisation_id", "organisation__name")
        .annotate(
            registered=Count("pk"),
            in_force=_count(CommitmentState.IN_FORCE),
            fulfilled=_count(CommitmentState.FULFILLED),
            breached=_count(CommitmentState.BREACHED),
            withdrawn=_count(CommitmentState.WITHDRAWN),
        )
        .order_by("-registered", "organisation__name")
    )
    return [
        UnitPerformance(
            organisation=row["organisation__name"],
            registered=row["registered"],
            in_force=row["in_force"],
            fulfilled=row["fulfilled"],
            breached=row["breached"],
            withdrawn=row["withdrawn"],
        )
        for row in totals
    ]


def overall(rows: list[UnitPerformance], label: str) -> UnitPerformance:
    """The sum of `rows`, named `label`."""
    return UnitPerformance(
        organisation=label,
        registered=sum(r.registered for r in rows),
        in_force=sum(r.in_force for r in rows),
        fulfilled=sum(r.fulfilled for r in rows),
        breached=sum(r.breached for r in rows),
        withdrawn=sum(r.withdrawn for r in rows),
    )
