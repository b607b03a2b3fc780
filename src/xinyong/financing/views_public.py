"""The public page of financing matchmaking (/financing/): what 信易贷 is here and the
platform's aggregate figures — requests, amounts asked, grants to banks, loans reported —
by bank and by month. No subject is named."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from xinyong.financing import services
from xinyong.financing.policy import financing_policy

MONTHS_SHOWN = 24


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    stats = services.public_statistics()
    context = {
        "stats": stats,
        "months": stats.by_month[:MONTHS_SHOWN],
        "today": timezone.localdate(),
        "open_days": financing_policy().open_days,
    }
    return render(request, "financing/public.html", context)
