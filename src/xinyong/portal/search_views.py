"""The public search page: one box for a subject's name, any of its codes, or a person's
exact identity.

Every search box posts its query. A query without an ID number is sent on (303) to
`/search/?q=…`, an address that can be bookmarked, shared and paged; a query that holds an
ID-number-shaped run of digits is answered on the spot, so the number never reaches an
address bar, a server log or a Referer header. Only such a posted query may find a natural
person by ID number; `subjects.services.search_subjects` decides what is found, and
`lists.public.list_status` the page's list badges (one query for all its results).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from xinyong.core.models import District
from xinyong.core.privacy import mask_in_text
from xinyong.core.ratelimit import limit_anonymous
from xinyong.lists.public import list_status
from xinyong.records.public import under_objection
from xinyong.subjects.services import Results, carries_id_number, search_subjects


def _page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1


def _render(request: HttpRequest, results: Results, district: str, *, posted: bool) -> HttpResponse:
    personal = carries_id_number(results.query)
    filters = {"q": results.query, "district": district}
    statuses = list_status(hit.public_id for hit in results.hits)
    objected = under_objection(hit.public_id for hit in results.hits)
    context = {
        "results": results,
        "rows": [
            (hit, statuses.get(hit.public_id), hit.public_id in objected) for hit in results.hits
        ],
        "shown_query": mask_in_text(results.query) if personal else results.query,
        "input_value": "" if personal else results.query,
        "district": district,
        "districts": District.objects.filter(is_current=True).order_by("code"),
        # Page links repeat the query in the address: never one that holds an ID number.
        "pager_query": ""
        if posted or personal
        else urlencode({k: v for k, v in filters.items() if v}),
        "posted": posted,
    }
    return render(request, "portal/search.html", context)


@require_http_methods(["GET", "POST"])
@limit_anonymous("search")
def search(request: HttpRequest) -> HttpResponse:
    """Search results (GET), or a posted query sent on to them (see the module doc)."""
    if request.method == "POST":
        query = request.POST.get("q", "").strip()
        district = request.POST.get("district", "").strip()
        if carries_id_number(query):
            results = search_subjects(query, district=district, citizen_id=True)
            return _render(request, results, district, posted=True)
        params = urlencode({k: v for k, v in (("q", query), ("district", district)) if v})
        response = HttpResponseRedirect(reverse("portal:search") + (f"?{params}" if params else ""))
        response.status_code = 303
        return response
    district = request.GET.get("district", "").strip()
    results = search_subjects(
        request.GET.get("q", ""), district=district, page=_page_number(request.GET.get("page"))
    )
    return _render(request, results, district, posted=False)
