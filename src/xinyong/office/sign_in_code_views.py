"""The demo verifier's desk: a credit office operator reads out a subject's one-time
sign-in code (see `xinyong.rights.verification`). With a production verifier the page says
that codes are delivered directly and shows none."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from xinyong.office.access import is_credit_office, refused, viewer_of
from xinyong.office.views import office_login_required
from xinyong.rights.services import codes_for_operators, shown_code
from xinyong.rights.verification import verifier
from xinyong.subjects.services import display_name


@office_login_required
@require_GET
def sign_in_codes(request: HttpRequest) -> HttpResponse:
    if not is_credit_office(viewer_of(request)):
        return refused(
            request, _("登录验证码"), _("只有信用办工作人员可以查看待发送的登录验证码。")
        )
    shows = verifier().shows_codes_to_operators
    rows = [
        {
            "subject": display_name(c.subject) if c.subject else _("（平台无此主体）"),
            "staff": c.member.shown_name if c.member else "",
            "code": shown_code(c),
            "created_at": c.created_at,
            "expires_at": c.expires_at,
        }
        for c in (codes_for_operators() if shows else [])
    ]
    return render(request, "office/sign_in_codes.html", {"rows": rows, "shows": shows})
