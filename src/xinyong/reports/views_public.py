"""The public verification pages: /verify/ (type a code or upload the PDF) and
/verify/<code>/ (the address in every report's QR code).

They show what the signed manifest states — number, subject (a person's name masked),
type, cut-off, issue time, SHA-256, signing key — and the state in a banner, never a record
of the report's content: holding a code proves nothing about being entitled to the data.
Both are rate-limited per address (`XINYONG_RATE_LIMITS["report_verify"]`): each answer
rebuilds the subject's current content to tell whether the report is still current.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xinyong.core.ratelimit import limit_anonymous
from xinyong.reports.forms import CodeForm, FileForm
from xinyong.reports.services.issuing import normalise_code
from xinyong.reports.services.verification import State, Verification, verify_code, verify_file


def _page(
    request: HttpRequest,
    code_form: CodeForm,
    file_form: FileForm,
    *,
    result: Verification | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {"code_form": code_form, "file_form": file_form, "result": result}
    return render(request, "reports/verify.html", context, status=status)


@require_http_methods(["GET", "POST"])
@limit_anonymous("report_verify")
def verify(request: HttpRequest) -> HttpResponse:
    """The form; a code goes to its own page, a file is answered here (it may name none)."""
    if request.method != "POST":
        return _page(request, CodeForm(), FileForm())
    if "code" in request.POST:
        form = CodeForm(request.POST)
        normal = normalise_code(form.cleaned_data["code"]) if form.is_valid() else None
        if normal is not None:
            return redirect("reports:verify_code", code=normal)
        message = _("验证码格式不对：应为 16 位字母和数字，如 K7Q2-9XHM-4TPA-WD3N。")
        result = Verification(State.UNKNOWN, message)
        return _page(request, form, FileForm(), result=result, status=404)
    files = FileForm(request.POST, request.FILES)
    if not files.is_valid():
        return _page(request, CodeForm(), files, status=400)
    data = files.cleaned_data["file"].read()
    return _page(request, CodeForm(), FileForm(), result=verify_file(data))


@require_http_methods(["GET"])
@limit_anonymous("report_verify")
def verify_code_page(request: HttpRequest, code: str) -> HttpResponse:
    """The state of the report with this code (the QR code's target)."""
    result = verify_code(code)
    status = 404 if result.state == State.UNKNOWN else 200
    form = CodeForm(initial={"code": code if result.report else ""})
    return _page(request, form, FileForm(), result=result, status=status)
