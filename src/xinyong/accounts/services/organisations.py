"""Creating and changing organisations: the only code that writes `Organisation` rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation, OrganisationKind
from xinyong.accounts.services.errors import AccountError
from xinyong.core import audit
from xinyong.core.identifiers import IdKind, check
from xinyong.core.models import District
from xinyong.core.permissions import Viewer

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

OBJECT_TYPE = "accounts.organisation"


class StaffCount(TypedDict):
    staff_count: int


def snapshot(organisation: Organisation) -> dict[str, Any]:
    """The audited view of an organisation."""
    return {
        "uscc": organisation.uscc,
        "name": organisation.name,
        "short_name": organisation.short_name,
        "kind": organisation.kind,
        "sector": organisation.sector,
        "district": organisation.district.code if organisation.district else None,
        "is_active": organisation.is_active,
    }


def _valid_uscc(raw: str) -> str:
    result = check(raw, kind=IdKind.USCC)
    if not result.valid:
        raise AccountError(
            "invalid_uscc",
            _("统一社会信用代码无效：%(message)s") % {"message": result.message},
        )
    return result.normalised


def _text(value: str, max_length: int, *, required: bool, label: str) -> str:
    value = value.strip()
    if required and not value:
        raise AccountError("missing_field", _("%(label)s不能为空") % {"label": label})
    if len(value) > max_length:
        raise AccountError(
            "too_long", _("%(label)s不能超过%(n)d个字符") % {"label": label, "n": max_length}
        )
    return value


def _kind(value: str) -> str:
    if value not in OrganisationKind.values:
        raise AccountError(
            "unknown_kind",
            _("未知的机构类型：%(kind)s（可选：%(choices)s）")
            % {"kind": value, "choices": "、".join(OrganisationKind.values)},
        )
    return value


def _district(code: str) -> District | None:
    code = code.strip()
    if not code:
        return None
    district = District.objects.filter(code=code).first()
    if district is None:
        raise AccountError("unknown_district", _("未知的行政区划代码：%(code)s") % {"code": code})
    return district


def _uscc_taken(uscc: str, exclude_pk: int | None = None) -> AccountError | None:
    others = Organisation.objects.filter(uscc=uscc)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        return AccountError(
            "duplicate_uscc", _("统一社会信用代码 %(uscc)s 已被其他机构使用") % {"uscc": uscc}
        )
    return None


def find_organisation(uscc: str) -> Organisation:
    """The organisation with this USCC (validated and normalised first), or a clear error."""
    normalised = _valid_uscc(uscc)
    organisation = Organisation.objects.select_related("district").filter(uscc=normalised).first()
    if organisation is None:
        raise AccountError(
            "unknown_organisation",
            _("没有统一社会信用代码为 %(uscc)s 的机构") % {"uscc": check(normalised).masked},
        )
    return organisation


def create_organisation(
    *,
    uscc: str,
    name: str,
    kind: str,
    district: str = "",
    short_name: str = "",
    sector: str = "",
) -> Organisation:
    """Register an organisation; `district` is a GB/T 2260 code already loaded, or empty."""
    organisation = Organisation(
        uscc=_valid_uscc(uscc),
        name=_text(name, 200, required=True, label=_("名称")),
        short_name=_text(short_name, 64, required=False, label=_("简称")),
        kind=_kind(kind),
        sector=_text(sector, 64, required=False, label=_("领域")),
        district=_district(district),
    )
    taken = _uscc_taken(organisation.uscc)
    if taken is not None:
        raise taken
    try:
        with transaction.atomic():
            organisation.save()
            audit.record(
                "organisation.create",
                OBJECT_TYPE,
                organisation.pk,
                after=snapshot(organisation),
                organisation_id=organisation.pk,
            )
    except IntegrityError as exc:
        raise _uscc_taken(organisation.uscc) or exc from exc
    return organisation


def update_organisation(
    organisation: Organisation,
    *,
    uscc: str | None = None,
    name: str | None = None,
    short_name: str | None = None,
    kind: str | None = None,
    sector: str | None = None,
    district: str | None = None,
    is_active: bool | None = None,
) -> Organisation:
    """Change the given fields (None leaves a field alone; `district=""` clears it).

    Writes nothing, not even an audit entry, when nothing changes, so loading the same
    policy twice leaves no trace.
    """
    values: dict[str, Any] = {}
    if uscc is not None:
        values["uscc"] = _valid_uscc(uscc)
    if name is not None:
        values["name"] = _text(name, 200, required=True, label=_("名称"))
    if short_name is not None:
        values["short_name"] = _text(short_name, 64, required=False, label=_("简称"))
    if kind is not None:
        values["kind"] = _kind(kind)
    if sector is not None:
        values["sector"] = _text(sector, 64, required=False, label=_("领域"))
    if district is not None:
        values["district"] = _district(district)
    if is_active is not None:
        values["is_active"] = is_active
    changes = {key: value for key, value in values.items() if getattr(organisation, key) != value}
    if not changes:
        return organisation
    if "uscc" in changes:
        taken = _uscc_taken(changes["uscc"], exclude_pk=organisation.pk)
        if taken is not None:
            raise taken
    before = snapshot(organisation)
    for key, value in changes.items():
        setattr(organisation, key, value)
    after = snapshot(organisation)
    with transaction.atomic():
        organisation.save(update_fields=list(changes))
        audit.record(
            "organisation.update",
            OBJECT_TYPE,
            organisation.pk,
            before={key: before[key] for key in changes},
            after={key: after[key] for key in changes},
            organisation_id=organisation.pk,
        )
    return organisation


def directory(
    viewer: Viewer, *, kind: str | None = None
) -> QuerySet[WithAnnotations[Organisation, StaffCount]]:
    """Organisations `viewer` may see, with their staff count, for lists and the CLI."""
    organisations = Organisation.objects.restrict(viewer).select_related("district")
    if kind is not None:
        organisations = organisations.filter(kind=_kind(kind))
    return organisations.annotate(staff_count=Count("staff")).order_by("kind", "uscc")
