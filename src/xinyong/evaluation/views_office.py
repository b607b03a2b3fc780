"""Back-office evaluation pages (/office/evaluation/): find a subject, then read its current
grades with every point explained, plus the run behind each score (run id, trigger, model
version, cut-off).

Only staff who may read evaluations (`permissions.may_read_evaluations`) get past the door.
Reading a subject's explanation is a read of non-public data: the reader states a purpose,
and each read is written to the subject's access log (谁查询了我) by `services.log_read`. The
purpose is posted, never put in an address.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from xinyong.evaluation.permissions import may_read_evaluations
from xinyong.evaluation.services import explain_all, grade_history, log_read
from xinyong.office.access import refused, viewer_of
from xinyong.office.views import office_login_required
from xinyong.subjects.models import Subject
from xinyong.subjects.services import display_name, find_subject

MAX_PURPOSE = 200


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("统一社会信用代码或主体公开编号"),
        max_length=40,
        help_text=_("自然人不参与信用评价"),
    )


class PurposeForm(forms.Form):
    purpose = forms.CharField(
        label=_("查询用途"),
        max_length=MAX_PURPOSE,
        help_text=_("如办理的业务和文号；记入该主体的查询记录（谁查询了我）"),
    )


def _refused(request: HttpRequest) -> HttpResponse:
    return refused(
        request,
        _("信用评价"),
        _("只有信用办的工作人员和各部门、各区负责分级分类监管的核查员、管理员可以查看信用评价。"),
    )


def _subject(public_id: str) -> Subject:
    """An evaluated kind of subject by its public id; a person has no evaluation (404)."""
    subject = Subject.objects.filter(public_id=public_id[:32]).first()
    if subject is None or subject.is_person:
        raise Http404
    return subject


@require_http_methods(["GET", "POST"])
@office_login_required
def lookup(request: HttpRequest) -> HttpResponse:
    """Find a subject by its USCC (or legacy code) or public id."""
    if not may_read_evaluations(viewer_of(request)):
        return _refused(request)
    form = LookupForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip()
        subject = Subject.objects.filter(public_id=code[:32]).first() or find_subject(code)
        if subject is not None and not subject.is_person:
            return redirect("office_evaluation:detail", public_id=subject.public_id)
        form.add_error("code", _("没有这个参与信用评价的主体"))
        status = 404
    return render(request, "evaluation/office_lookup.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@office_login_required
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """The subject's evaluation, after the reader states a purpose (each read logged)."""
    viewer = viewer_of(request)
    if not may_read_evaluations(viewer) or viewer.organisation_id is None:
        return _refused(request)
    subject = _subject(public_id)
    form = PurposeForm(request.POST or None)
    context: dict[str, Any] = {
        "subject": subject,
        "subject_name": display_name(subject),
        "form": form,
        "models": None,
    }
    if request.method == "POST" and form.is_valid():
        explanations = explain_all(subject)
        log_read(
            subject,
            explanations,
            organisation_id=viewer.organisation_id,
            purpose=form.cleaned_data["purpose"],
            channel="office",
        )
        context["models"] = [(e, grade_history(subject, e.model_code)) for e in explanations]
    return render(request, "evaluation/office_detail.html", context)
