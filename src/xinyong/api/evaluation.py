"""`GET /api/v1/subjects/{key}/evaluation`: a subject's credit evaluation (信用评价).

- Anonymous callers get only the grades a model's policy makes public (`public_grades`, e.g.
  纳税信用A级), with the model and the date: no score, no explanation. They are limited per
  client address like the subjects API.
- A token must carry `evaluation:read` (403 otherwise) and belong to a government
  organisation; it gets every model's current grade with the score, the cut-off, the model
  version, each indicator's points with the records and list entries behind them, and the
  reasons the grade is not higher. It must state a `purpose`; each read is written to the
  subject's access log (谁查询了我) and the audit log.

Natural persons are never evaluated: their key answers 404. A subject is addressed by its USCC
or its public id, never by an ID number.
"""

from __future__ import annotations

import datetime
import re
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import P, PathEx, QueryEx, Router
from pydantic import BaseModel, Field

from xinyong.accounts.permissions import viewer_for_token
from xinyong.accounts.services import TokenPrincipal
from xinyong.api.auth import acting_for, token_optional
from xinyong.api.problems import ApiProblem, Problem, throttled
from xinyong.evaluation.permissions import SCOPE, may_read_evaluations
from xinyong.evaluation.services import Explanation, explain_all, log_read, public_grades
from xinyong.records import public
from xinyong.subjects.models import Subject
from xinyong.subjects.services import display_name

_USCC_SHAPE = re.compile(r"[0-9A-Z]{18}")
_KEY = "统一社会信用代码或主体的公开编号 public_id；不接受公民身份号码"
_PURPOSE = (
    "查询用途（带令牌查询时必填，记入该主体的查询记录和审计日志），"
    "如“行政许可审查 津市监许〔2026〕1号”"
)


# -- response bodies --------------------------------------------------------------------------


class RecordBehind(BaseModel):
    """A credit record an indicator counted."""

    item_code: str = Field(description="目录项代码，如 XZCF")
    item_name: str = Field(description="目录项名称")
    doc_no: str = Field(description="决定文书号")
    decision_date: datetime.date = Field(description="决定日期")
    severity: str = Field(description="严重程度代码（minor、general、serious）；无则为空")
    severity_name: str = Field(description="严重程度名称")
    amount: str | None = Field(description="金额（万元，十进制文本）；无则为 null")
    department: str = Field(description="来源部门")
    legal_basis: str = Field(description="目录项的法律依据")
    under_objection: bool = Field(description="异议处理中")


class EntryBehind(BaseModel):
    """A list entry an indicator counted."""

    list_type: str = Field(description="名单类型代码")
    list_name: str = Field(description="名单名称")
    kind: str = Field(description="punishment 失信惩戒名单、incentive 守信激励名单")
    department: str = Field(description="认定部门")
    doc_no: str = Field(description="列入决定书文号")
    decision_date: datetime.date | None = Field(description="决定日期")
    starts_on: datetime.date | None = Field(description="列入日期")
    ends_on: datetime.date | None = Field(description="期满日期；null 为未定期限")
    legal_basis: str = Field(description="名单设立的法律依据")


class IndicatorOut(BaseModel):
    code: str = Field(description="指标代码")
    name: str = Field(description="指标名称")
    explain: str = Field(description="评价规则的文字说明")
    source: Literal["record", "list", "subject"] = Field(
        description="依据：record 信用记录、list 名单、subject 主体登记信息"
    )
    measure: Literal["count", "presence", "sum_amount"] = Field(
        description="计量方式：count 条数、presence 有无、sum_amount 金额合计"
    )
    value: int = Field(description="计量结果：条数、1/0（有/无）或金额合计（整万元，向下取整）")
    value_text: str = Field(description="计量结果的文字表述")
    points: int = Field(description="该指标得分（负数为扣分）")
    records: list[RecordBehind] = Field(description="该指标计入的信用记录")
    entries: list[EntryBehind] = Field(description="该指标计入的名单条目")


class DimensionOut(BaseModel):
    code: str = Field(description="维度代码")
    name: str = Field(description="维度名称")
    points: int = Field(description="该维度各指标得分之和")
    indicators: list[IndicatorOut]


class RuleOut(BaseModel):
    """A knock-out (否决项) or a conditional grade (条件等级) that decided the grade."""

    indicator: str = Field(description="触发的指标代码")
    indicator_name: str = Field(description="触发的指标名称")
    grade: str = Field(description="否决项：最高可评等级；条件等级：评定的等级")
    reason: str = Field(description="规则的文字说明")


