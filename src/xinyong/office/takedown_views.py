"""The takedown report in the back office (到期撤下报告): records whose publication ended
and list entries removed at the end of their duration, day by day, for the credit office to
prove that nothing stayed published past its end date. The page shows the counts per day
and the first rows; the CSV download holds every row of the period, streamed.

The rows come from `lists.services.takedowns`, which reads through `restrict()`.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from itertools import islice
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from xinyong.accounts.models import Role
from xinyong.core.permissions import Viewer
from xinyong.lists.services import (
    TakedownError,
    check_period,
    csv_header,
    csv_row,
    kind_label,
    takedowns,
    takedowns_per_day,
)
from xinyong.office.access import is_credit_office, refused, viewer_of
from xinyong.office.views import office_login_required

ROWS_SHOWN = 500
DEFAULT_DAYS = 7
OVERSEEING_ROLES = frozenset({Role.ADMIN.value, Role.OPERATOR.value, Role.AUDITOR.value})
"""Credit office roles that oversee every department's records and lists."""


class PeriodForm(forms.Form):
    """The report's period: the days things came off the surfaces, both included."""

    day_from = forms.DateField(
        label=_("起始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    day_to = forms.DateField(
        label=_("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        today = timezone.localdate()
        day_to = cleaned.get("day_to") or today
        day_from = cleaned.get("day_from") or day_to - datetime.timedelta(days=DEFAULT_DAYS - 1)
        try:
            check_period(day_from, day_to)
        except TakedownError as exc:
            raise forms.ValidationError(exc.message, code=exc.reason) from exc
        cleaned["day_from"], cleaned["day_to"] = day_from, day_to
        return cleaned


def may_read(viewer: Viewer) -> bool:
    """The credit office's admins, operators and auditors read the report."""
    return is_credit_office(viewer) and bool(viewer.roles & OVERSEEING_ROLES)


class _Echo:
    """A file that hands back what is written to it: csv.writer lines for a stream."""

    def write(self, value: str) -> str:
        return value


def _csv(viewer: Viewer, day_from: datetime.date, day_to: datetime.date) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # spreadsheet programs read the file as UTF-8
    yield writer.writerow(csv_header())
    for row in takedowns(viewer, day_from, day_to):
        yield writer.writerow(csv_row(row))


@require_GET
@office_login_required
def takedown_report(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The report of a period (the last seven days by default); `format=csv` downloads it."""
    viewer = viewer_of(request)
    if not may_read(viewer):
        return refused(
            request,
            _("到期撤下报告"),
            _("只有信用办的管理员、操作员和审计员可以查看到期撤下报告。"),
        )
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "office/takedowns.html", {"form": form}, status=400)
    day_from, day_to = form.cleaned_data["day_from"], form.cleaned_data["day_to"]
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(
            _csv(viewer, day_from, day_to), content_type="text/csv; charset=utf-8"
        )
        name = f"takedowns-{day_from.isoformat()}-{day_to.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    days = takedowns_per_day(viewer, day_from, day_to)
    total = sum(d.records + d.list_entries for d in days)
    rows = [
        {"row": row, "kind": kind_label(row.kind)}
        for row in islice(takedowns(viewer, day_from, day_to), ROWS_SHOWN)
    ]
    period = {"day_from": day_from.isoformat(), "day_to": day_to.isoformat()}
    context = {
        "form": PeriodForm(period),  # shows the default period when none was asked for
        "day_from": day_from,
        "day_to": day_to,
        "days": days,
        "records_total": sum(d.records for d in days),
        "entries_total": sum(d.list_entries for d in days),
        "total": total,
        "rows": rows,
        "rows_shown": ROWS_SHOWN,
        "csv_query": urlencode({**period, "format": "csv"}),
    }
    return render(request, "office/takedowns.html", context)
