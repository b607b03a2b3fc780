"""What one report request may contain: the report type narrowed by the requester's rights.

The public sees 社会公开 information only; a bank or credit service agency sees 社会公开
information and the 授权查询 items its active consent grants (and is refused without one);
government bodies and the subject itself see the type's classes. A natural person's report is
issued to that person only, whatever the type. Grades with their reasons are never given to
the public or to a bank: they rest on information those readers may not see.

The result (`Scope`) is stored with the issued report, so the same scope can be recomputed
later to tell whether the subject's situation has changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation, OrganisationKind
from xinyong.catalog.models import CatalogItem, Disclosure
from xinyong.consents.permissions import GRANTEE_KINDS
from xinyong.consents.services.queries import active_consent
from xinyong.core.errors import ReasonedError, checked_text
from xinyong.reports.policy import ReportType, reports_policy
from xinyong.subjects.models import Subject, SubjectKind

PUBLIC, SUBJECT, GOVERNMENT, AUTHORISED = "public", "subject", "government", "authorised"
AUDIENCES = (PUBLIC, SUBJECT, GOVERNMENT, AUTHORISED)

GOVERNMENT_KINDS = frozenset(
    {
        OrganisationKind.CREDIT_OFFICE.value,
        OrganisationKind.DEPARTMENT.value,
        OrganisationKind.DISTRICT.value,
        OrganisationKind.COURT.value,
    }
)
"""Organisations that request reports as government (procurement and bidding centres are
departments)."""

MAX_PURPOSE = 200

_EVALUATION_CAP = {PUBLIC: "public", AUTHORISED: "public"}
"""The most of the evaluation an audience may see when the type offers more."""


class ReportRefused(ReasonedError):
    """A report that may not be issued to this requester (the reason code says why)."""


@dataclass(frozen=True)
class Requester:
    """Who asks for a report: the audience decides the scope; `label` is printed on the
    report; `username` goes to the audit log ('' for the anonymous public)."""

    audience: str
    organisation: Organisation | None
    label: str
    username: str = ""

    @classmethod
    def for_public(cls) -> Requester:
        return cls(PUBLIC, None, _("社会公众"))

    @classmethod
    def for_subject(cls, username: str = "") -> Requester:
        return cls(SUBJECT, None, _("主体本人"), username)

    @classmethod
    def for_organisation(cls, organisation: Organisation, username: str = "") -> Requester:
        """A government body, or a bank or agency reading under consent, by its kind."""
        audience = GOVERNMENT if organisation.kind in GOVERNMENT_KINDS else AUTHORISED
        return cls(audience, organisation, organisation.name, username)


@dataclass(frozen=True)
class Scope:
    """The effective scope of one report: the catalogue items (codes, catalogue order) whose
    records it holds, and what else it includes."""

    type_code: str
    audience: str
    item_codes: tuple[str, ...]
    evaluation: str
    lists: bool
    commitments: bool
    objections: bool
    organisation_id: int | None

    def as_data(self) -> dict[str, Any]:
        """The scope as JSON-ready data (stored with the report)."""
        return {
            "type_code": self.type_code,
            "audience": self.audience,
            "item_codes": list(self.item_codes),
            "evaluation": self.evaluation,
            "lists": self.lists,
            "commitments": self.commitments,
            "objections": self.objections,
            "organisation_id": self.organisation_id,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Scope:
        """The scope `as_data` gave."""
        organisation = data["organisation_id"]
        return cls(
            type_code=str(data["type_code"]),
            audience=str(data["audience"]),
            item_codes=tuple(str(code) for code in data["item_codes"]),
            evaluation=str(data["evaluation"]),
            lists=bool(data["lists"]),
            commitments=bool(data["commitments"]),
            objections=bool(data["objections"]),
            organisation_id=None if organisation is None else int(organisation),
        )


def resolve_type(report_type: str | ReportType) -> ReportType:
    """The report type named (refused when the policy has none of that code)."""
    if isinstance(report_type, ReportType):
        return report_type
    found = reports_policy().get(report_type)
    if found is None:
        raise ReportRefused("report.type_unknown", _("没有这种信用报告类型：%s") % report_type[:32])
    return found


def checked_purpose(report_type: str | ReportType, purpose: str) -> str:
    """The purpose as printed: trimmed, ID numbers masked; refused when the type requires
    one and none is given (`report.purpose_required`) or it is too long."""
    kind = resolve_type(report_type)
    text = checked_text(
        purpose, _("报告用途"), error=ReportRefused, namespace="report.purpose",
        required=False, max_length=MAX_PURPOSE,
    )  # fmt: skip
    if kind.purpose_required and not text:
        raise ReportRefused(
            "report.purpose_required", _("%s须写明用途（如项目名称或编号）") % kind.name
        )
    return text


def _check_requester(requester: Requester) -> None:
    organisation = requester.organisation
    if requester.audience not in AUDIENCES:
        raise ReportRefused("report.audience", _("无法识别的报告申请人类型"))
    if requester.audience in (PUBLIC, SUBJECT):
        return
    kinds = GOVERNMENT_KINDS if requester.audience == GOVERNMENT else GRANTEE_KINDS
    if organisation is None or organisation.kind not in kinds or not organisation.is_active:
        raise ReportRefused("report.audience", _("本机构不能以该身份申请信用报告"))


def _check_subject(kind: ReportType, requester: Requester, subject: Subject) -> None:
    if subject.is_person and requester.audience != SUBJECT:
        raise ReportRefused("report.subject_kind", _("自然人的信用报告只向本人提供"))
    if subject.kind not in kind.subject_kinds:
        label = SubjectKind(subject.kind).label if subject.kind in SubjectKind.values else ""
        raise ReportRefused(
            "report.subject_kind",
            _("%(type)s不向%(kind)s出具") % {"type": kind.name, "kind": label},
        )


def _classes(kind: ReportType, audience: str) -> list[str]:
    allowed = {
        PUBLIC: {Disclosure.PUBLIC.value},
        AUTHORISED: {Disclosure.PUBLIC.value, Disclosure.AUTHORISED.value},
    }.get(audience)
    return [c for c in kind.disclosures if allowed is None or c in allowed]


def _items(kind: ReportType, classes: list[str], subject: Subject) -> list[CatalogItem]:
    """The current catalogue items of `classes` (limited to the type's own, when it names
    them) that may concern the subject's kind, in catalogue order. One query."""
    rows = CatalogItem.objects.filter(is_active=True, disclosure__in=classes).order_by("pk")
    if kind.items:
        rows = rows.filter(code__in=kind.items)
    return [item for item in rows if subject.kind in item.subject_types]


