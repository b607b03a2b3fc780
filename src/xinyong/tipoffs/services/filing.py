"""Filing a tip-off from the public form: checked whole before anything is written.

The informant's contact details and a reported person's name are encrypted before the row is
made (see the models' doc); attachments are checked and kept by `rights.files` first, and a
refused file keeps nothing. The receipt code comes back once, in `Filed`, and is stored only
as its keyed hash.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.core import audit
from xinyong.core.crypto import encrypt
from xinyong.core.identifiers import IdKind, check, normalise
from xinyong.core.privacy import mask_in_text, mask_person_name
from xinyong.records.public import find_public_subject
from xinyong.rights.files import EvidenceRefused, StoredFile, discard_evidence, store_evidence
from xinyong.tipoffs.models import (
    ReportedKind,
    TipOff,
    TipOffAttachment,
    contact_context,
    new_public_id,
    person_context,
)
from xinyong.tipoffs.policy import TipOffPolicyError, tipoff_policy
from xinyong.tipoffs.services.common import (
    MAX_FACTS,
    MAX_NAME,
    TipOffError,
    audit_event,
    clean_text,
)
from xinyong.tipoffs.services.receipt import new_receipt_code, receipt_hash

Upload = IO[bytes]

MAX_ATTACHMENTS = 3
MIN_FACTS = 10
"""Fewer characters than this say nothing a department could investigate."""
MAX_EMAIL = 254
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}\d{7,8}")


@dataclass(frozen=True)
class Report:
    """What the public form sends."""

    category: str
    reported_kind: str
    reported_name: str
    facts: str
    reported_code: str = ""
    anonymous: bool = True
    contact_name: str = ""
    contact_mobile: str = ""
    contact_email: str = ""


@dataclass(frozen=True)
class Filed:
    tipoff: TipOff
    receipt_code: str
    """Shown to the informant once; the platform keeps only its hash."""


def _category(code: str) -> tuple[str, str]:
    try:
        found = tipoff_policy().category(code)
    except TipOffPolicyError as exc:
        raise TipOffError(exc.reason, exc.message) from exc
    if found is None:
        raise TipOffError("tipoffs.category", _("请选择举报类别"))
    return found.code, found.name


def _reported_name(report: Report) -> str:
    if report.reported_kind not in ReportedKind.values:
        raise TipOffError("tipoffs.reported_kind", _("请选择被举报对象的类型"))
    if mask_in_text(report.reported_name or "") != (report.reported_name or ""):
        raise TipOffError("tipoffs.id_number", _("请勿填写身份证号码"))
    return clean_text(report.reported_name, _("被举报对象名称"), max_length=MAX_NAME)


def _reported_code(report: Report) -> str:
    """The organisation's USCC, normalised ("" when none was given). A person is reported
    by name only: no code is accepted for one, and an ID number is never accepted at all."""
    raw = normalise(report.reported_code or "")
    if not raw:
        return ""
    as_person = check(raw, IdKind.CITIZEN_ID)
    if as_person.valid or report.reported_kind == ReportedKind.PERSON:
        raise TipOffError(
            "tipoffs.id_number", _("举报自然人只需填写姓名，请勿填写身份证号码等证件号码")
        )
    verdict = check(raw, IdKind.USCC)
    if not verdict.valid:
        raise TipOffError("tipoffs.uscc", _("统一社会信用代码无效，请核对；不知道代码可以不填"))
    return verdict.normalised


def _contact(report: Report) -> dict[str, str] | None:
    """The contact details to encrypt, None for an anonymous tip-off. Refusals never repeat
    what was typed."""
    fields = (report.contact_name, report.contact_mobile, report.contact_email)
    if report.anonymous:
        if any(value.strip() for value in fields):
            raise TipOffError("tipoffs.anonymous_contact", _("选择匿名举报时请不要填写联系方式"))
        return None
    name = (report.contact_name or "").strip()
    if len(name) > MAX_NAME:
        raise TipOffError("tipoffs.contact_name", _("联系人姓名过长"))
    phone = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", report.contact_mobile or ""))
    if phone and not (_MOBILE.fullmatch(phone) or _LANDLINE.fullmatch(phone)):
        raise TipOffError(
            "tipoffs.contact_phone", _("联系电话格式不正确（手机号码或带区号的固定电话）")
        )
    email = (report.contact_email or "").strip()
    if email:
        try:
            if len(email) > MAX_EMAIL:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError as exc:
            raise TipOffError("tipoffs.contact_email", _("电子邮箱格式不正确")) from exc
    if not phone and not email:
        raise TipOffError(
            "tipoffs.contact_missing", _("实名举报请至少留下联系电话或电子邮箱，或选择匿名举报")
        )
    return {"name": name, "phone": phone, "email": email}


def _store(uploads: Sequence[Upload], folder: str) -> list[StoredFile]:
    if len(uploads) > MAX_ATTACHMENTS:
        raise TipOffError("tipoffs.too_many_files", _("最多上传 %d 个附件") % MAX_ATTACHMENTS)
    stored: list[StoredFile] = []
    try:
        for upload in uploads:
            stored.append(store_evidence(upload, folder))
    except EvidenceRefused as exc:
        for kept in stored:
            discard_evidence(kept)
        raise TipOffError(exc.code, exc.message) from exc
    return stored


def file_tipoff(report: Report, attachments: Sequence[Upload] = ()) -> Filed:
    """File a tip-off; `TipOffError` (nothing written, no file kept) if anything is wrong."""
    category, category_name = _category(report.category)
    name = _reported_name(report)
    code = _reported_code(report)
    facts = clean_text(report.facts, _("举报事实"), max_length=MAX_FACTS)
    if len(facts) < MIN_FACTS:
        raise TipOffError(
            "tipoffs.facts_short", _("请具体描述失信行为的事实（至少 %d 个字）") % MIN_FACTS
        )
    contact = _contact(report)
    person = report.reported_kind == ReportedKind.PERSON
    subject = find_public_subject(uscc=code) if code else None
    public_id = new_public_id()
    receipt = new_receipt_code()
    now = timezone.now()
    stored = _store(attachments, f"tipoffs/{public_id}")
    try:
        with transaction.atomic():
            tipoff = TipOff.objects.create(
                public_id=public_id,
                receipt_hash=receipt_hash(receipt),
                category=category,
                category_name=category_name,
                reported_kind=report.reported_kind,
                reported_name=mask_person_name(name) if person else name,
                reported_code=code,
                person_name_encrypted=encrypt(name, context=person_context(public_id))
                if person
                else "",
                subject=subject,
                facts=facts,
                anonymous=contact is None,
                contact_encrypted=""
                if contact is None
                else encrypt(
                    json.dumps(contact, ensure_ascii=False), context=contact_context(public_id)
                ),
                filed_at=now,
                filed_on=timezone.localdate(now),
            )
            TipOffAttachment.objects.bulk_create(
                TipOffAttachment(
                    tipoff=tipoff,
                    position=position,
                    name=kept.name,
                    size=kept.size,
                    content_type=kept.content_type,
                    sha256=kept.sha256,
                    stored_path=kept.stored_path,
                )
                for position, kept in enumerate(stored, start=1)
            )
            attached = [kept.sha256 for kept in stored]
            audit.record_many([audit_event("tipoff.file", tipoff, None, attachments=attached)])
    except BaseException:
        for kept in stored:
            discard_evidence(kept)
        raise
    return Filed(tipoff, receipt)
