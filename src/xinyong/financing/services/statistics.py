"""Figures of financing matchmaking: requests and amounts asked, grants (one consent per bank
a request was sent to), loans reported and their amounts — in total, by bank and by month.

The credit office sees every bank, a bank its own reviews only (through `restrict()`); the
public page shows the platform's aggregates, which name banks but never a subject. A period
selects requests by publication date; loans are those reported on these requests, counted in
the month of the loan.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from xinyong.core.permissions import Viewer
from xinyong.financing.models import BankReview, FinancingRequest, ReviewDecision, ReviewStatus

ZERO = Decimal("0.00")
_ACCEPTED = (ReviewStatus.ACCEPTED, ReviewStatus.MORE_INFO, ReviewStatus.GRANTED)


@dataclass
class Figures:
    """One row of figures (a bank, a month, or the total)."""

    label: str
    requests: int = 0
    asked: Decimal = ZERO
    grants: int = 0
    accepted: int = 0
    declined: int = 0
    loans: int = 0
    lent: Decimal = ZERO


@dataclass
class Statistics:
    total: Figures
    by_bank: list[Figures] = field(default_factory=list)
    by_month: list[Figures] = field(default_factory=list)


def _money(value: Decimal | None) -> Decimal:
    """A sum in 万元 to the cent (SQLite sums decimals without their scale)."""
    return (value or ZERO).quantize(ZERO)


def _month(value: datetime.date | datetime.datetime) -> str:
    return f"{value.year}-{value.month:02d}"


def _statistics(reviews: QuerySet[BankReview]) -> Statistics:
    requests = FinancingRequest.objects.filter(pk__in=reviews.values("request_id"))
    loans = ReviewDecision.objects.filter(review__in=reviews, status=ReviewStatus.GRANTED)
    asked = requests.aggregate(n=Count("pk"), amount=Sum("amount"))
    lent = loans.aggregate(n=Count("pk"), amount=Sum("loan_amount"))
    counted = reviews.aggregate(
        n=Count("pk"),
        accepted=Count("pk", filter=Q(status__in=_ACCEPTED)),
        declined=Count("pk", filter=Q(status=ReviewStatus.DECLINED)),
    )
    total = Figures(
        "",
        requests=asked["n"],
        asked=_money(asked["amount"]),
        grants=counted["n"],
        accepted=counted["accepted"],
        declined=counted["declined"],
        loans=lent["n"],
        lent=_money(lent["amount"]),
    )
    return Statistics(total, _by_bank(reviews, loans), _by_month(requests, reviews, loans))


def _by_bank(reviews: QuerySet[BankReview], loans: QuerySet[ReviewDecision]) -> list[Figures]:
    rows = reviews.values("organisation_id", "organisation__name").annotate(
        n=Count("pk"),
        asked=Sum("request__amount"),
        accepted=Count("pk", filter=Q(status__in=_ACCEPTED)),
        declined=Count("pk", filter=Q(status=ReviewStatus.DECLINED)),
    )
    lent = {
        row["review__organisation_id"]: row
        for row in loans.values("review__organisation_id").annotate(
            n=Count("pk"), amount=Sum("loan_amount")
        )
    }
    table = []
    for row in rows:
        loan = lent.get(row["organisation_id"], {})
        table.append(
            Figures(
                row["organisation__name"],
                requests=row["n"],
                asked=_money(row["asked"]),
                grants=row["n"],
                accepted=row["accepted"],
                declined=row["declined"],
                loans=loan.get("n", 0),
                lent=_money(loan.get("amount")),
            )
        )
    return sorted(table, key=lambda f: (-f.grants, f.label))


def _by_month(
    requests: QuerySet[FinancingRequest],
    reviews: QuerySet[BankReview],
    loans: QuerySet[ReviewDecision],
) -> list[Figures]:
    table: dict[str, Figures] = defaultdict(lambda: Figures(""))
    for row in (
        requests.annotate(month=TruncMonth("published_on"))
        .values("month")
        .annotate(n=Count("pk"), amount=Sum("amount"))
    ):
        figures = table[_month(row["month"])]
        figures.requests, figures.asked = row["n"], _money(row["amount"])
    for row in (
        reviews.annotate(month=TruncMonth("request__published_on"))
        .values("month")
        .annotate(n=Count("pk"))
    ):
        table[_month(row["month"])].grants = row["n"]
    for row in (
        loans.annotate(month=TruncMonth("loan_date"))
        .values("month")
        .annotate(n=Count("pk"), amount=Sum("loan_amount"))
    ):
        figures = table[_month(row["month"])]
        figures.loans, figures.lent = row["n"], _money(row["amount"])
    for month, figures in table.items():
        figures.label = month
    return [table[month] for month in sorted(table, reverse=True)]


def _period(
    reviews: QuerySet[BankReview], since: datetime.date | None, until: datetime.date | None
) -> QuerySet[BankReview]:
    if since is not None:
        reviews = reviews.filter(request__published_on__gte=since)
    if until is not None:
        reviews = reviews.filter(request__published_on__lte=until)
    return reviews


def statistics(
    viewer: Viewer,
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> Statistics:
    """The figures of the reviews `viewer` may see (every bank's for the credit office, its
    own bank's for a bank), for requests published in [since, until]."""
    reviews = _period(BankReview.objects.restrict(viewer), since, until)
    return _statistics(reviews)


def public_statistics() -> Statistics:
    """The platform's aggregate figures for the public page (no subject is named)."""
    return _statistics(BankReview.objects.all())
