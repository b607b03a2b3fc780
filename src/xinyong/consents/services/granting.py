"""Granting and revoking: what a subject may grant, to whom, and for how long.

A subject (its owner or a staff member in its account) grants an active credit service agency
or bank the current catalogue items that apply to its kind and are of the 社会公开 or 授权查询
class — never 政务共享 ones, which are for government only — for a stated purpose, from today
until a date at most a year ahead. Revocation takes effect at once: reads lock the consent row
and check its state in the transaction that serves them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation
from xinyong.catalog.models import CatalogItem, Disclosure
from xinyong.consents.models import Consent
from xinyong.consents.permissions import GRANTEE_KINDS
from xinyong.consents.services.common import (
    MAX_ITEMS,
    MAX_PURPOSE,
    MAX_REFERENCE,
    OBJECT_TYPE,
    ConsentError,
    one_year_after,
    snapshot,
)
from xinyong.core import audit
from xinyong.core.errors import checked_text
from xinyong.rights.models import SubjectMember
from xinyong.subjects.models import Subject

GRANTABLE_DISCLOSURES = (Disclosure.PUBLIC, Disclosure.AUTHORISED)


def grantable_items(subject: Subject) -> list[CatalogItem]:
    """The current catalogue items `subject` may authorise, in catalogue order: those of the
    社会公开 and 授权查询 classes that may concern a subject of its kind."""
    items = CatalogItem.objects.filter(
        is_active=True, disclosure__in=GRANTABLE_DISCLOSURES
    ).order_by("pk")
    return [item for item in items if subject.kind in item.subject_types]


def grantable_organisations() -> list[Organisation]:
    """The organisations a subject may authorise: active credit service agencies and banks."""
    return list(
        Organisation.objects.filter(is_active=True, kind__in=sorted(GRANTEE_KINDS)).order_by(
            "kind", "name", "pk"
        )
    )


def _organisation(organisation: Organisation) -> Organisation:
    current = Organisation.objects.filter(pk=organisation.pk).first()
    if current is None or current.kind not in GRANTEE_KINDS:
        raise ConsentError("consent.organisation_kind", _("只能向信用服务机构或银行授权查询"))
    if not current.is_active:
        raise ConsentError(
            "consent.organisation_inactive",
            _("%(name)s 已停用，不能向其授权") % {"name": current.name},
        )
    return current


def _items(subject: Subject, item_codes: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(code.strip() for code in item_codes if code.strip()))
    if not wanted:
        raise ConsentError("consent.items", _("请至少选择一个授权查询的目录项"))
    if len(wanted) > MAX_ITEMS:
        raise ConsentError("consent.items", _("目录项过多（最多 %d 个）") % MAX_ITEMS)
    allowed = {item.code for item in grantable_items(subject)}
    refused = [code for code in wanted if code not in allowed]
    if refused:
        raise ConsentError(
            "consent.items",
            _("以下目录项不能授权查询：%s") % "、".join(code[:32] for code in refused),
        )
    return wanted


def _period(valid_until: datetime.date, today: datetime.date) -> datetime.date:
    if not isinstance(valid_until, datetime.date):
        raise ConsentError("consent.period", _("请填写授权截止日期"))
    if valid_until < today:
        raise ConsentError("consent.period", _("授权截止日期不能早于今天"))
    latest = one_year_after(today)
    if valid_until > latest:
        raise ConsentError(
            "consent.period",
            _("授权期限最长一年：截止日期最晚为 %s") % latest.isoformat(),
        )
    return valid_until


def grant(
    member: SubjectMember,
    *,
    organisation: Organisation,
    item_codes: Iterable[str],
    purpose: str,
    valid_until: datetime.date,
    reference: str = "",
) -> Consent:
    """Grant `organisation` reads of `item_codes` about `member`'s subject, from today to
    `valid_until` (inclusive), audited. `ConsentError` on bad input; nothing is written then."""
    if not member.is_active:
        raise ConsentError("consent.member", _("该经办人已停用，不能授权"))
    subject = member.subject
    grantee = _organisation(organisation)
    codes = _items(subject, item_codes)
    text = checked_text(
        purpose, _("授权用途"), error=ConsentError, namespace="consent.purpose",
        max_length=MAX_PURPOSE,
    )  # fmt: skip
    ref = checked_text(
        reference, _("业务关联"), error=ConsentError, namespace="consent.reference",
        required=False, max_length=MAX_REFERENCE,
    )  # fmt: skip
    now = timezone.now()
    today = timezone.localdate(now)
    until = _period(valid_until, today)
    with transaction.atomic():
        consent = Consent.objects.create(
            subject=subject,
            organisation=grantee,
            item_codes=codes,
            purpose=text,
            valid_from=today,
            valid_until=until,
            granted_at=now,
            granted_by=member,
            reference=ref,
        )
        audit.record(
            "consent.grant",
            OBJECT_TYPE,
            consent.public_id,
            after=snapshot(consent),
            purpose=consent.number,
            organisation_id=grantee.pk,
        )
    return consent


def revoke(member: SubjectMember, public_id: str) -> Consent:
    """Revoke one of `member`'s subject's consents at once, audited; the next read under it
    is refused. Revoking twice, or another subject's consent, is refused."""
    if not member.is_active:
        raise ConsentError("consent.member", _("该经办人已停用，不能撤回授权"))
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update()
            .filter(subject_id=member.subject_id, public_id=public_id[:32])
            .first()
        )
        if consent is None:
            raise ConsentError("consent.none", _("没有这项授权"))
        if consent.revoked_at is not None:
            raise ConsentError("consent.revoked", _("该授权已撤回"))
        consent.revoked_at = timezone.now()
        consent.revoked_by = member
        consent.save(update_fields=["revoked_at", "revoked_by"])
        consent.subject = member.subject
        audit.record(
            "consent.revoke",
            OBJECT_TYPE,
            consent.public_id,
            before={"revoked_at": None},
            after=snapshot(consent),
            purpose=consent.number,
            organisation_id=consent.organisation_id,
        )
    return consent
