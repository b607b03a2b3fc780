"""Finding a subject by any of its codes, showing persons masked, and the one audited way
to see a citizen ID number."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from xinyong.core import audit
from xinyong.core.crypto import decrypt
from xinyong.core.errors import ReasonedError
from xinyong.core.identifiers import IdKind, check, normalise
from xinyong.core.privacy import mask_person_name
from xinyong.subjects.models import (
    CITIZEN_ID_CONTEXT,
    Scheme,
    Subject,
    SubjectIdentifier,
    SubjectKind,
    SubjectName,
)
from xinyong.subjects.services.parsing import (
    MAX_CERT,
    citizen_hash,
    classify_tax_reg,
    embedded_org_code,
)

CHUNK = 900
"""Keys per IN query: below SQLite's historical limit of 999 bound parameters."""


class SubjectError(ReasonedError, ValueError):
    """A refused request about a subject: a stable reason code and a Chinese message."""


def _candidate_keys(code: str) -> list[tuple[str, str]]:
    """Every (scheme, value) the code can stand for, most specific first."""
    n = normalise(code)
    if not n:
        return []
    keys: list[tuple[str, str]] = []
    if check(n, IdKind.USCC).valid:
        keys.append((Scheme.USCC, n))
        embedded = embedded_org_code(n)
        if embedded:
            keys.append((Scheme.ORG_CODE, embedded))
    if check(n, IdKind.ORG_CODE).valid:
        keys.append((Scheme.ORG_CODE, n))
    if check(n, IdKind.BUSINESS_REG).valid:
        keys.append((Scheme.BUSINESS_REG, n))
    try:
        _uscc, ident, org_code = classify_tax_reg(n)
    except ValueError:
        pass
    else:
        if ident is not None:
            keys.append(ident.key)
        if org_code:
            keys.append((Scheme.ORG_CODE, org_code))
    if len(n) <= MAX_CERT:
        keys += [(Scheme.INSTITUTION_CERT, n), (Scheme.SOCIAL_ORG_CERT, n)]
    person = check(n, IdKind.CITIZEN_ID)
    if person.valid:
        keys.append((Scheme.CITIZEN_ID_HASH, citizen_hash(person.normalised)))
    return keys


def find_subject(code: str) -> Subject | None:
    """The subject with this USCC, legacy code, certificate number or citizen ID (by its
    hash), or None. One query, written out: checks call this a thousand times a second and
    the ORM's compilation of the OR of keys cost more than the query. Callers that show the
    result log the read themselves."""
    keys = _candidate_keys(code)
    if not keys:
        return None
    where = " OR ".join(["(i.scheme = %s AND i.value = %s)"] * len(keys))
    sql = (
        "SELECT s.*, i.scheme AS hit_scheme, i.value AS hit_value FROM subjects_subject s "  # noqa: S608 - placeholders only
        f"JOIN subjects_subjectidentifier i ON i.subject_id = s.id WHERE {where}"
    )
    query = Subject.objects.raw(sql, [part for key in keys for part in key])
    hits = {(row.hit_scheme, row.hit_value): row for row in query}
    return next((hits[key] for key in keys if key in hits), None)


def reveal_citizen_id(subject: Subject, *, purpose: str) -> str:
    """Decrypt a person's ID number; the read is written to the audit log with its purpose."""
    purpose = purpose.strip()
    if not purpose:
        raise SubjectError("reveal.purpose", _("查看公民身份号码须说明目的"))
    if not subject.citizen_id_encrypted:
        raise SubjectError("reveal.none", _("该主体没有登记公民身份号码"))
    number = decrypt(subject.citizen_id_encrypted, context=CITIZEN_ID_CONTEXT)
    audit.record("subject.citizen_id_reveal", "subject", subject.public_id, purpose=purpose)
    return number


def display_name(subject: Subject) -> str:
    """The name as any surface shows it: natural persons masked (`张**`), others in full."""
    return mask_person_name(subject.name) if subject.is_person else subject.name


def masked_id(subject: Subject) -> str:
    """A person's ID number masked (first 6, last 4); "" for organisations."""
    return subject.citizen_id_masked if subject.is_person else ""


def summary(subject: Subject) -> dict[str, Any]:
    """What the back office may show of a subject, as plain data: persons masked throughout."""

    def shown_name(name: str) -> str:
        return mask_person_name(name) if subject.is_person else name

    identifiers = SubjectIdentifier.objects.filter(subject=subject).order_by("first_seen_at", "pk")
    names = SubjectName.objects.filter(subject=subject).order_by("valid_from", "pk")
    return {
        "public_id": subject.public_id,
        "kind": subject.kind,
        "name": display_name(subject),
        "status": subject.status,
        "district": subject.district.code if subject.district else None,
        "uscc": subject.uscc,
        "citizen_id": masked_id(subject),
        "identifiers": [
            {"scheme": i.scheme, "value": i.shown_value, "source": i.source} for i in identifiers
        ],
        "names": [
            {
                "name": shown_name(n.name),
                "valid_from": n.valid_from.isoformat(),
                "valid_to": n.valid_to.isoformat() if n.valid_to else None,
            }
            for n in names
        ],
    }


def find_subjects(codes: Iterable[str]) -> dict[str, Subject]:
    """`find_subject` for many codes at once (batch comparison): normalised code → subject,
    for the codes that find one, in a few queries per 900 candidate keys."""
    wanted: dict[str, list[tuple[str, str]]] = {}
    for code in codes:
        n = normalise(code)
        if n and n not in wanted:
            wanted[n] = _candidate_keys(n)
    keys = sorted({key for candidates in wanted.values() for key in candidates})
    hits: dict[tuple[str, str], Subject] = {}
    for start in range(0, len(keys), CHUNK):
        q = Q()
        for scheme, value in keys[start : start + CHUNK]:
            q |= Q(scheme=scheme, value=value)
        for row in SubjectIdentifier.objects.filter(q).select_related("subject"):
            hits[(row.scheme, row.value)] = row.subject
    found = {}
    for code, candidates in wanted.items():
        subject = next((hits[key] for key in candidates if key in hits), None)
        if subject is not None:
            found[code] = subject
    return found


def organisations_named(names: Iterable[str]) -> dict[str, list[Subject]]:
    """Organisations that carry or carried each name exactly (persons are never found by
    name): name → subjects, for the names that find any."""
    wanted = sorted({name.strip() for name in names if name.strip()})
    found: dict[str, list[Subject]] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = (
            SubjectName.objects.filter(name__in=wanted[start : start + CHUNK])
            .exclude(subject__kind=SubjectKind.NATURAL_PERSON)
            .select_related("subject")
            .order_by("subject_id")
        )
        for row in rows:
            subjects = found.setdefault(row.name, [])
            if all(s.pk != row.subject_id for s in subjects):
                subjects.append(row.subject)
    return found
