"""Public pages."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static

from xinyong.portal.services import overview


def home(request: HttpRequest) -> HttpResponse:
    """The public home page: what the platform holds and what it may record."""
    return render(request, "portal/home.html", {"overview": overview()})


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for where a page names no icon (a PDF, the API's
    JSON): the site's icon rather than a 404 in every log."""
    return HttpResponseRedirect(static("portal/icon.svg"))
