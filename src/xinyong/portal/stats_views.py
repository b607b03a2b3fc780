"""The public statistics page: tables rendered on the server, charts drawn from the same data.

The view turns the service's figures into labelled series in the current language; the page
prints them as tables (what works without JavaScript and what screen readers read) and as a
JSON block that `stats.js` draws with ECharts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xinyong.catalog.models import ListKind
from xinyong.portal.statistics import Statistics, statistics
from xinyong.subjects.models import SubjectKind

STATISTICS_SECONDS = 300
"""How long computed figures are served from the shared cache: the records pass reads every
public record (about a second at five million), too much to repeat for each anonymous visit;
five minutes old is fresh enough for monthly and district counts."""

CHART_DEPARTMENTS = 8
"""Departments drawn one by one in the monthly chart; the rest are one "other" series (the
table lists every department)."""


def _series(name: str, data: Sequence[float | None]) -> dict[str, Any]:
    return {"name": name, "data": list(data)}


def _monthly_series(figures: Statistics) -> list[dict[str, Any]]:
    shown = figures.monthly[:CHART_DEPARTMENTS]
    series = [_series(row.department, row.counts) for row in shown]
    rest = figures.monthly[CHART_DEPARTMENTS:]
    if rest:
        others = [sum(column) for column in zip(*(r.counts for r in rest), strict=True)]
        series.append(_series(_("其他部门"), others))
    return series


def _percent(rate: float | None) -> float | None:
    return round(rate * 100, 1) if rate is not None else None


def chart_data(figures: Statistics, months: list[str], kinds: list[str]) -> dict[str, Any]:
    """What `stats.js` draws: categories and series, every label already translated."""
    return {
        "monthly": {
            "categories": months,
            "series": _monthly_series(figures),
            "unit": _("条"),
        },
        "timeliness": {
            "categories": [row.department for row in figures.timeliness],
            "series": [_series(_("按时报送率"), [_percent(r.rate) for r in figures.timeliness])],
            "unit": "%",
        },
        "lists": {
            "categories": months,
            "series": [
                {**_series(str(ListKind(kind).label), counts), "kind": kind}
                for kind, counts in figures.lists.new_by_kind
            ],
            "unit": _("条"),
        },
        "districts": {
            "categories": [row.name or _("未注明行政区") for row in figures.districts],
            "series": [
                _series(kind, [row.counts[i] for row in figures.districts])
                for i, kind in enumerate(kinds)
            ],
            "unit": _("户"),
        },
    }


def statistics_page(request: HttpRequest) -> HttpResponse:
    """Public records by department and month, timeliness by department, list entries by
    month and list type, subjects by district."""
    key = f"portal:statistics:{timezone.localdate().isoformat()}"
    figures = cache.get(key)
    if not isinstance(figures, Statistics):
        figures = statistics()
        cache.set(key, figures, STATISTICS_SECONDS)
    month_format = pgettext("year and month in a table heading", "Y年n月")
    months = [date_format(month, month_format) for month in figures.months]
    kind_labels = dict(SubjectKind.choices)
    kinds = [str(kind_labels[kind]) for kind in figures.kinds]
    context = {
        "stats": figures,
        "months": months,
        "kinds": kinds,
        "timeliness": [(row, _percent(row.rate)) for row in figures.timeliness],
        "list_months": [
            (str(ListKind(kind).label), counts, sum(counts))
            for kind, counts in figures.lists.new_by_kind
        ],
        "charts": chart_data(figures, months, kinds),
    }
    return render(request, "portal/stats.html", context)