class WhyNotHigherOut(BaseModel):
    next_grade: str = Field(description="高一级的等级")
    next_min: int | None = Field(description="高一级等级的最低分")
    points_needed: int = Field(description="距高一级等级还差的分数（0 表示受规则限制而非分数）")
    costs: list[str] = Field(description="扣分的指标代码，扣分多的在前")


class RunOut(BaseModel):
    public_id: str = Field(description="评价批次编号")
    kind: Literal["full", "subjects"] = Field(description="full 全量评价、subjects 指定主体评价")
    trigger: Literal["cli", "schedule", "event", "office"] = Field(
        description="触发方式：cli 命令行、schedule 定期、event 信息变动、office 后台操作"
    )
    as_of: datetime.date = Field(description="数据截止日期")
    started_at: datetime.datetime
    finished_at: datetime.datetime | None


class ExplanationOut(BaseModel):
    base: int = Field(description="起评分")
    min_score: int
    max_score: int
    score_grade: str = Field(description="仅按得分应得的等级（否决项、条件等级之前）")
    facts_used: int = Field(description="计入评价的信用记录和名单条目数")
    dimensions: list[DimensionOut]
    knockout: RuleOut | None = Field(description="限定等级的否决项；无则为 null")
    conditional: RuleOut | None = Field(description="适用的条件等级；无则为 null")
    why_not_higher: WhyNotHigherOut | None = Field(description="已是最高等级时为 null")
    changed: bool = Field(description="评价之后相关信息已有变动，将重新评价")
    model_legal_basis: list[str] = Field(description="评价模型的依据")
    run: RunOut


class ModelGradeOut(BaseModel):
    """A subject's current grade under one evaluation model."""

    code: str = Field(description="评价模型代码，如 TJGGXY、NSXYDJ")
    name: str = Field(description="评价模型名称")
    grade: str = Field(description="评价等级：A、B、C、D，或 M（纳税信用）")
    as_of: datetime.date = Field(description="数据截止日期")
    evaluated_on: datetime.date = Field(description="评价日期")
    version: int | None = Field(description="模型版本；社会公开视图为 null")
    score: int | None = Field(description="得分；社会公开视图为 null")
    legacy_grade: str | None = Field(description="对应的原等级（优、良、中、差）；公开视图为 null")
    reasons: list[str] = Field(description="等级不是更高的原因（中文）；社会公开视图为空")
    explanation: ExplanationOut | None = Field(description="各项指标得分及依据；公开视图为 null")


class EvaluatedSubject(BaseModel):
    name: str = Field(description="名称")
    uscc: str | None = Field(description="统一社会信用代码；无则为 null")
    public_id: str = Field(description="主体的公开编号")


class EvaluationOut(BaseModel):
    view: Literal["public", "full"] = Field(
        description="public：社会公开视图（匿名调用，只含模型规定公开的等级）；"
        "full：完整视图（具有 evaluation:read 权限范围的政府部门令牌，每次查询记入查询记录）"
    )
    subject: EvaluatedSubject
    models: list[ModelGradeOut] = Field(description="各评价模型下的当前等级，按模型代码排列")


# -- the route --------------------------------------------------------------------------------


router = Router(tags=["信用评价"], auth=token_optional())

_ERRORS: dict[int, Any] = {401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}
_OPENAPI: dict[str, Any] = {"security": [{}]}  # the token is optional (public view without)


def _admit(request: HttpRequest) -> tuple[TokenPrincipal | None, HttpResponse | None]:
    """The calling token (None when anonymous), refused without the scope or outside the
    government, and counted against its rate limit; the second value is the 429 answer."""
    principal = request.auth if isinstance(request.auth, TokenPrincipal) else None  # type: ignore[attr-defined]
    if principal is not None:
        if not principal.has_scope(SCOPE):
            raise ApiProblem(
                403, "auth.missing_scope", _("令牌没有“%(scope)s”权限范围") % {"scope": SCOPE}
            )
        if not may_read_evaluations(viewer_for_token(principal)):
            raise ApiProblem(
                403, "evaluation.government_only", _("信用评价的完整内容只向政府部门提供")
            )
    return principal, throttled(request, principal.token_id if principal else None)


def _find(key: str) -> Subject:
    """An evaluated kind of subject by USCC or public id; persons are never evaluated."""
    code = key.strip().upper()
    if _USCC_SHAPE.fullmatch(code):
        found = public.find_public_subject(uscc=code)
    else:
        found = public.find_public_subject(public_id=key.strip())
    if found is None or found.is_person:
        # The key is not repeated: it may be someone's ID number.
        raise ApiProblem(404, "subject.not_evaluated", _("没有这个参与信用评价的主体"))
    return found


