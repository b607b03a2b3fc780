"""A subject's public page: basic information, its list memberships and its public records
by catalogue item.

Organisations are addressed by their USCC (/subjects/<USCC>/), everything else by the opaque
public id (/subjects/id/<public_id>/). A natural person is never found by a code, so no ID
number can open or name a page; what is shown is decided by `records.public` and, for the
lists, `lists.public`.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from xinyong.core.identifiers import normalise
from xinyong.evaluation.services import public_grades
from xinyong.lists.public import public_entries_of, status_of
from xinyong.records.public import (
    PER_ITEM,
    SubjectRef,
    find_public_subject,
    profile,
    public_records_for,
)
from xinyong.repairs.services import repair_options
from xinyong.subjects.models import Subject

_USCC_SHAPE = re.compile(r"[0-9A-Z]{18}")


def subject_path(ref: SubjectRef) -> str:
    """The canonical address of a subject's page."""
    if ref.uscc:
        return reverse("portal:subject", args=[ref.uscc])
    return reverse("portal:subject_by_id", args=[ref.public_id])


def not_found(request: HttpRequest) -> HttpResponse:
    """The portal's 404 page for a subject key that names nothing public; the key itself is
    not repeated (it may be someone's ID number)."""
    return render(request, "portal/subject_not_found.html", status=404)


def _page(request: HttpRequest, subject: Subject) -> HttpResponse:
    groups = public_records_for(subject)
    repair = repair_options(subject, [r for g in groups for r in g.records])
    entries = public_entries_of(subject)
    context = {
        "profile": profile(subject),
        "entries": entries,
        "status": status_of(entries),
        "groups": groups,
        "shown": [g for g in groups if g.records],
        "empty": [g for g in groups if not g.records],
        "total": sum(g.total for g in groups),
        "under_objection": any(r.under_objection for g in groups for r in g.records),
        "shown_rows": [
            (g, [(r, repair.get(r.record_id)) for r in g.records]) for g in groups if g.records
        ],
        "per_item": PER_ITEM,
        "grades": public_grades(subject),
    }
    return render(request, "portal/subject.html", context)


def subject_by_uscc(request: HttpRequest, uscc: str) -> HttpResponse:
    """An organisation's page by its USCC; a code typed in lower case or full width is sent
    on to its canonical spelling."""
    code = normalise(uscc)
    if not _USCC_SHAPE.fullmatch(code):
        return not_found(request)
    if code != uscc:
        return redirect("portal:subject", code, permanent=True)
    subject = find_public_subject(uscc=code)
    return not_found(request) if subject is None else _page(request, subject)


def subject_by_id(request: HttpRequest, public_id: str) -> HttpResponse:
    """Any subject's page by its public id; an organisation with a USCC is sent on to the
    page under its code, so each subject has one address."""
    subject = find_public_subject(public_id=public_id)
    if subject is None:
        return not_found(request)
    if subject.uscc and not subject.is_person:
        return redirect("portal:subject", subject.uscc, permanent=True)
    return _page(request, subject)