def decide_scope(
    report_type: str | ReportType,
    requester: Requester,
    subject: Subject,
    *,
    purpose: str | None = None,
) -> Scope:
    """The scope of a report of `report_type` about `subject` for `requester`, or
    `ReportRefused`: `report.type_unknown`, `report.audience` (the type is not offered to
    this requester), `report.subject_kind`, `report.consent` (a bank or agency without the
    subject's active consent, for a type that can hold 授权查询 items),
    `report.purpose_required` (only when `purpose` is given; `build_content` checks it
    always). Two queries at most."""
    kind = resolve_type(report_type)
    _check_requester(requester)
    if requester.audience not in kind.audiences:
        raise ReportRefused(
            "report.audience",
            _("%(type)s不向%(who)s提供") % {"type": kind.name, "who": requester.label},
        )
    _check_subject(kind, requester, subject)
    if purpose is not None:
        checked_purpose(kind, purpose)
    items = _items(kind, _classes(kind, requester.audience), subject)
    organisation = requester.organisation
    # Consent opens the 授权查询 items: a type without them (the public report, which anyone
    # may get) needs none, and a bank is not refused what an anonymous visitor is given.
    if requester.audience == AUTHORISED and Disclosure.AUTHORISED.value in kind.disclosures:
        assert organisation is not None  # _check_requester: an agency or a bank
        consent = active_consent(subject, organisation)
        if consent is None:
            raise ReportRefused("report.consent", _("该信用主体没有授权本机构查询，或授权已失效"))
        granted = set(consent.item_codes)
        items = [i for i in items if i.disclosure == Disclosure.PUBLIC or i.code in granted]
    evaluation: str = "none" if subject.is_person else kind.evaluation
    if evaluation == "reasons":
        evaluation = _EVALUATION_CAP.get(requester.audience, evaluation)
    return Scope(
        type_code=kind.code,
        audience=requester.audience,
        item_codes=tuple(item.code for item in items),
        evaluation=evaluation,
        lists=kind.lists,
        commitments=kind.commitments,
        objections=kind.objections,
        organisation_id=organisation.pk if organisation is not None else None,
    )
