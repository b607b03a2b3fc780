"""The public registry of credit service agencies (/agencies/): standing filings, and the
cancelled ones on their own tab, each linked to the agency's credit file on the portal."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from xinyong.agencies import services

PAGE_SIZE = 50


@require_GET
def agency_registry(request: HttpRequest) -> HttpResponse:
    """Standing filings, the latest filed first; `?status=cancelled` shows the cancelled."""
    cancelled = request.GET.get("status") == "cancelled"
    page = Paginator(services.public_filings(cancelled=cancelled), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    standing, cancelled_total = services.public_counts()
    rows = [services.public_view(filing) for filing in page]
    context = {
        "page": page,
        "rows": [(row, reverse("portal:subject", args=[row.uscc])) for row in rows],
        "cancelled": cancelled,
        "standing_total": standing,
        "cancelled_total": cancelled_total,
    }
    return render(request, "agencies/public_list.html", context)
