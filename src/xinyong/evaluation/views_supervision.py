"""Classified supervision in the back office (/office/supervision/): a model's current grades
by grade and district with the inspection frequency its policy suggests for each grade, and
the subjects of a grade and district as a paginated list or a CSV download.

The same staff who read evaluations (`permissions.may_read_evaluations`) use these pages; a
district government's staff see their own district only. The pages show grades and scores,
never the records behind them (those are on the subject's evaluation page, whose every read
is logged), so a list read is not written to each subject's access log.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from xinyong.accounts.models import Organisation, OrganisationKind
from xinyong.core.models import District
from xinyong.evaluation.permissions import may_read_evaluations
from xinyong.evaluation.services import (
    NO_DISTRICT,
    Supervised,
    all_supervised_subjects,
    published_versions,
    spec_of,
    supervised_subjects,
    supervision_overview,
)
from xinyong.office.access import organisation_of, refused, viewer_of
from xinyong.office.views import office_login_required

DEFAULT_MODEL = "TJGGXY"
PAGE_SIZE = 50


class SupervisionFilter(forms.Form):
    """Which model, and for the list which grade and district ('' for all)."""

    model = forms.ChoiceField(label=_("评价模型"), required=False)
    grade = forms.ChoiceField(label=_("等级"), required=False)
    district = forms.ChoiceField(label=_("区划"), required=False)

    def __init__(
        self, data: Any, *, models: dict[str, str], grades: Sequence[str], locked: str
    ) -> None:
        super().__init__(data)
        self._choose("model", list(models.items()))
        self._choose("grade", [("", _("全部等级")), *((g, g) for g in grades)])
        if locked:
            name = District.objects.filter(code=locked).values_list("name", flat=True).first()
            self._choose("district", [(locked, name or _("未登记区划"))])
        else:
            districts = District.objects.filter(is_current=True).order_by("code")
            self._choose(
                "district",
                [
                    ("", _("全部区划")),
                    *districts.values_list("code", "name"),
                    (NO_DISTRICT, _("未登记区划")),
                ],
            )

    def _choose(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class _Page:
    """The subjects of one filter as Django's paginator reads them: its size from the
    overview's counts, each page one query."""

    def __init__(self, code: str, grade: str, district: str, total: int) -> None:
        self.code, self.grade, self.district, self.total = code, grade, district, total

    def count(self) -> int:
        return self.total

    def __getitem__(self, window: slice) -> list[Supervised]:
        start, stop = window.start or 0, window.stop or self.total
        return supervised_subjects(
            self.code, grade=self.grade, district=self.district, offset=start, limit=stop - start
        )


def _refused(request: HttpRequest) -> HttpResponse:
    return refused(
        request,
        _("分级分类监管"),
        _("只有信用办的工作人员和各部门、各区负责分级分类监管的核查员、管理员可以查看。"),
    )


def _locked_district(organisation: Organisation | None) -> str:
    """A district government's own district: the only one its staff see."""
    if organisation is None or organisation.kind != OrganisationKind.DISTRICT:
        return ""
    district = organisation.district
    return district.code if district is not None else NO_DISTRICT


def _filters(request: HttpRequest) -> tuple[SupervisionFilter, dict[str, str]] | None:
    """The filter of the request with the published models; None when nothing is published."""
    versions = {version.code: version for version in published_versions()}
    if not versions:
        return None
    models = {code: f"{v.name}（{code}）" for code, v in versions.items()}
    locked = _locked_district(organisation_of(request))
    data = request.GET.copy()
    data.setdefault("model", DEFAULT_MODEL if DEFAULT_MODEL in models else next(iter(models)))
    if locked:
        data["district"] = locked
    chosen = versions.get(str(data["model"]))
    grades = [row.grade for row in spec_of(chosen).grades] if chosen else []
    form = SupervisionFilter(data, models=models, grades=grades, locked=locked)
    if not form.is_valid():
        return form, {}
    return form, {key: str(form.cleaned_data[key]) for key in ("model", "grade", "district")}


def _query(values: dict[str, str], **changes: str) -> str:
    return urlencode({k: v for k, v in {**values, **changes}.items() if v})


@require_GET
@office_login_required
def overview(request: HttpRequest) -> HttpResponse:
    """A model's current grades by grade × district, with each grade's supervision."""
    if not may_read_evaluations(viewer_of(request)):
        return _refused(request)
    found = _filters(request)
    if found is None:
        return render(request, "evaluation/supervision.html", {"unpublished": True})
    form, values = found
    if not values:
        return render(request, "evaluation/supervision.html", {"form": form}, status=400)
    counts = supervision_overview(values["model"])
    shown = _code(values["district"])
    districts = [c for c in counts.districts if not values["district"] or c.code == shown]
    grade_rows = [
        (row, sum(row.by_district.get(c.code, 0) for c in districts)) for row in counts.grades
    ]
    district_rows = [
        {
            "column": column,
            "query": _query({"model": values["model"], "district": column.code or NO_DISTRICT}),
            "cells": [(row.grade, row.by_district.get(column.code, 0)) for row in counts.grades],
        }
        for column in districts
    ]
    context = {
        "form": form,
        "overview": counts,
        "grade_rows": grade_rows,
        "district_rows": district_rows,
        "total": sum(total for _row, total in grade_rows),
        "grade_query": _query({"model": values["model"], "district": values["district"]}),
    }
    return render(request, "evaluation/supervision.html", context)


def _code(district: str) -> str:
    return "" if district == NO_DISTRICT else district


@require_GET
@office_login_required
def subjects(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The subjects of a grade and district, a page at a time; `format=csv` downloads all."""
    if not may_read_evaluations(viewer_of(request)):
        return _refused(request)
    found = _filters(request)
    if found is None:
        return render(request, "evaluation/supervision.html", {"unpublished": True})
    form, values = found
    if not values:
        return render(request, "evaluation/supervision.html", {"form": form}, status=400)
    code, grade, district = values["model"], values["grade"], values["district"]
    if request.GET.get("format") == "csv":
        return _download(code, grade, district)
    counts = supervision_overview(code)
    rows = _Page(code, grade, district, counts.count(grade, district))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type,var-annotated]
    context = {
        "form": form,
        "overview": counts,
        "page": page,
        "values": values,
        "query": _query(values),
        "csv_query": _query(values, format="csv"),
        "grade_row": next((row for row in counts.grades if row.grade == grade), None),
    }
    return render(request, "evaluation/supervision_subjects.html", context)


class _Echo:
    """A file that hands back what is written to it: csv.writer lines for a stream."""

    def write(self, value: str) -> str:
        return value


HEADER = (
    _("名称"), _("统一社会信用代码"), _("区划"), _("等级"), _("原等级"), _("得分"),
    _("数据截止日期"), _("模型版本"), _("主体编号"),
)  # fmt: skip


def _lines(code: str, grade: str, district: str) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # spreadsheet programs read the file as UTF-8
    yield writer.writerow([str(title) for title in HEADER])
    for r in all_supervised_subjects(code, grade=grade, district=district):
        as_of = r.as_of.isoformat()
        cells = (r.name, r.uscc, r.district, r.grade, r.legacy_grade, r.score, as_of, r.version)
        yield writer.writerow([*cells, r.public_id])


def _download(code: str, grade: str, district: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _lines(code, grade, district), content_type="text/csv; charset=utf-8"
    )
    day = timezone.localdate().isoformat()
    name = f"supervision-{code}-{grade or 'all'}-{district or 'all'}-{day}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
