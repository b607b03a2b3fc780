"""List publicity (名单公示): the list types with their legal basis and deciders, and each list
type's current public entries.

Both pages read `lists.public`, so they show exactly the entries the public rule allows:
in force, published, their publication date come; removed, expired and unpublished
entries are on neither.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinyong.catalog.models import ListKind
from xinyong.core.models import District
from xinyong.lists.public import list_type_page, public_list_types
from xinyong.portal.subject_views import subject_path


class ListFilter(forms.Form):
    """The list page's filter, read from the query string."""

    district = forms.ChoiceField(label=gettext_lazy("主体所在区"), required=False)

    def __init__(self, data: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        districts = District.objects.filter(is_current=True).order_by("code")
        self.fields["district"].choices = [("", _("全部"))] + [  # type: ignore[attr-defined]
            (d.code, d.name) for d in districts
        ]


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


def list_types(request: HttpRequest) -> HttpResponse:
    """Every list type: what it is, on what legal basis, who decides it, how many entries
    are public now."""
    types = public_list_types()
    sections = [
        {
            "kind": kind.value,
            "title": kind.label,
            "types": [t for t in types if t.kind == kind],
        }
        for kind in (ListKind.PUNISHMENT, ListKind.INCENTIVE)
    ]
    return render(request, "portal/publicity_lists.html", {"sections": sections})


def list_type(request: HttpRequest, code: str) -> HttpResponse:
    """One list type's current public entries, the latest inclusion first, optionally of
    one district."""
    form = ListFilter(request.GET or None)
    district = ""
    if form.is_bound and form.is_valid():
        district = form.cleaned_data["district"]
    page = list_type_page(code, district=district, page=_page_number(request))
    if page is None:
        return render(request, "portal/list_not_found.html", status=404)
    context = {
        "form": form,
        "page": page,
        "rows": [(row, subject_path(row.subject)) for row in page.rows],
        "query": urlencode({"district": district} if district else {}),
    }
    return render(request, "portal/publicity_list.html", context)
