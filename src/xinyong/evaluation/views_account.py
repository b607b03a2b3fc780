"""The subject's own evaluation in its account (/account/evaluation/): each model's current
grade with every point explained and the records behind it, why the grade is not higher, how
the grade changed over runs, and the way to object to it.

Only the signed-in member's own subject is read (owner or staff of an enterprise alike). A
natural person's account has no evaluation: natural persons are never scored.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from xinyong.evaluation.services import explain_all, grade_history
from xinyong.rights.session import account_context, subject_required


@require_GET
@subject_required
def evaluation(request: HttpRequest) -> HttpResponse:
    """Every model's current grade of the subject, explained, with its history."""
    context = account_context(request, "evaluation")
    subject = context["subject"]
    explanations = explain_all(subject)
    context["person"] = subject.is_person
    context["models"] = [(e, grade_history(subject, e.model_code)) for e in explanations]
    return render(request, "evaluation/account.html", context)
