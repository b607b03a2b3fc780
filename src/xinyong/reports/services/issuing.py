"""Issuing a credit report: scope, content, number and verification code, the PDF, its
SHA-256 and the signed manifest, stored together so the report can be verified for as long
as anyone holds it.

The PDF is written before the rows, and removed again when the transaction fails, so a row
never names a missing file and no stray file outlives a refused report. An organisation's
report is a read of the subject's data: it goes into the subject's access log (谁查询了我)
in the same transaction.
"""

from __future__ import annotations

import datetime
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from xinyong.core import audit
from xinyong.core.pdf import PdfDocument
from xinyong.core.privacy import mask_person_name
from xinyong.core.signing import sign
from xinyong.core.signing.envelope import format_time
from xinyong.reports.document import ReportContent
from xinyong.reports.models import Report, ReportRecord
from xinyong.reports.policy import ReportType
from xinyong.reports.services.content import build_content, content_data, fingerprint
from xinyong.reports.services.render import render_report
from xinyong.reports.services.scope import (
    Requester,
    checked_purpose,
    decide_scope,
    resolve_type,
)
from xinyong.subjects.models import AccessKind, Subject
from xinyong.subjects.services.access import access_entry, record_access

MANIFEST_KIND = "xinyong.credit_report"
"""The `kind` of a report's signed manifest: no other envelope of the platform can pass for
a report's."""

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base32: no I, L, O or U, so a code read aloud or retyped survives."""
CODE_LENGTH = 16
"""16 characters of 5 bits: 80 random bits, which nobody can guess or enumerate."""
_CODE_SHAPE = re.compile(rf"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
_READ_ALIKE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    """A fresh verification code in groups of four: `K7Q2-9XHM-4TPA-WD3N`."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(text: str) -> str | None:
    """The stored form of a typed code (any case, dashes and spaces optional, O/I/L read as
    0/1), None when it cannot be a code at all."""
    raw = re.sub(r"[\s\-]", "", text or "").upper().translate(_READ_ALIKE)
    if not _CODE_SHAPE.fullmatch(raw):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def new_number(day: datetime.date) -> str:
    """A readable report number, `XY20260501` + 6 random digits, not yet taken.

    Random rather than sequential, so a number says nothing about how many reports the
    platform issues; a clash between two issuers at the same instant is caught by the unique
    constraint (the second issue fails and writes nothing)."""
    while True:
        number = f"XY{day:%Y%m%d}{secrets.randbelow(10**6):06d}"
        if not Report.objects.filter(number=number).exists():
            return number


def verify_url(code: str) -> str:
    """The public address of the report's verification page (the QR code's target)."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("reports:verify_code", kwargs={"code": code})
    return f"{settings.XINYONG_PUBLIC_URL}{path}"


def reports_dir() -> Path:
    return Path(settings.XINYONG_VAR_DIR) / "reports"


def manifest_payload(report: Report, subject: Subject) -> dict[str, Any]:
    """What the signature covers. A person's name is masked: the manifest is shown to
    whoever holds the code, and a report's public facts must not identify a person."""
    name = mask_person_name(subject.name) if subject.is_person else subject.name
    return {
        "kind": MANIFEST_KIND,
        "number": report.number,
        "code": report.code,
        "subject": {"name": name, "uscc": subject.uscc, "public_id": subject.public_id},
        "type": report.type_code,
        "cut_off": format_time(report.cut_off),
        "issued_at": format_time(report.issued_at),
        "sha256": report.sha256,
        "fingerprint": report.fingerprint,
    }


@dataclass(frozen=True)
class Draft:
    """A report decided, numbered and filled but not yet drawn: drawing the PDF is the slow
    step and needs no database, so a batch can draw several drafts in other processes."""

    report: Report
    content: ReportContent
    kind: ReportType
    requester: Requester
    subject: Subject

    def draw(self) -> PdfDocument:
        return render_report(self.content, **self.drawing_arguments())

    def drawing_arguments(self) -> dict[str, Any]:
        return {
            "number": self.report.number,
            "code": self.report.code,
            "verify_url": verify_url(self.report.code),
            "monochrome": self.report.monochrome,
        }


