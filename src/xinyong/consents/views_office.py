"""Back-office consent pages (/office/consents/): for an agency's or bank's staff, the grants
made to their organisation (whom, which items, for what, until when, in which state, and how
to name the subject in the read API); for the credit office, grants and reads by
organisation. Other staff are refused.

Office sign-in admits the staff of any active organisation, banks and agencies included;
consents are read through `services.visible_to` (restrict()), so a bank never sees another's.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from xinyong.consents import services
from xinyong.consents.models import ConsentState
from xinyong.office.access import refused, viewer_of
from xinyong.office.views import office_login_required
from xinyong.subjects.services import display_name, masked_id

PAGE_SIZE = 50


@require_GET
@office_login_required
def index(request: HttpRequest) -> HttpResponse:
    """The grants to the viewer's agency or bank, or the credit office's statistics."""
    viewer = viewer_of(request)
    if services.is_overseer(viewer):
        figures = services.statistics(viewer)
        context = {"rows": figures, "total": services.totals(figures)}
        return render(request, "consents/office_statistics.html", context)
    if not services.is_grantee_staff(viewer):
        return refused(
            request,
            _("授权查询"),
            _("授权查询由信用服务机构和银行使用，统计由信用办查看。"),
        )
    state = request.GET.get("state", "")
    today = timezone.localdate()
    found = services.visible_to(viewer)  # an agency's or bank's staff see their own only
    if state == ConsentState.ACTIVE:
        found = found.filter(services.active_q(today))
    elif state == ConsentState.REVOKED:
        found = found.filter(revoked_at__isnull=False)
    elif state == ConsentState.EXPIRED:
        found = found.filter(revoked_at__isnull=True).exclude(services.active_q(today))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    names = services.item_names(code for c in page for code in c.item_codes)
    rows = [
        {
            "consent": c,
            "subject": display_name(c.subject),
            "code": c.subject.uscc or masked_id(c.subject),
            "api_key": services.api_key(c.subject),
            "items": [f"{names.get(code, code)}（{code}）" for code in c.item_codes],
            "state": c.state(today),
        }
        for c in page
    ]
    context = {"page": page, "rows": rows, "state": state, "states": list(ConsentState)}
    return render(request, "consents/office_grants.html", context)
