"""Shared test helpers: table counts and a one-call link with a default source."""

from __future__ import annotations

from typing import Any

from xinyong.core.models import AuditEntry
from xinyong.subjects.models import Subject, SubjectIdentifier, SubjectName
from xinyong.subjects.services import LinkResult, SubjectIdentifiers, link


def counts() -> tuple[int, int, int, int]:
    """Rows in the subject tables and the audit log: what a refused link must not change."""
    return (
        Subject.objects.count(),
        SubjectIdentifier.objects.count(),
        SubjectName.objects.count(),
        AuditEntry.objects.count(),
    )


def link_ids(name: str = "天津市某某有限公司", **identifiers: Any) -> LinkResult:
    kind = identifiers.pop("kind", None)
    district_code = identifiers.pop("district_code", None)
    return link(
        SubjectIdentifiers(**identifiers),
        name=name,
        kind=kind,
        district_code=district_code,
        source="test",
    )


def schemes(subject: Subject) -> dict[str, str]:
    return dict(subject.identifiers.values_list("scheme", "value"))