def _explanation(e: Explanation) -> ExplanationOut:
    why = e.why_not_higher
    return ExplanationOut(
        base=e.base,
        min_score=e.min_score,
        max_score=e.max_score,
        score_grade=e.score_grade,
        facts_used=e.facts_used,
        dimensions=[
            DimensionOut(
                code=d.code,
                name=d.name,
                points=d.points,
                indicators=[
                    IndicatorOut(
                        code=i.code,
                        name=i.name,
                        explain=i.explain,
                        source=i.source,  # type: ignore[arg-type]
                        measure=i.measure,  # type: ignore[arg-type]
                        value=i.value,
                        value_text=i.value_text,
                        points=i.points,
                        records=[
                            RecordBehind(**{**vars(r), "amount": r.amount_text or None})
                            for r in i.records
                        ],
                        entries=[EntryBehind(**vars(entry)) for entry in i.entries],
                    )
                    for i in d.indicators
                ],
            )
            for d in e.dimensions
        ],
        knockout=RuleOut(**vars(e.knockout)) if e.knockout else None,
        conditional=RuleOut(**vars(e.conditional)) if e.conditional else None,
        why_not_higher=WhyNotHigherOut(
            next_grade=why.next_grade,
            next_min=why.next_min,
            points_needed=why.points_needed,
            costs=[ind.code for ind in why.costs],
        )
        if why
        else None,
        changed=e.changed,
        model_legal_basis=list(e.model_legal_basis),
        run=RunOut(
            public_id=e.run.public_id,
            kind=e.run.kind,  # type: ignore[arg-type]
            trigger=e.run.trigger,  # type: ignore[arg-type]
            as_of=e.run.as_of,
            started_at=e.run.started_at,
            finished_at=e.run.finished_at,
        ),
    )


def _full(e: Explanation) -> ModelGradeOut:
    at = e.run.finished_at or e.run.started_at
    return ModelGradeOut(
        code=e.model_code,
        name=e.model_name,
        grade=e.grade,
        as_of=e.as_of,
        evaluated_on=timezone.localdate(at),
        version=e.version,
        score=e.score,
        legacy_grade=e.legacy_grade,
        reasons=list(e.why_not_higher.reasons) if e.why_not_higher else [],
        explanation=_explanation(e),
    )


@router.get(
    "/subjects/{key}/evaluation",
    response={200: EvaluationOut, **_ERRORS},
    url_name="subject_evaluation",
    summary="读取信用主体的信用评价",
    description=(
        "主体在各评价模型下的当前等级。匿名调用只得到评价模型规定向社会公开的等级（如纳税信用A级）"
        "及评价日期；具有 evaluation:read 权限范围的政府部门令牌得到完整视图：得分、数据截止日期、"
        "模型版本、各项指标得分及所依据的信用记录和名单条目（含法律依据）、否决项和条件等级、"
        "等级不是更高的原因。完整视图须提供 purpose，每次查询记入该主体的查询记录（谁查询了我）"
        "和审计日志。自然人不参与信用评价（404）。"
    ),
    openapi_extra=_OPENAPI,
)
def read_evaluation(
    request: HttpRequest,
    key: PathEx[str, P(max_length=32, description=_KEY)],
    purpose: QueryEx[str, P(max_length=200, description=_PURPOSE)] = "",
) -> EvaluationOut | HttpResponse:
    """The public grades, or for a government token with the scope every grade explained,
    logged with its purpose (stated before the key is looked up, so a token cannot probe
    keys without one)."""
    principal, limited = _admit(request)
    if limited is not None:
        return limited
    purpose = purpose.strip()
    if principal is not None and not purpose:
        raise ApiProblem(422, "purpose.required", _("查询信用评价须说明用途：请提供 purpose 参数"))
    subject = _find(key)
    shown = EvaluatedSubject(
        name=display_name(subject), uscc=subject.uscc or None, public_id=subject.public_id
    )
    if principal is None:
        grades = [
            ModelGradeOut(
                code=g.model_code,
                name=g.model_name,
                grade=g.grade,
                as_of=g.as_of,
                evaluated_on=g.evaluated_on,
                version=None,
                score=None,
                legacy_grade=None,
                reasons=[],
                explanation=None,
            )
            for g in public_grades(subject)
        ]
        return EvaluationOut(view="public", subject=shown, models=grades)
    with acting_for(request, SCOPE) as (token, _viewer):
        explanations = explain_all(subject)
        log_read(
            subject,
            explanations,
            organisation_id=token.organisation_id,
            purpose=purpose,
            channel="api",
        )
    return EvaluationOut(view="full", subject=shown, models=[_full(e) for e in explanations])
