"""What a credit report says, as data: assembled by `services.content`, drawn by
`services.render`, stored with the issued report, and compared later to tell whether the
subject's situation has changed since.

Everything here is already decided for its reader: the disclosure classes and items the
report's scope allows, personal values masked. Rendering only lays it out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from xinyong.lists.public import PublicEntry
from xinyong.records.public import PublicRecord


@dataclass(frozen=True)
class ReportSubject:
    """The subject as the report identifies it (a person's ID number masked)."""

    name: str
    kind: str
    """The subject kind's label (法人和非法人组织, 个体工商户, 自然人)."""
    uscc: str
    masked_id: str
    public_id: str
    district: str
    status: str
    former_names: tuple[str, ...]


@dataclass(frozen=True)
class RecordSection:
    """One catalogue item's records in the report: all of them (a report is complete for its
    purpose, not the first page of a list), the most recent first; empty sections are
    kept so the reader sees that the item was looked at and nothing was found."""

    code: str
    name: str
    polarity: str
    disclosure: str
    description: str
    records: tuple[PublicRecord, ...]


@dataclass(frozen=True)
class GradeLine:
    """A credit evaluation grade the report may show, with the reasons behind it."""

    model_code: str
    model_name: str
    grade: str
    grade_name: str
    as_of: datetime.date
    evaluated_on: datetime.date
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class CommitmentLine:
    """A credit commitment (信用承诺) the subject signed."""

    kind: str
    title: str
    signed_on: datetime.date
    status: str
    department: str


@dataclass(frozen=True)
class ObjectionLine:
    """An objection under way about the subject's data (异议处理中)."""

    about: str
    filed_on: datetime.date
    status: str


@dataclass(frozen=True)
class ReportContent:
    """One report's content. `scope_note` and `notes` are the plain-language statement of
    what is and is not included and how to object."""

    type_code: str
    type_name: str
    purpose: str
    requester: str
    """Who asked, as printed: 社会公众, 主体本人, or the organisation's name."""
    cut_off: datetime.datetime
    subject: ReportSubject
    sections: tuple[RecordSection, ...]
    lists: tuple[PublicEntry, ...]
    grades: tuple[GradeLine, ...]
    commitments: tuple[CommitmentLine, ...]
    objections: tuple[ObjectionLine, ...]
    scope_note: str
    notes: tuple[str, ...]
    validity_days: int
    """How long a recipient should rely on the report (建议有效期), from its type."""
    included: tuple[str, ...]
    """Which of the optional parts the scope includes ("lists", "grades", "commitments",
    "objections"): a part left out is not printed, where an empty included part says 无."""

    @property
    def valid_until(self) -> datetime.date:
        return self.cut_off.date() + datetime.timedelta(days=self.validity_days)

    @property
    def record_count(self) -> int:
        return sum(len(s.records) for s in self.sections)

    @property
    def record_ids(self) -> tuple[int, ...]:
        """The records the report rests on (a correction of any of them revokes it)."""
        return tuple(r.record_id for s in self.sections for r in s.records)
