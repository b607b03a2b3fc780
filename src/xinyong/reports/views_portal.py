"""The portal's 下载信用报告 button: anyone may take a subject's public general report
(公共信用信息报告（通用版）) as a signed PDF, in colour or in a version without colour for
printing.

Each press issues a new report (a fresh number, verification code and signature, stored with
its hash), so the button is a POST behind the CSRF check and a per-address rate limit, like
the portal's other public forms. Natural persons have no public report: only the person
may take one, from its own account.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinyong.core.ratelimit import limit_anonymous
from xinyong.records.public import find_public_subject
from xinyong.reports.models import Report
from xinyong.reports.policy import PUBLIC_TYPE
from xinyong.reports.services.issuing import issue_report, open_pdf
from xinyong.reports.services.scope import ReportRefused, Requester

PRINT_VERSION = "print"
"""The value of the form's `version` field that asks for the version without colour."""


def pdf_response(report: Report) -> HttpResponse:
    """The report's stored PDF as a download named after its number."""
    response = HttpResponse(open_pdf(report), content_type="application/pdf")
    name = quote(f"{_('信用报告')}_{report.number}.pdf")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{report.number}.pdf\"; filename*=UTF-8''{name}"
    )
    response["X-Report-Number"] = report.number
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@limit_anonymous("public_report")
def public_report(request: HttpRequest, public_id: str) -> HttpResponse:
    """Issue the subject's public report now and send the PDF."""
    subject = find_public_subject(public_id=public_id)
    if subject is None or subject.is_person:
        raise Http404
    monochrome = request.POST.get("version") == PRINT_VERSION
    try:
        report = issue_report(subject, PUBLIC_TYPE, Requester.for_public(), monochrome=monochrome)
    except ReportRefused as refused:
        context = {"message": refused.message, "subject": subject}
        return render(request, "reports/portal_refused.html", context, status=403)
    return pdf_response(report)
