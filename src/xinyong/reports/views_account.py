"""The subject's credit reports in its account (/account/reports/): the reports it has taken
(number, type, purpose, data cut-off, whether each is still current) with their PDFs, and a
form to take a new one — its own full report (主体自查版), the public general report, or a
purpose-specific version (政府采购、招标投标、融资信贷 …) to hand to whoever asked for it.

Only the signed-in member's own subject is read or reported on (owner and staff alike): a
report number of another subject finds nothing (404).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from xinyong.reports.models import Report
from xinyong.reports.policy import ReportType, reports_policy
from xinyong.reports.services.content import build_content, fingerprint
from xinyong.reports.services.issuing import issue_report
from xinyong.reports.services.scope import MAX_PURPOSE, ReportRefused, Requester, Scope
from xinyong.reports.services.verification import STATE_LABELS, State
from xinyong.reports.views_portal import PRINT_VERSION, pdf_response
from xinyong.rights.models import SubjectMember
from xinyong.rights.session import account_context, subject_required
from xinyong.subjects.models import Subject

OWN_TYPE = "full"
"""The type the form starts on: the subject's own full report (主体自查版)."""
SHOWN = 50
"""The most recent reports listed (older ones stay verifiable by their code)."""


class IssueForm(forms.Form):
    """Which report, for what, in which version. The services decide whether it may be
    issued (the purpose a type requires included) and say why not."""

    type = forms.ChoiceField(label=gettext_lazy("报告类型"))
    purpose = forms.CharField(
        label=gettext_lazy("用途"),
        max_length=MAX_PURPOSE,
        required=False,
        help_text=gettext_lazy("打印在报告上，例如项目名称或编号；专用版须填写"),
    )
    version = forms.ChoiceField(
        label=gettext_lazy("版式"),
        choices=[("colour", gettext_lazy("彩色版")), (PRINT_VERSION, gettext_lazy("打印版"))],
        initial="colour",
        widget=forms.RadioSelect,
    )

    def __init__(self, types: Sequence[ReportType], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(t.code, t.name) for t in types]
        field.initial = OWN_TYPE


def offered_types(subject: Subject) -> list[ReportType]:
    """The report types the subject may take about itself, in the policy's order."""
    return [
        t
        for t in reports_policy().types
        if "subject" in t.audiences and subject.kind in t.subject_kinds
    ]


def report_states(subject: Subject, rows: Sequence[Report]) -> dict[int, State]:
    """Each report's state for its own holder: revoked, or current while the content its
    scope gives now has the fingerprint it had when issued. The content is rebuilt once per
    distinct scope, not once per report (the signatures are checked on /verify/)."""
    now: dict[str, str] = {}
    states = {}
    for report in rows:
        if report.revoked_at is not None:
            states[report.pk] = State.REVOKED
            continue
        key = repr(sorted(report.scope.items()))
        if key not in now:
            content = build_content(
                subject,
                Scope.from_data(report.scope),
                purpose=report.purpose,
                requester_label=_("主体本人"),
            )
            now[key] = fingerprint(content)
        current = now[key] == report.fingerprint
        states[report.pk] = State.CURRENT if current else State.SUPERSEDED
    return states


def _member(request: HttpRequest) -> SubjectMember:
    member: SubjectMember = request.member  # type: ignore[attr-defined]
    return member


@require_http_methods(["GET", "POST"])
@subject_required
def reports(request: HttpRequest) -> HttpResponse:
    """The subject's reports, and the form that issues a new one (then back to the list)."""
    member = _member(request)
    subject = member.subject
    types = offered_types(subject)
    form = IssueForm(types, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        requester = Requester.for_subject(f"subject-member:{member.public_id}")
        try:
            issued = issue_report(
                subject,
                data["type"],
                requester,
                purpose=data["purpose"],
                monochrome=data["version"] == PRINT_VERSION,
            )
        except ReportRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("已出具信用报告 %s，可在下表中下载。") % issued.number)
            return redirect("reports_account:list")
    rows = list(Report.objects.filter(subject=subject).order_by("-issued_at", "-pk")[:SHOWN])
    states = report_states(subject, rows)
    names = {t.code: t.name for t in reports_policy().types}
    context = {
        **account_context(request, "reports"),
        "form": form,
        "types": types,
        "rows": [
            (r, names.get(r.type_code, r.type_code), states[r.pk], STATE_LABELS[states[r.pk]])
            for r in rows
        ],
        "shown": SHOWN,
    }
    return render(request, "reports/account.html", context)


@require_GET
@subject_required
def download(request: HttpRequest, number: str) -> HttpResponse:
    """One of the subject's own reports, exactly as issued."""
    report = Report.objects.filter(subject=_member(request).subject, number=number).first()
    if report is None:
        raise Http404
    return pdf_response(report)
