"""The subject's access log (谁查询了我): who read its non-public data or checked it, why,
on what basis, and when.

Every service that serves such a read writes one entry in the transaction that serves it,
so the log cannot miss a read that happened. Purposes are stored with any ID number masked:
the log is shown to the subject and to auditors, and must not become a copy of what was
asked about.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from xinyong.core import bulk
from xinyong.core.privacy import mask_in_text
from xinyong.subjects.models import AccessKind, SubjectAccess

MAX_PURPOSE = 200
MAX_BASIS = 300
MAX_REFERENCE = 64


def access_entry(
    subject_id: int,
    *,
    kind: AccessKind,
    organisation_id: int,
    purpose: str,
    legal_basis: str,
    reference: str = "",
    at: datetime | None = None,
) -> SubjectAccess:
    """One entry of `subject_id`'s access log, not yet written: `record_access` writes it,
    or a service writes it together with its own row (`bulk.insert_rows`)."""
    return SubjectAccess(
        subject_id=subject_id,
        accessed_at=at or timezone.now(),
        kind=kind,
        organisation_id=organisation_id,
        purpose=mask_in_text(purpose.strip())[:MAX_PURPOSE],
        legal_basis=legal_basis[:MAX_BASIS],
        reference=reference[:MAX_REFERENCE],
    )


def record_access(entry: SubjectAccess) -> SubjectAccess:
    """Write `entry` (made by `access_entry`) to the access log (see the module doc)."""
    bulk.insert_row(entry)  # API reads write one each: the ORM's INSERT costs more to compile
    return entry


ACCESS_COLUMNS = (
    "subject_id", "accessed_at", "kind", "organisation_id", "purpose", "legal_basis", "reference",
)  # fmt: skip


def record_accesses(
    entries: Sequence[tuple[int, str]],
    *,
    kind: AccessKind,
    organisation_id: int,
    purpose: str,
    legal_basis: str,
    at: datetime,
) -> None:
    """Write many entries of one read at once — (subject id, reference) each, one purpose,
    basis and moment (batch comparison) — by COPY on PostgreSQL."""
    shown = mask_in_text(purpose.strip())[:MAX_PURPOSE]
    basis = legal_basis[:MAX_BASIS]
    bulk.insert(
        SubjectAccess,
        ACCESS_COLUMNS,
        [
            (subject_id, at, kind, organisation_id, shown, basis, reference[:MAX_REFERENCE])
            for subject_id, reference in entries
        ],
    )


def access_log(subject_id: int) -> QuerySet[SubjectAccess]:
    """The subject's access log, newest first, with the organisations that read."""
    return (
        SubjectAccess.objects.filter(subject_id=subject_id)
        .select_related("organisation")
        .order_by("-accessed_at", "-pk")
    )
