"""From a cleaned row to a subject link request, and from a link result back to row errors.

The catalogue's subject block uses the same field keys in every item (`field_sets.subject`
of catalog.yaml, and the items that spell their own block with those keys); this module is
the one place that knows which key is which identifier.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from xinyong.records.ingest.types import CleanRow, RowError, Value
from xinyong.subjects.models import SubjectKind
from xinyong.subjects.services import LinkRequest, LinkResult, SubjectIdentifiers

IDENTIFIER_FIELDS = {
    "uscc": "uscc",
    "org_code": "org_code",
    "business_reg_no": "business_reg",
    "tax_reg_no": "tax_reg",
    "institution_cert_no": "institution_cert",
    "social_org_cert_no": "social_org_cert",
}
"""Catalogue field key → `SubjectIdentifiers` attribute."""

PERSON_ID_FIELD = "id_no"
PERSON_ID_TYPE_FIELD = "id_type"
CITIZEN_ID_TYPE = "身份证"
NAME_FIELDS = ("subject_name", "taxpayer_name", "person_name")

_BACK = {attr: key for key, attr in IDENTIFIER_FIELDS.items()} | {
    "citizen_id": PERSON_ID_FIELD,
    "name": NAME_FIELDS[0],
    "kind": "subject_category",
}
"""Link request field → the catalogue key a row error names."""

_KINDS = frozenset(SubjectKind.values)


def _text(values: Mapping[str, Value], key: str) -> str | None:
    value = values.get(key)
    return value if isinstance(value, str) and value else None


def link_request(row: CleanRow, source: str) -> LinkRequest:
    """The subject block of `row` as a link request. A natural person's 证件号码 is a citizen
    ID when its type is 身份证 or not given (the cleaner has checked its shape then)."""
    values = row.values
    identifiers: dict[str, Any] = {
        attr: _text(values, key) for key, attr in IDENTIFIER_FIELDS.items()
    }
    id_type = _text(values, PERSON_ID_TYPE_FIELD)
    if row.subject_type == SubjectKind.NATURAL_PERSON and id_type in (None, CITIZEN_ID_TYPE):
        identifiers["citizen_id"] = _text(values, PERSON_ID_FIELD)
    name = next((n for key in NAME_FIELDS if (n := _text(values, key))), "")
    kind = SubjectKind(row.subject_type) if row.subject_type in _KINDS else None
    return LinkRequest(SubjectIdentifiers(**identifiers), name, source, kind)


def link_errors(result: LinkResult) -> list[RowError]:
    """Why a row's subject could not be linked (empty when it was)."""
    if result.conflict is not None:
        return [RowError("", f"subject.{result.conflict.reason}", result.conflict.message)]
    errors = [RowError(_BACK.get(r.field, r.field), r.reason, r.message) for r in result.rejected]
    if not errors and result.subject is None:
        errors.append(RowError("", "subject.unlinked", _("无法确定该行所指的信用主体")))
    return errors
