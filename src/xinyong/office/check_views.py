"""Back-office pages of checks before acting (应查必查) and their feedback (反馈): the
organisation's queue of checks awaiting feedback, one check with its answer, its signed
receipt and the feedback form, a single check, and the closed-loop statistics (闭环统计).

A check is found only among the organisation's own (`check_for`; another's is "not found");
checks are run and feedback given by `xinyong.checks.services` alone.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinyong.catalog.services import PolicyLookupError, measure_policy
from xinyong.checks.models import Check, Feedback, Outcome
from xinyong.checks.services import (
    Checker,
    CheckError,
    CheckRequest,
    awaiting_feedback,
    check_for,
    give_feedback,
    loop_statistics,
    overdue,
    run_check,
)
from xinyong.office.access import (
    is_credit_office,
    may_check,
    organisation_of,
    refused,
    viewer_of,
)
from xinyong.office.check_forms import CheckForm, FeedbackForm, LoopFilterForm
from xinyong.office.views import office_login_required
from xinyong.subjects.services import display_name, masked_id

PAGE_SIZE = 50
OVERDUE_SHOWN = 200
RESULT_LABELS = {
    "hits": _("命中"),
    "no_hits": _("未命中"),
    "unknown_subject": _("平台未登记该主体（不表示无失信记录）"),
}
OBLIGATION_LABELS = {"must": _("应当"), "may": _("可以")}
KIND_LABELS = {"punishment": _("惩戒"), "reward": _("激励"), "incentive": _("激励")}


def _not_staff(request: HttpRequest) -> HttpResponse:
    return refused(
        request, _("核查"), _("只有机构工作人员可以使用核查功能；您的账号不属于任何在用机构。")
    )


def scenario_names() -> dict[str, str]:
    try:
        return {code: entry.name for code, entry in measure_policy().scenarios.items()}
    except PolicyLookupError:
        return {}


def answer_of(check: Check) -> dict[str, Any]:
    """What the check answered (signed for a single check, under the batch's receipt for a
    row of a batch), with labels; measures' list types by name."""
    answer = dict(check.receipt["payload"])
    try:
        names = {code: rule.name for code, rule in measure_policy(check.as_of).list_types.items()}
    except PolicyLookupError:
        names = {}
    answer["measures"] = [
        {
            **m,
            "because_of_names": [names.get(code, code) for code in m["because_of"]],
            "obligation_label": OBLIGATION_LABELS.get(m["obligation"], m["obligation"]),
            "kind_label": KIND_LABELS.get(m["kind"], m["kind"]),
        }
        for m in answer["measures"]
    ]
    answer["result_label"] = RESULT_LABELS.get(answer["result"], answer["result"])
    return answer


def _feedback(check: Check) -> Feedback | None:
    try:
        return check.feedback
    except Feedback.DoesNotExist:
        return None


def _own(request: HttpRequest, public_id: str) -> Check:
    organisation = organisation_of(request)
    if organisation is None:
        raise Http404
    try:
        return check_for(organisation.pk, public_id[:24])
    except CheckError as exc:
        raise Http404 from exc


@require_GET
@office_login_required
def check_queue(request: HttpRequest) -> HttpResponse:
    """The organisation's checks with hits awaiting feedback, oldest due first; overdue
    ones marked."""
    organisation = organisation_of(request)
    if organisation is None:
        return _not_staff(request)
    today = timezone.localdate()
    waiting = awaiting_feedback(organisation.pk).select_related("subject")
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    names = scenario_names()
    context = {
        "page": page,
        "rows": [
            {
                "check": check,
                "subject": display_name(check.subject) if check.subject else check.query_shown,
                "scenario": names.get(check.scenario, check.scenario),
                "overdue": check.feedback_due is not None and check.feedback_due < today,
            }
            for check in page
        ],
        "waiting": page.paginator.count,
        "overdue": overdue(organisation.pk, today=today).count(),
        "may_check": may_check(viewer_of(request)),
    }
    return render(request, "office/check_queue.html", context)


@require_http_methods(["GET", "POST"])
@office_login_required
def check_new(request: HttpRequest) -> HttpResponse:
    """Check one subject before acting; the answer is the check's page."""
    viewer, organisation = viewer_of(request), organisation_of(request)
    if organisation is None or not may_check(viewer):
        return refused(request, _("核查"), _("核查需要核查员、操作员、审核员或管理员角色。"))
    form = CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check = run_check(
                Checker.of(organisation),
                CheckRequest(data["subject"], data["scenario"], data["matter"]),
                actor_label=viewer.label,
            )
        except CheckError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("office:check", check_id=check.public_id)
    return render(request, "office/check_new.html", {"form": form})


