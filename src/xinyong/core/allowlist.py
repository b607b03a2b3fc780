"""The operator's allowlist of irregular codes: admitting and withdrawing, audited.

Codes issued in the wild sometimes fail their check (RULES.md). An operator's decision, with
a reason, admits one; `identifiers.check` then reports it valid as `<kind>.allowlisted`.
The list stores codes in clear, so it refuses anything shaped like a citizen ID number.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from xinyong.core import audit
from xinyong.core.context import current_actor
from xinyong.core.identifiers import IdKind, check, invalidate_allowlist, normalise
from xinyong.core.models import IrregularCode

_ADMISSIBLE_LENGTHS = {18: IdKind.USCC, 9: IdKind.ORG_CODE, 15: IdKind.BUSINESS_REG}


class AllowlistError(ValueError):
    """The code or the reason is not acceptable; nothing was written."""


def validate(code: str, reason: str) -> str:
    """Return the normalised code if it may be admitted; raise AllowlistError otherwise."""
    normalised = normalise(code)
    kind = _ADMISSIBLE_LENGTHS.get(len(normalised))
    if kind is None:
        raise AllowlistError(_("只能加入18位统一社会信用代码、9位组织机构代码或15位注册号"))
    if check(normalised, IdKind.CITIZEN_ID, allowlist=frozenset()).valid:
        raise AllowlistError(_("该代码符合公民身份号码规则，不能以明文加入白名单"))
    if check(normalised, kind, allowlist=frozenset()).valid:
        raise AllowlistError(_("该代码本身校验通过，无需加入白名单"))
    if not reason.strip():
        raise AllowlistError(_("请说明加入白名单的理由"))
    if IrregularCode.objects.filter(code=normalised).exists():
        raise AllowlistError(_("该代码已在白名单中"))
    return normalised


def admit(code: str, reason: str) -> IrregularCode:
    """Admit `code` (a USCC, organisation code or registration number) that fails its check."""
    normalised = validate(code, reason)
    reason = reason.strip()
    with transaction.atomic():
        entry = IrregularCode.objects.create(
            code=normalised, reason=reason[:200], admitted_by=current_actor().label
        )
        audit.record(
            "allowlist.admit", "irregular_code", normalised, after={"reason": entry.reason}
        )
    invalidate_allowlist()
    return entry


def withdraw(code: str) -> None:
    """Remove `code` from the allowlist: it fails its check again from now on."""
    normalised = normalise(code)
    with transaction.atomic():
        entry = IrregularCode.objects.filter(code=normalised).first()
        if entry is None:
            raise AllowlistError(_("白名单中没有该代码"))
        audit.record(
            "allowlist.withdraw", "irregular_code", normalised, before={"reason": entry.reason}
        )
        entry.delete()
    invalidate_allowlist()
