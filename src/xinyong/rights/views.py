"""A subject's own account: sign-in with a one-time code, everything the platform holds
about the subject, who looked at it (谁查询了我) and, for an enterprise, its staff.

Every page shows only the signed-in subject's own data: the record, entry and check queries
are all filtered by the member's subject, so another subject's id in an address finds
nothing. The pages of objections and repairs live in their own apps and link back here.
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xinyong.checks.services import checks_about
from xinyong.core.ratelimit import limit_anonymous
from xinyong.lists.services import entries_about
from xinyong.objections.services import open_objection_links
from xinyong.records.own import own_record, own_records
from xinyong.repairs.services import repair_options
from xinyong.rights import services
from xinyong.rights.services import AccountError
from xinyong.rights.session import (
    account_context,
    sign_in_member,
    sign_out_member,
    subject_required,
)
from xinyong.subjects.services.access import access_log

ACCESS_LOG_LIMIT = 500


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return reverse("account:home")


@require_http_methods(["GET", "POST"])
@limit_anonymous("sign_in")
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step one: who signs in. The answer is the same whatever was typed (see services)."""
    context: dict[str, Any] = {"next": _next(request), "kind": services.ORGANISATION}
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        context["kind"] = kind
        try:
            challenge = services.start_sign_in(
                kind, request.POST.get("identifier", ""), mobile=request.POST.get("mobile", "")
            )
        except AccountError as error:
            context["error"] = error.message
            return render(request, "rights/sign_in.html", context, status=400)
        target = reverse("account:verify", args=[challenge.public_id])
        return redirect(f"{target}?next={context['next']}")
    return render(request, "rights/sign_in.html", context)


@require_http_methods(["GET", "POST"])
@limit_anonymous("sign_in")
def verify(request: HttpRequest, challenge_id: str) -> HttpResponse:
    """Step two: the one-time code."""
    challenge = services.pending_challenge(challenge_id)
    context: dict[str, Any] = {"next": _next(request), "challenge": challenge}
    if challenge is None:
        context["error"] = _("验证码已失效，请重新获取")
        return render(request, "rights/verify.html", context, status=400)
    if request.method == "POST":
        try:
            outcome = services.verify_sign_in(challenge_id, request.POST.get("code", ""))
        except AccountError as error:
            context["error"] = error.message
            return render(request, "rights/verify.html", context, status=400)
        if outcome.member is None:
            return render(request, "rights/nothing_held.html")
        sign_in_member(request, outcome.member)
        return redirect(_next(request))
    return render(request, "rights/verify.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    sign_out_member(request)
    return redirect("portal:home")


@subject_required
def home(request: HttpRequest) -> HttpResponse:
    """Everything held about the subject: records (all classes and states), list entries,
    checks that hit it, and the inbox."""
    context = account_context(request, "home")
    subject = context["subject"]
    records = own_records(subject)
    objections = open_objection_links(r.record_id for r in records)
    options = repair_options(subject, records)
    context |= {
        "records": records,
        "rows": [(r, objections.get(r.record_id, ""), options.get(r.record_id)) for r in records],
        "entries": list(entries_about(subject.pk)),
        "notifications": services.inbox(subject),
    }
    response = render(request, "rights/home.html", context)
    services.mark_read(subject)
    return response


@subject_required
def record_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    context = account_context(request, "home")
    found = own_record(context["subject"], record_id)
    if found is None:
        raise Http404
    context["record"], context["versions"] = found
    record = context["record"]
    context["objection_id"] = open_objection_links([record.record_id]).get(record.record_id, "")
    context["option"] = repair_options(context["subject"], [record]).get(record.record_id)
    return render(request, "rights/record.html", context)


@subject_required
def checks(request: HttpRequest) -> HttpResponse:
    context = account_context(request, "checks")
    context["checks"] = list(checks_about(context["subject"].pk))
    return render(request, "rights/checks.html", context)


@subject_required
def access(request: HttpRequest) -> HttpResponse:
    """谁查询了我: every read of non-public data and every check about the subject."""
    context = account_context(request, "access")
    context["accesses"] = list(access_log(context["subject"].pk)[:ACCESS_LOG_LIMIT])
    context["limit"] = ACCESS_LOG_LIMIT
    return render(request, "rights/access.html", context)


@subject_required
def access_csv(request: HttpRequest) -> HttpResponse:
    """The whole access log as a CSV file (UTF-8 with BOM, so spreadsheets open it right)."""
    subject = request.account_subject  # type: ignore[attr-defined]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("时间"), _("类别"), _("查询机构"), _("用途"), _("依据"), _("业务编号")])
    for entry in access_log(subject.pk).iterator(chunk_size=2000):
        writer.writerow(
            [
                timezone.localtime(entry.accessed_at).strftime("%Y-%m-%d %H:%M:%S"),
                entry.get_kind_display(),
                entry.organisation.name,
                entry.purpose,
                entry.legal_basis,
                entry.reference,
            ]
        )
    return response


@subject_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest) -> HttpResponse:
    """An enterprise's staff who may act for it: add, stop."""
    context = account_context(request, "members")
    member = context["member"]
    if not context["may_add_staff"]:
        return render(request, "rights/not_owner.html", context, status=403)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "deactivate":
                services.deactivate_staff(member, request.POST.get("member", ""))
                messages.success(request, _("已停用该经办人"))
            else:
                services.add_staff(
                    member, name=request.POST.get("name", ""), mobile=request.POST.get("mobile", "")
                )
                messages.success(request, _("已添加经办人"))
            return redirect("account:members")
        except AccountError as error:
            context["error"], status = error.message, 400
    context["staff"] = services.staff_of(member)
    return render(request, "rights/members.html", context, status=status)