def _check_page(
    request: HttpRequest, check: Check, form: FeedbackForm | None = None
) -> HttpResponse:
    answer = answer_of(check)
    feedback = _feedback(check)
    codes = [m["code"] for m in answer["measures"]]
    if form is None and feedback is None and codes and may_check(viewer_of(request)):
        form = FeedbackForm(codes)
    given = []
    if feedback is not None:
        labels = dict(Outcome.choices)
        given = [
            (m, labels.get(feedback.outcomes.get(m["code"], {}).get("outcome", ""), ""),
             feedback.outcomes.get(m["code"], {}).get("reason", ""))
            for m in answer["measures"]
        ]  # fmt: skip
    subject = check.subject
    by_code = {m["code"]: m for m in answer["measures"]}
    context = {
        "check": check,
        "answer": answer,
        "scenario": scenario_names().get(check.scenario, check.scenario),
        "subject_name": display_name(subject) if subject else "",
        "subject_code": (subject.uscc or masked_id(subject)) if subject else "",
        "feedback": feedback,
        "given": given,
        "form": form,
        "feedback_rows": [(by_code[c], o, r) for c, o, r in form.rows()] if form else [],
        "overdue": feedback is None
        and check.feedback_due is not None
        and check.feedback_due < timezone.localdate(),
        "signature": check.receipt.get("signature"),
    }
    return render(request, "office/check_detail.html", context)


@require_GET
@office_login_required
def check_detail(request: HttpRequest, check_id: str) -> HttpResponse:
    """One check: its answer, its receipt, and its feedback or the form to give it."""
    return _check_page(request, _own(request, check_id))


@require_POST
@office_login_required
def check_feedback(request: HttpRequest, check_id: str) -> HttpResponse:
    """Report what was done about each measure of a check (once)."""
    check = _own(request, check_id)
    viewer = viewer_of(request)
    if not may_check(viewer):
        return refused(request, _("核查"), _("反馈需要核查员、操作员、审核员或管理员角色。"))
    codes = [m["code"] for m in answer_of(check)["measures"]]
    form = FeedbackForm(codes, request.POST)
    if form.is_valid():
        try:
            give_feedback(check, form.outcomes(), reported_by=viewer.label, user_id=viewer.user_id)
        except CheckError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已反馈措施实施情况"))
            return redirect("office:check", check_id=check.public_id)
    return _check_page(request, check, form)


@require_GET
@office_login_required
def check_receipt(request: HttpRequest, check_id: str) -> HttpResponse:
    """The signed receipt of a single check, as a JSON file to keep and verify offline."""
    check = _own(request, check_id)
    if "signature" not in check.receipt:
        raise Http404
    response = HttpResponse(
        json.dumps(check.receipt, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="receipt-{check.public_id}.json"'
    return response


def _loop_rows(since: date | None, organisation_id: int | None) -> dict[str, Any]:
    names = scenario_names()
    rows = loop_statistics(since, organisation_id=organisation_id)
    hits, answered = sum(r.hits for r in rows), sum(r.answered for r in rows)
    return {
        "rows": [
            {
                "row": r,
                "scenario": names.get(r.scenario, r.scenario),
                "rate": _percent(r.feedback_rate),
            }
            for r in rows
        ],
        "totals": {
            "checks": sum(r.checks for r in rows),
            "hits": hits,
            "answered": answered,
            "overdue": sum(r.overdue for r in rows),
            "rate": _percent(answered / hits if hits else None),
        },
    }


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


@require_GET
@office_login_required
def loop(request: HttpRequest) -> HttpResponse:
    """闭环统计: checks, hits and feedback per organisation and scenario, and the overdue
    checks — across every organisation for the credit office, one's own for the others."""
    viewer, organisation = viewer_of(request), organisation_of(request)
    if organisation is None:
        return _not_staff(request)
    everyone = is_credit_office(viewer)
    own = None if everyone else organisation.pk
    filters = LoopFilterForm(request.GET or None)
    since = filters.cleaned_data["since"] if filters.is_valid() else None
    late = overdue(own).select_related("organisation", "subject")
    names = scenario_names()
    context = {
        **_loop_rows(since, own),
        "filters": filters,
        "everyone": everyone,
        "late_total": late.count(),
        "late": [
            {
                "check": check,
                "subject": display_name(check.subject) if check.subject else check.query_shown,
                "scenario": names.get(check.scenario, check.scenario),
                "own": check.organisation_id == organisation.pk,
            }
            for check in late[:OVERDUE_SHOWN]
        ],
        "late_shown": OVERDUE_SHOWN,
    }
    return render(request, "office/loop.html", context)
