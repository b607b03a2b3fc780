"""What registration data (企业登记信息) says of a subject beyond its identity: its industry
section (GB/T 4754-2017) and enterprise size, which evaluation reports grades by.

No registration feed exists yet (docs/decisions.md): the demo sets them from its synthetic
register. Natural persons have neither: they are never graded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from xinyong.core import audit, bulk
from xinyong.subjects.models import Industry, Subject, SubjectKind, SubjectSize

CHUNK = 900


@dataclass(frozen=True, slots=True)
class Classification:
    """A subject's industry section letter and size class; '' where unknown."""

    industry: str = ""
    size: str = ""

    def __post_init__(self) -> None:
        if self.industry not in ("", *Industry.values):
            raise ValueError(f"unknown industry section {self.industry!r}")
        if self.size not in ("", *SubjectSize.values):
            raise ValueError(f"unknown enterprise size {self.size!r}")


def classify(classifications: Mapping[int, Classification], *, source: str) -> int:
    """Set the industry and size of the subjects in `classifications` (by subject id), with
    one audit entry per subject changed; returns how many changed. A natural person given
    either is refused (ValueError), before anything is written."""
    ids = list(classifications)
    changed: list[list[object]] = []
    events: list[audit.AuditEvent] = []
    now = timezone.now()
    for start in range(0, len(ids), CHUNK):
        rows = Subject.objects.filter(pk__in=ids[start : start + CHUNK]).values_list(
            "pk", "public_id", "kind", "industry", "size"
        )
        for pk, public_id, kind, industry, size in rows:
            wanted = classifications[pk]
            if kind == SubjectKind.NATURAL_PERSON and (wanted.industry or wanted.size):
                raise ValueError("natural persons have no industry or enterprise size")
            if (industry, size) == (wanted.industry, wanted.size):
                continue
            changed.append([pk, wanted.industry, wanted.size, now])
            before = {"industry": industry, "size": size}
            after = {"industry": wanted.industry, "size": wanted.size, "source": source}
            events.append(audit.AuditEvent("subject.classify", "subject", public_id, before, after))
    with transaction.atomic():
        bulk.update_by_id(Subject, ("industry", "size", "updated_at"), changed)
        audit.record_many(events)
    return len(changed)
