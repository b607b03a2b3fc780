"""Who is signed in to a subject account, kept in the session under its own key.

The session is Django's, shared with the back office's sign-in, but the two never mix: a
subject member is found only under `MEMBER_KEY`, and the office only looks at Django's own
user. Signing in or out cycles the session key (no fixation).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse

from xinyong.rights.models import MemberRole, SubjectMember
from xinyong.subjects.services import display_name

MEMBER_KEY = "rights.member"

View = Callable[..., HttpResponseBase]


def sign_in_member(request: HttpRequest, member: SubjectMember) -> None:
    request.session.cycle_key()
    request.session[MEMBER_KEY] = member.pk


def sign_out_member(request: HttpRequest) -> None:
    request.session.pop(MEMBER_KEY, None)
    request.session.cycle_key()


def current_member(request: HttpRequest) -> SubjectMember | None:
    """The active member signed in on this request, with its subject."""
    pk = request.session.get(MEMBER_KEY)
    if pk is None:
        return None
    member = SubjectMember.objects.select_related("subject").filter(pk=pk, is_active=True).first()
    if member is None:
        request.session.pop(MEMBER_KEY, None)
    return member


def subject_required(view: View) -> View:
    """Let only a signed-in subject account through; sets `request.member` and
    `request.account_subject`. Others go to the sign-in page and come back afterwards."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        member = current_member(request)
        if member is None:
            target = reverse("account:sign_in") + "?" + urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(target)
        request.member = member  # type: ignore[attr-defined]
        request.account_subject = member.subject  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return guarded


def account_context(request: HttpRequest, section: str) -> dict[str, Any]:
    """What every account page's frame needs (`rights/account_base.html`), for a view behind
    `subject_required`; `section` marks the current tab."""
    member: SubjectMember = request.member  # type: ignore[attr-defined]
    subject = member.subject
    return {
        "member": member,
        "subject": subject,
        "subject_name": display_name(subject),
        "is_owner": member.role == MemberRole.OWNER,
        "may_add_staff": member.role == MemberRole.OWNER and not subject.is_person,
        "section": section,
    }
