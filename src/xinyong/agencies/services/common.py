"""What the agency services share: the refusal type, who may act, the checked details of a
filing, and the filing as the audit log shows it.

The audit log is read by people: it holds the legal representative's name and the contact
phone masked, and no free text (reasons and notes stay in the filing's own history).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.agencies.models import AgencyFiling, BusinessScope
from xinyong.core import permissions
from xinyong.core.errors import ReasonedError, checked_text
from xinyong.core.permissions import CHANGE, VIEW, Viewer
from xinyong.core.privacy import mask_person_name
from xinyong.subjects.services.parsing import clean_name

OBJECT_TYPE = "agencies.filing"
SOURCE = "agencies:filing"
"""The link source named on the agency's subject, its identifiers and names."""

MAX_NAME = 200
MAX_AUTHORITY = 100
MAX_ADDRESS = 200
MAX_LEGAL_REPRESENTATIVE = 50
MAX_NUMBER = 40
MAX_TEXT = 1000
DETAIL_FIELDS = ("name", "authority", "address", "legal_representative", "scopes", "contact_phone")
"""The details a filing registers and a change may alter, in the order pages show them."""

_PHONE = re.compile(r"[0-9+()\- ]{7,20}")
_PHONE_DIGITS = (7, 15)


class AgencyError(ReasonedError, ValueError):
    """A refused filing step: a stable reason code and a message; nothing was written."""


@dataclass(frozen=True)
class AgencyDetails:
    """A filing's registered details as typed (the services check and normalise them)."""

    name: str
    authority: str
    address: str
    legal_representative: str
    scopes: Sequence[str]
    contact_phone: str


def may_view(viewer: Viewer) -> bool:
    """Whether `viewer` may read the back-office registry (the credit office)."""
    return permissions.can(viewer, AgencyFiling, VIEW)


def may_manage(viewer: Viewer) -> bool:
    """Whether `viewer` may file, change and cancel (the credit office's admins, operators)."""
    return permissions.can(viewer, AgencyFiling, CHANGE)


def require_manager(viewer: Viewer) -> None:
    if not may_manage(viewer):
        raise AgencyError(
            "agencies.forbidden", _("只有信用办的管理员和操作员可以办理信用服务机构备案")
        )


def text(value: str, label: str, *, max_length: int, required: bool = True) -> str:
    """A one-line or free-text field: trimmed, ID numbers in it masked, length checked (the
    text kept as typed: Chinese punctuation is not folded to half width)."""
    return checked_text(
        value or "",
        label,
        error=AgencyError,
        namespace="agencies",
        required=required,
        max_length=max_length,
    )


def _name(value: str) -> str:
    name = clean_name(value)
    if not name:
        raise AgencyError("agencies.missing", _("机构名称不能为空"))
    if len(name) > MAX_NAME:
        raise AgencyError(
            "agencies.too_long", _("机构名称过长（最多 %(n)d 个字符）") % {"n": MAX_NAME}
        )
    return name


def _legal_representative(value: str) -> str:
    name = text(value, _("法定代表人"), max_length=MAX_LEGAL_REPRESENTATIVE)
    if any(ch.isdigit() for ch in name) or "*" in name:
        raise AgencyError(
            "agencies.legal_representative", _("法定代表人应填写姓名，不能包含数字或证件号码")
        )
    return name


def _scopes(values: Sequence[str]) -> list[str]:
    wanted = {value.strip() for value in values if value.strip()}
    if not wanted:
        raise AgencyError("agencies.no_scope", _("至少选择一项业务范围"))
    unknown = sorted(wanted - set(BusinessScope.values))
    if unknown:
        raise AgencyError(
            "agencies.unknown_scope",
            _("未知的业务范围：%(scopes)s") % {"scopes": "、".join(unknown)},
        )
    return [code for code in BusinessScope.values if code in wanted]


def _phone(value: str) -> str:
    phone = " ".join(unicodedata.normalize("NFKC", value or "").split())
    digits = sum(ch.isdigit() for ch in phone)
    if not _PHONE.fullmatch(phone) or not _PHONE_DIGITS[0] <= digits <= _PHONE_DIGITS[1]:
        raise AgencyError(
            "agencies.phone",
            _("联系电话格式不正确：应为 7 至 15 位数字，可含区号分隔符“-”、“+”和括号"),
        )
    return phone


def checked_details(details: AgencyDetails) -> dict[str, Any]:
    """The details, checked and normalised, by field name; the first problem is refused."""
    return {
        "name": _name(details.name),
        "authority": text(details.authority, _("备案机关"), max_length=MAX_AUTHORITY),
        "address": text(details.address, _("注册地址"), max_length=MAX_ADDRESS),
        "legal_representative": _legal_representative(details.legal_representative),
        "scopes": _scopes(details.scopes),
        "contact_phone": _phone(details.contact_phone),
    }


def checked_day(
    value: datetime.date | None, label: str, *, not_before: datetime.date | None = None
) -> datetime.date:
    """The day a step counts for: today when not given, never in the future, and not before
    `not_before` (the filing's own date, or its last change)."""
    today = timezone.localdate()
    day = value or today
    if day > today:
        raise AgencyError("agencies.future_date", _("%(label)s不能晚于今天") % {"label": label})
    if not_before is not None and day < not_before:
        raise AgencyError(
            "agencies.early_date",
            _("%(label)s不能早于 %(day)s") % {"label": label, "day": not_before.isoformat()},
        )
    return day


def masked_phone(phone: str) -> str:
    """`022-23456789` → `022*****6789`: enough to tell two numbers apart in the audit log."""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def shown_value(field: str, value: Any) -> Any:
    """A detail as the audit log holds it (the person's name and the phone masked)."""
    if field == "legal_representative" and value:
        return mask_person_name(str(value))
    if field == "contact_phone" and value:
        return masked_phone(str(value))
    return value


def snapshot(filing: AgencyFiling) -> dict[str, Any]:
    """The filing as the audit log shows it."""

    def day(value: datetime.date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "number": filing.number,
        "uscc": filing.organisation.uscc,
        "subject": filing.subject.public_id,
        "status": filing.status,
        "filed_on": day(filing.filed_on),
        "changed_on": day(filing.changed_on),
        "cancelled_on": day(filing.cancelled_on),
        **{field: shown_value(field, getattr(filing, field)) for field in DETAIL_FIELDS},
    }
