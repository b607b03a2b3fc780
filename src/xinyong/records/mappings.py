"""A department's own header names for catalogue fields: the only code that writes them.

A department whose files say "处罚文号" where the national template says "行政处罚决定书文号"
registers that once; the column mapper then reads its files without anyone editing them.
Each change is validated against the catalogue item's fields and audited.
"""

from __future__ import annotations

import unicodedata

from django.db import transaction
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation
from xinyong.catalog.models import CatalogItem
from xinyong.catalog.services import PolicyLookupError, item_definition
from xinyong.core import audit
from xinyong.records.models import HeaderMapping

OBJECT_TYPE = "records.headermapping"
MAX_HEADER_CHARS = 100


class MappingError(ValueError):
    """Bad input for a header mapping; nothing was written."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{message} [{code}]")
        self.code = code
        self.message = message


def normalise_header(raw: str) -> str:
    """The header as it is stored and compared: NFKC (full-width to half-width), trimmed."""
    return unicodedata.normalize("NFKC", raw).strip()


def _snapshot(mapping: HeaderMapping) -> dict[str, str]:
    return {
        "organisation": mapping.organisation.uscc,
        "item": mapping.item.code,
        "header": mapping.header,
        "field_key": mapping.field_key,
    }


def check(item: CatalogItem, header: str, field_key: str) -> tuple[str, str]:
    """The normalised header and field key, or a `MappingError` saying what is wrong."""
    header = normalise_header(header)
    if not header:
        raise MappingError("mapping.empty_header", _("表头不能为空"))
    if len(header) > MAX_HEADER_CHARS:
        raise MappingError(
            "mapping.header_too_long", _("表头不能超过%(n)d个字符") % {"n": MAX_HEADER_CHARS}
        )
    try:
        fields = item_definition(item.code).fields
    except PolicyLookupError as exc:
        raise MappingError("mapping.unknown_item", str(exc)) from exc
    keys = {spec.key for spec in fields}
    field_key = field_key.strip()
    if field_key not in keys:
        raise MappingError(
            "mapping.unknown_field",
            _("目录项 %(item)s 没有字段 %(field)s") % {"item": item.code, "field": field_key},
        )
    return header, field_key


def save_header_mapping(
    *, organisation: Organisation, item: CatalogItem, header: str, field_key: str
) -> HeaderMapping:
    """Map `header` in the organisation's files for `item` to the field `field_key`,
    replacing an earlier mapping of the same header. No write when nothing changes."""
    header, field_key = check(item, header, field_key)
    with transaction.atomic():
        mapping = (
            HeaderMapping.objects.select_for_update()
            .filter(organisation=organisation, item=item, header=header)
            .first()
        )
        if mapping is None:
            mapping = HeaderMapping.objects.create(
                organisation=organisation, item=item, header=header, field_key=field_key
            )
            audit.record(
                "header_mapping.create",
                OBJECT_TYPE,
                mapping.pk,
                after=_snapshot(mapping),
                organisation_id=organisation.pk,
            )
        elif mapping.field_key != field_key:
            before = _snapshot(mapping)
            mapping.field_key = field_key
            mapping.save(update_fields=["field_key"])
            audit.record(
                "header_mapping.update",
                OBJECT_TYPE,
                mapping.pk,
                before=before,
                after=_snapshot(mapping),
                organisation_id=organisation.pk,
            )
    return mapping


def delete_header_mapping(mapping: HeaderMapping) -> None:
    """Forget a mapping; the organisation's later files are read without it."""
    with transaction.atomic():
        before = _snapshot(mapping)
        pk = mapping.pk
        mapping.delete()
        audit.record(
            "header_mapping.delete",
            OBJECT_TYPE,
            pk,
            before=before,
            organisation_id=mapping.organisation_id,
        )
