"""`/api/v1/checks`: check a subject before acting (应查必查), get a signed receipt, and
report what was done (反馈).

Everything goes through `xinyong.checks.services`; this module only speaks HTTP. A check
answers with the receipt's payload at the top level (for programs) and the whole signed
envelope under `receipt` (to store, and to verify offline with /api/v1/keys). The answer is
serialised once, by hand: at a thousand checks a second the schema round trip would cost
more than the check.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from xinyong.api.auth import acting_for
from xinyong.api.problems import ApiProblem, Problem
from xinyong.checks.models import Check, Outcome
from xinyong.checks.services import (
    Checker,
    CheckError,
    CheckRequest,
    MeasureOutcome,
    check_for,
    give_feedback,
    run_check,
)
from xinyong.core.signing import Envelope, canonical_text

SCOPE = "lists:check"
router = Router(tags=["联合奖惩核查"])
_ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
REFUSAL_STATUS = {"check.not_found": 404, "feedback.exists": 409}


class CheckIn(Schema):
    subject: str = Field(
        max_length=64,
        description="主体的统一社会信用代码、组织机构代码、工商注册号或公民身份号码",
        examples=["91120101MA05W8K3XH"],
    )
    scenario: str = Field(
        max_length=40, description="业务场景代码", examples=["government_procurement"]
    )
    matter: str = Field(max_length=200, description="办理的业务事项（名称、文号），写入核查记录")
    as_of: datetime | None = Field(
        default=None, description="按过去某一时点核查（ISO 8601，含时区）；省略则为当前"
    )


class CheckOut(Schema):
    """The receipt's payload at the top level, plus the signed envelope."""

    check_id: str
    result: Literal["hits", "no_hits", "unknown_subject"]
    checked_at: str
    as_of: str
    scenario: dict[str, str]
    subject: dict[str, Any] | None
    entries: list[dict[str, Any]]
    measures: list[dict[str, Any]]
    policy: dict[str, Any]
    list_state: dict[str, Any]
    feedback_due: str | None
    receipt: dict[str, Any]


class MeasureFeedbackIn(Schema):
    measure: str = Field(max_length=32)
    outcome: Outcome
    reason: str = Field(default="", max_length=500)


class FeedbackIn(Schema):
    """Either one outcome for every measure of the check, or one per measure."""

    outcome: Outcome | None = None
    reason: str = Field(default="", max_length=500)
    measures: list[MeasureFeedbackIn] = Field(default=[], max_length=200)


class FeedbackOut(Schema):
    check_id: str
    outcomes: dict[str, dict[str, str]]
    reported_at: str


def _problem(exc: CheckError) -> ApiProblem:
    return ApiProblem(REFUSAL_STATUS.get(exc.reason, 422), exc.reason, exc.message)


def _answer(check: Check, status: int = 200) -> HttpResponse:
    """The payload's members, `feedback_due` and the envelope, in canonical text: a receipt
    just signed is sent as the text it was signed in; one read back is encoded again."""
    receipt = check.receipt
    if isinstance(receipt, Envelope):
        payload_text, receipt_text = receipt.payload_text, receipt.text
    else:
        payload_text, receipt_text = canonical_text(receipt["payload"]), canonical_text(receipt)
    due = json.dumps(check.feedback_due.isoformat() if check.feedback_due else None)
    return HttpResponse(
        f'{{{payload_text[1:-1]},"feedback_due":{due},"receipt":{receipt_text}}}',
        status=status,
        content_type="application/json",
    )


@router.post(
    "/checks",
    response={200: CheckOut, **_ERRORS},
    summary="核查主体（应查必查）",
    description=(
        "需要 lists:check 权限。返回该主体在核查时点有效的名单条目、在该业务场景下应当"
        "实施的措施及其法律依据，以及平台签名的回执（Ed25519，公钥见 /api/v1/keys）。"
        "平台未登记的主体返回 result=unknown_subject，而非“无命中”。"
    ),
)
def create_check(request: HttpRequest, payload: CheckIn) -> HttpResponse:
    with acting_for(request, SCOPE) as (principal, _viewer):
        checker = Checker(
            principal.organisation_id, principal.organisation_uscc, principal.organisation_name
        )
        try:
            check = run_check(
                checker,
                CheckRequest(payload.subject, payload.scenario, payload.matter, payload.as_of),
                actor_label=principal.actor().label,
            )
        except CheckError as exc:
            raise _problem(exc) from exc
    return _answer(check)


@router.get(
    "/checks/{check_id}",
    response={200: CheckOut, **_ERRORS},
    summary="查看本机构的一次核查及其回执",
)
def read_check(request: HttpRequest, check_id: str) -> HttpResponse:
    with acting_for(request, SCOPE) as (principal, _viewer):
        try:
            return _answer(check_for(principal.organisation_id, check_id[:24]))
        except CheckError as exc:
            raise _problem(exc) from exc


@router.post(
    "/checks/{check_id}/feedback",
    response={201: FeedbackOut, **_ERRORS},
    summary="反馈措施实施情况",
    description=(
        "对命中措施的核查反馈实施情况：applied（已采取）、not_applied（未采取，须说明理由）、"
        "not_applicable（不适用，须说明理由）。可用 outcome 统一反馈，或在 measures 中逐项反馈；"
        "每次核查只能反馈一次。"
    ),
)
def create_feedback(
    request: HttpRequest, check_id: str, payload: FeedbackIn
) -> Status[FeedbackOut]:
    with acting_for(request, SCOPE) as (principal, _viewer):
        try:
            check = check_for(principal.organisation_id, check_id[:24])
            outcomes = [MeasureOutcome(m.measure, m.outcome, m.reason) for m in payload.measures]
            if payload.outcome is not None:
                if outcomes:
                    raise CheckError("feedback.both", _("outcome 与 measures 只能选用一种方式反馈"))
                codes = [m["code"] for m in check.receipt["payload"]["measures"]]
                outcomes = [MeasureOutcome(c, payload.outcome, payload.reason) for c in codes]
            feedback = give_feedback(check, outcomes, reported_by=principal.actor().label)
        except CheckError as exc:
            raise _problem(exc) from exc
    return Status(
        201,
        FeedbackOut(
            check_id=check.public_id,
            outcomes=feedback.outcomes,
            reported_at=feedback.reported_at.isoformat(),
        ),
    )
