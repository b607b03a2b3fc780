"""Publishing a financing request to chosen banks, and withdrawing it.

Publishing grants each chosen bank a consent (`xinyong.consents`) over the subject's credit
profile — the policy's profile items the subject may grant — until the request's end, with
the reference "financing:<number>", in the same transaction as the request: a refused grant
leaves no request and no other grant behind. Withdrawing revokes those consents at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation, OrganisationKind
from xinyong.catalog.models import CatalogItem
from xinyong.consents import services as consents
from xinyong.core import audit
from xinyong.financing.models import BankReview, FinancingRequest, RequestState
from xinyong.financing.policy import financing_policy
from xinyong.financing.services.common import (
    MAX_PURPOSE,
    REQUEST_TYPE,
    FinancingError,
    checked_decimal,
    checked_int,
    clean_text,
    request_snapshot,
)
from xinyong.rights.models import SubjectMember
from xinyong.rights.services import notify
from xinyong.subjects.models import Subject


def bank_choices() -> list[Organisation]:
    """The banks a request may be sent to: active organisations of kind bank."""
    return [o for o in consents.grantable_organisations() if o.kind == OrganisationKind.BANK.value]


def profile_items(subject: Subject) -> list[CatalogItem]:
    """The credit profile a request of `subject` shares: the policy's items that the subject
    may grant today, in the policy's order."""
    grantable = {item.code: item for item in consents.grantable_items(subject)}
    return [grantable[code] for code in financing_policy().profile if code in grantable]


def may_publish(member: SubjectMember) -> bool:
    """Whether `member`'s subject is of a kind that may publish financing requests."""
    return member.is_active and member.subject.kind in financing_policy().subject_kinds


def _banks(bank_ids: Sequence[int | str]) -> list[Organisation]:
    limit = financing_policy().max_banks
    try:
        wanted = list(dict.fromkeys(int(pk) for pk in bank_ids))
    except (TypeError, ValueError):
        raise FinancingError("financing.bank", _("所选银行无效")) from None
    if not wanted:
        raise FinancingError("financing.no_bank", _("请至少选择一家银行"))
    if len(wanted) > limit:
        raise FinancingError("financing.too_many_banks", _("最多选择 %d 家银行") % limit)
    choices = {bank.pk: bank for bank in bank_choices()}
    if any(pk not in choices for pk in wanted):
        raise FinancingError("financing.bank", _("所选机构不是可对接的银行，或已停用"))
    return [choices[pk] for pk in wanted]


def publish(
    member: SubjectMember,
    *,
    amount: Decimal | str,
    term_months: int | str,
    purpose: str,
    notes: str = "",
    bank_ids: Sequence[int | str],
) -> FinancingRequest:
    """Publish `member`'s subject's financing request to the chosen banks and grant each of
    them the credit profile until the request ends. `FinancingError` if refused."""
    policy = financing_policy()
    if not may_publish(member):
        raise FinancingError(
            "financing.subject_kind", _("只有企业、其他组织和个体工商户可以发布融资需求")
        )
    asked = checked_decimal(amount, _("融资金额（万元）"), policy.amount_wan, "financing.amount")
    term = checked_int(term_months, _("融资期限（月）"), policy.term_months, "financing.term")
    purpose_text = clean_text(purpose, _("资金用途"), max_length=MAX_PURPOSE)
    notes_text = clean_text(notes, _("补充说明"), required=False)
    banks = _banks(bank_ids)
    items = profile_items(member.subject)
    if not items:
        raise FinancingError("financing.no_items", _("本主体暂无可授权银行查阅的信用信息类别"))
    codes = [item.code for item in items]
    now = timezone.now()
    today = timezone.localdate(now)
    valid_until = today + datetime.timedelta(days=policy.open_days)
    try:
        with transaction.atomic():
            request = FinancingRequest.objects.create(
                subject=member.subject,
                filed_by=member,
                amount=asked,
                term_months=term,
                purpose=purpose_text,
                notes=notes_text,
                item_codes=codes,
                published_at=now,
                published_on=today,
                valid_until=valid_until,
            )
            reviews = [
                BankReview.objects.create(
                    request=request,
                    organisation=bank,
                    consent=consents.grant(
                        member,
                        organisation=bank,
                        item_codes=codes,
                        purpose=_("融资授信审查（融资需求 %s）") % request.number,
                        valid_until=valid_until,
                        reference=request.reference,
                    ),
                    updated_at=now,
                )
                for bank in banks
            ]
            audit.record(
                "financing.publish",
                REQUEST_TYPE,
                request.public_id,
                after={
                    **request_snapshot(request),
                    "banks": [r.organisation_id for r in reviews],
                    "consents": [r.consent.public_id for r in reviews],
                },
                purpose=request.number,
            )
            notify(
                member.subject,
                title=_("融资需求已发布：%s") % request.number,
                body=_("已授权 %(banks)s 在 %(until)s 前查阅本主体的信用档案，用于融资授信审查。")
                % {"banks": "、".join(b.name for b in banks), "until": valid_until.isoformat()},
                link=reverse("financing:detail", args=[request.public_id]),
            )
    except consents.ConsentError as exc:
        raise FinancingError("financing.consent", exc.message) from exc
    return request


def withdraw(member: SubjectMember, public_id: str) -> FinancingRequest:
    """Withdraw one of the subject's open requests; the banks' consents are revoked at once
    (their next read is refused). Decisions already recorded stay."""
    today = timezone.localdate()
    try:
        with transaction.atomic():
            request = (
                FinancingRequest.objects.select_for_update()
                .filter(subject=member.subject, public_id=public_id[:32])
                .first()
            )
            if request is None or not member.is_active:
                raise FinancingError("financing.not_found", _("找不到该融资需求"))
            if request.state != RequestState.OPEN:
                raise FinancingError("financing.withdrawn", _("该融资需求已撤回"))
            before = request_snapshot(request)
            revoked = []
            for review in request.reviews.select_related("consent"):
                consent = review.consent
                if consent.revoked_at is None and consent.valid_until >= today:
                    consents.revoke(member, consent.public_id)
                    revoked.append(consent.public_id)
            request.state = RequestState.WITHDRAWN
            request.withdrawn_at, request.withdrawn_by = timezone.now(), member
            request.save(update_fields=["state", "withdrawn_at", "withdrawn_by"])
            audit.record(
                "financing.withdraw",
                REQUEST_TYPE,
                request.public_id,
                before=before,
                after={**request_snapshot(request), "revoked_consents": revoked},
                purpose=request.number,
            )
    except consents.ConsentError as exc:
        raise FinancingError("financing.consent", exc.message) from exc
    return request