def issue_report(
    subject: Subject,
    type_code: str,
    requester: Requester,
    *,
    purpose: str = "",
    monochrome: bool = False,
) -> Report:
    """Issue one report of `type_code` about `subject` for `requester` (see the module doc).

    `ReportRefused` (nothing written) when the type, the requester's rights or the purpose
    do not allow it; `SigningError` when the platform cannot sign."""
    draft = draft_report(subject, type_code, requester, purpose=purpose, monochrome=monochrome)
    return complete(draft, draft.draw())


def draft_report(
    subject: Subject,
    type_code: str,
    requester: Requester,
    *,
    purpose: str = "",
    monochrome: bool = False,
) -> Draft:
    """The report's scope, content, number and code (`ReportRefused` when not allowed);
    nothing is written yet."""
    kind = resolve_type(type_code)
    purpose = checked_purpose(kind, purpose)
    scope = decide_scope(kind, requester, subject, purpose=purpose)
    issued_at = timezone.now()
    content = build_content(
        subject, scope, purpose=purpose, requester_label=requester.label, cut_off=issued_at
    )
    data = content_data(content)  # a 300-record report's data takes ~40 ms to build
    report = Report(
        number=new_number(timezone.localdate(issued_at)),
        code=new_code(),
        subject=subject,
        type_code=scope.type_code,
        purpose=purpose,
        audience=scope.audience,
        organisation=requester.organisation,
        requested_by=requester.username[:150],
        scope=scope.as_data(),
        content=data,
        fingerprint=fingerprint(data),
        cut_off=issued_at,
        issued_at=issued_at,
        monochrome=monochrome,
    )
    return Draft(report, content, kind, requester, subject)


def complete(draft: Draft, pdf: PdfDocument) -> Report:
    """Hash and sign the drawn PDF, store it, and write the report's rows, its access-log
    entry and audit entry in one transaction (the file is removed if that fails)."""
    report, content, requester, subject = (
        draft.report,
        draft.content,
        draft.requester,
        draft.subject,
    )
    report.sha256, report.size = pdf.sha256, pdf.size
    report.manifest = sign(manifest_payload(report, subject))
    path = _write(report, pdf.content)
    try:
        with transaction.atomic():
            report.save(force_insert=True)
            ReportRecord.objects.bulk_create(
                ReportRecord(report=report, record_id=record_id)
                for record_id in sorted(set(content.record_ids))
            )
            if requester.organisation is not None:
                record_access(
                    access_entry(
                        subject.pk,
                        kind=AccessKind.REPORT,
                        organisation_id=requester.organisation.pk,
                        purpose=report.purpose or str(content.type_name),
                        legal_basis="；".join(
                            f"《{b.title}》{b.article or ''}" for b in draft.kind.legal_basis
                        ),
                        reference=report.number,
                        at=report.issued_at,
                    )
                )
            audit.record(
                "report.issue",
                "report",
                report.number,
                after=_audited(report, content.record_count),
                purpose=report.purpose,
                organisation_id=requester.organisation.pk if requester.organisation else None,
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return report


def _write(report: Report, content: bytes) -> Path:
    """Store the PDF under var/reports/YYYY/MM/<number>.pdf (via a temporary name, so a
    half-written file never carries a report's name)."""
    folder = reports_dir() / f"{report.issued_at:%Y}" / f"{report.issued_at:%m}"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{report.number}.pdf"
    partial = folder / f".{report.number}.{secrets.token_hex(4)}.part"
    partial.write_bytes(content)
    os.replace(partial, target)
    report.stored_path = str(target.relative_to(settings.XINYONG_VAR_DIR))
    return target


def _audited(report: Report, records: int) -> dict[str, Any]:
    """The report as the audit log keeps it: facts, no record content."""
    return {
        "number": report.number,
        "subject": report.subject.public_id,
        "type": report.type_code,
        "audience": report.audience,
        "cut_off": report.cut_off.isoformat(),
        "sha256": report.sha256,
        "records": records,
    }


def open_pdf(report: Report) -> bytes:
    """The stored PDF of `report`, exactly as issued (OSError when the file is gone)."""
    return (Path(settings.XINYONG_VAR_DIR) / report.stored_path).read_bytes()
