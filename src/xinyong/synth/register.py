"""Synthetic subjects as the platform's subject register takes them.

The demo and the end-to-end tests link every subject of `subjects.jsonl` before any
department file is loaded, as a city loads its market register first; both read a row the
same way through these functions. Unlike the rest of synth, this module speaks the subjects
app's types and so needs Django's apps loaded: the generator never imports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xinyong.subjects.models import SubjectKind
from xinyong.subjects.services import Classification, SubjectIdentifiers

_KINDS = {
    "enterprise": SubjectKind.LEGAL_PERSON,
    "cooperative": SubjectKind.LEGAL_PERSON,
    "social": SubjectKind.LEGAL_PERSON,
    "institution": SubjectKind.LEGAL_PERSON,
    "rural": SubjectKind.LEGAL_PERSON,
    "other": SubjectKind.OTHER_ORG,
    "individual": SubjectKind.INDIVIDUAL_BUSINESS,
    "person": SubjectKind.NATURAL_PERSON,
}


def subject_kind(synth_kind: str) -> SubjectKind:
    """The platform's kind for a synthetic subject kind (one of `subjects.KINDS`)."""
    return _KINDS[synth_kind]


def subject_identifiers(row: Mapping[str, Any]) -> SubjectIdentifiers:
    """Every identifier a `subjects.jsonl` row holds, as the linker takes them."""
    return SubjectIdentifiers(
        uscc=row.get("uscc"),
        org_code=row.get("org_code"),
        business_reg=row.get("business_reg"),
        tax_reg=row.get("tax_reg"),
        institution_cert=row.get("institution_cert"),
        social_org_cert=row.get("social_org_cert"),
        citizen_id=row.get("person_id"),
    )


def subject_classification(row: Mapping[str, Any]) -> Classification:
    """The industry section and size a `subjects.jsonl` row holds, as registration data
    would give them."""
    return Classification(industry=row.get("industry", ""), size=row.get("size", ""))
