"""Closing the loop (反馈): the checker reports what it did about each measure a check
named, and the work queues and statistics that show where feedback is missing.

A check with hits and no feedback by its due date (working days after the check, policy
deadline `check_feedback`) is overdue work of the checking organisation. Feedback is given
once, for every measure of the check: applied, not applied (with the reason), or not
applicable (with the reason); the checking organisation alone may give it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.checks.models import Check, Feedback, Outcome
from xinyong.checks.services.errors import CheckError
from xinyong.core import audit

MAX_REASON = 500


@dataclass(frozen=True)
class MeasureOutcome:
    """What the checker did about one measure."""

    measure: str
    outcome: Outcome
    reason: str = ""


def check_for(organisation_id: int, public_id: str) -> Check:
    """The organisation's own check by id (another's is "not found", not "forbidden": ids
    must not be probed)."""
    found = Check.objects.filter(organisation_id=organisation_id, public_id=public_id).first()
    if found is None:
        raise CheckError("check.not_found", _("没有这条核查记录"))
    return found


def _measure_codes(check: Check) -> list[str]:
    """The measures a check named: in its answer (signed for a single check, under the
    batch's receipt for a row of a batch)."""
    return [m["code"] for m in check.receipt["payload"]["measures"]]


def _normalised(check: Check, outcomes: list[MeasureOutcome]) -> dict[str, dict[str, str]]:
    measures = _measure_codes(check)
    if not measures:
        raise CheckError("feedback.no_measures", _("该次核查未命中任何措施，无须反馈"))
    given: dict[str, dict[str, str]] = {}
    for item in outcomes:
        if item.measure not in measures:
            raise CheckError(
                "feedback.unknown_measure",
                _("措施 %(code)s 不在该次核查的结果中") % {"code": item.measure},
            )
        if item.measure in given:
            raise CheckError(
                "feedback.repeated_measure", _("措施 %(code)s 重复反馈") % {"code": item.measure}
            )
        reason = item.reason.strip()
        if item.outcome != Outcome.APPLIED and not reason:
            raise CheckError(
                "feedback.reason_required",
                _("措施 %(code)s 未采取或不适用，须说明理由") % {"code": item.measure},
            )
        given[item.measure] = {"outcome": str(item.outcome), "reason": reason[:MAX_REASON]}
    missing = [code for code in measures if code not in given]
    if missing:
        raise CheckError(
            "feedback.incomplete",
            _("以下措施尚未反馈：%(codes)s") % {"codes": "、".join(missing)},
        )
    return given


def give_feedback(
    check: Check, outcomes: list[MeasureOutcome], *, reported_by: str, user_id: int | None = None
) -> Feedback:
    """Record what the checker did about each measure of `check` (see the module doc)."""
    given = _normalised(check, outcomes)
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                check_ref=check,
                outcomes=given,
                reported_at=timezone.now(),
                reported_by=reported_by[:150],
                user_id=user_id,
            )
            audit.record(
                "check.feedback",
                "check",
                check.public_id,
                after={"outcomes": given},
                organisation_id=check.organisation_id,
            )
    except IntegrityError as exc:
        raise CheckError("feedback.exists", _("该次核查已经反馈过")) from exc
    return feedback


def awaiting_feedback(organisation_id: int) -> QuerySet[Check]:
    """The organisation's checks with hits and no feedback yet, oldest due date first."""
    return Check.objects.filter(
        organisation_id=organisation_id, feedback_due__isnull=False, feedback__isnull=True
    ).order_by("feedback_due", "checked_at")


def overdue(organisation_id: int | None = None, *, today: date | None = None) -> QuerySet[Check]:
    """Checks whose feedback is past due: one organisation's, or all (the credit office)."""
    found = Check.objects.filter(
        feedback_due__lt=today or timezone.localdate(), feedback__isnull=True
    )
    if organisation_id is not None:
        found = found.filter(organisation_id=organisation_id)
    return found.order_by("feedback_due", "checked_at")


@dataclass(frozen=True)
class LoopRow:
    """Checks, hits and feedback of one organisation in one scenario."""

    organisation: str
    scenario: str
    checks: int
    hits: int
    answered: int
    overdue: int

    @property
    def feedback_rate(self) -> float | None:
        return self.answered / self.hits if self.hits else None


def loop_statistics(
    since: date | None = None, *, today: date | None = None, organisation_id: int | None = None
) -> list[LoopRow]:
    """Per organisation and scenario: checks, checks with hits, with feedback, overdue."""
    found = Check.objects.all()
    if since is not None:
        found = found.filter(checked_at__date__gte=since)
    if organisation_id is not None:
        found = found.filter(organisation_id=organisation_id)
    due = today or timezone.localdate()
    rows = (
        found.values("organisation__name", "scenario")
        .annotate(
            checks=Count("id"),
            hits=Count("id", filter=Q(feedback_due__isnull=False)),
            answered=Count("id", filter=Q(feedback_due__isnull=False, feedback__isnull=False)),
            late=Count("id", filter=Q(feedback_due__lt=due, feedback__isnull=True)),
        )
        .order_by("organisation__name", "scenario")
    )
    return [
        LoopRow(
            r["organisation__name"], r["scenario"], r["checks"], r["hits"], r["answered"], r["late"]
        )
        for r in rows
    ]


def checks_about(subject_id: int, limit: int = 200) -> QuerySet[Check]:
    """The latest checks about one subject that hit a list (for its own account): who
    checked, for which matter, and what they reported doing."""
    return (
        Check.objects.filter(subject_id=subject_id, hit_count__gt=0)
        .select_related("organisation", "feedback")
        .order_by("-checked_at", "-pk")[:limit]
    )
