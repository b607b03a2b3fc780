"""Public pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xinyong.portal.services import overview


def home(request: HttpRequest) -> HttpResponse:
    """The public home page: what the platform holds and what it may record."""
    return render(request, "portal/home.html", {"overview": overview()})
