"""Finding a subject by any of its codes, showing persons masked, and the one audited way
to see a citizen ID number."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils.translation import gettext as _

from xinyong.core import audit, rows
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
USCC_LENGTH, ORG_CODE_LENGTH, BUSINESS_REG_LENGTH = 18, 9, 15
CITIZEN_ID_LENGTHS = (15, 18)
SHOWN_FIELDS = ("id", "public_id", "kind", "name", "status", "uscc", "citizen_id_masked")
"""Keys per IN query: below SQLite's historical limit of 999 bound parameters."""


class SubjectError(ReasonedError, ValueError):
    """A refused request about a subject: a stable reason code and a Chinese message."""


def _candidate_keys(code: str) -> list[tuple[str, str]]:
    """Every (scheme, value) the code can stand for, most specific first. A kind is checked
    only when the code has its length (18 USCC, 9 organisation code, 15 registration number,
    15 or 18 citizen ID): a failed check costs a translated message, and batch comparison
    asks for a hundred thousand codes at a time."""
    n = normalise(code)
    if not n:
        return []
    keys: list[tuple[str, str]] = []
    uscc = len(n) == USCC_LENGTH and check(n, IdKind.USCC).valid
    if uscc:
        keys.append((Scheme.USCC, n))
        embedded = embedded_org_code(n)
        if embedded:
            keys.append((Scheme.ORG_CODE, embedded))
    if len(n) == ORG_CODE_LENGTH and check(n, IdKind.ORG_CODE).valid:
        keys.append((Scheme.ORG_CODE, n))
    if len(n) == BUSINESS_REG_LENGTH and check(n, IdKind.BUSINESS_REG).valid:
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
    if not uscc and len(n) in CITIZEN_ID_LENGTHS:
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
    # The statement holds parameter markers only; the values go as parameters.
    sql = (
        f"SELECT {rows.select_list(Subject, 's')}, i.scheme, i.value FROM subjects_subject s "  # noqa: S608
        f"JOIN subjects_subjectidentifier i ON i.subject_id = s.id WHERE {where}"
    )
    with rows.prepared_cursor() as cursor:
        cursor.execute(sql, [part for key in keys for part in key])
        found = cursor.fetchall()
    hits = {(row[-2], row[-1]): row for row in found}  # the (scheme, value) that matched
    key = next((key for key in keys if key in hits), None)
    return rows.instance(Subject, hits[key]) if key is not None else None


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


def _owners(scheme: str, values: list[str]) -> dict[str, Subject]:
    """value → subject (with `SHOWN_FIELDS`) for the identifiers of `scheme` among `values`.
    PostgreSQL takes them in one query, as one array parameter (an IN list of thousands of
    markers costs the driver more to bind than the database to answer); SQLite, `CHUNK` at
    a time."""
    rows: list[tuple[Any, ...]] = []
    if connection.vendor == "postgresql":
        columns = ", ".join(f"s.{field}" for field in SHOWN_FIELDS)
        sql = (
            f"SELECT i.value, {columns} FROM {_table(SubjectIdentifier)} i"  # noqa: S608 - no input
            f" JOIN {_table(Subject)} s ON s.id = i.subject_id"
            " WHERE i.scheme = %s AND i.value = ANY(%s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [scheme, values])
            rows = cursor.fetchall()
    else:
        fields = [f"subject__{field}" for field in SHOWN_FIELDS]
        for start in range(0, len(values), CHUNK):
            found = SubjectIdentifier.objects.filter(
                scheme=scheme, value__in=values[start : start + CHUNK]
            )
            rows += found.values_list("value", *fields)
    return {row[0]: Subject.from_db(connection.alias, SHOWN_FIELDS, row[1:]) for row in rows}


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def find_subjects(codes: Iterable[str]) -> dict[str, Subject]:
    """`find_subject` for many codes at once (batch comparison): normalised code → subject
    (with `SHOWN_FIELDS`; others load on access, one query each), for the codes that find
    one. Most codes in a file are valid USCCs, and a USCC is its own most specific key:
    those are looked up by it alone first, and only the codes that find nothing so by every
    key they can stand for, a query per scheme (`scheme = … AND value IN (…)`, the unique
    index's order)."""
    wanted = {n: True for n in map(normalise, codes) if n}
    usccs = [n for n in wanted if len(n) == USCC_LENGTH and check(n, IdKind.USCC).valid]
    found = _owners(Scheme.USCC, sorted(usccs))
    rest = {n: _candidate_keys(n) for n in wanted if n not in found}
    by_scheme: dict[str, set[str]] = {}
    for candidates in rest.values():
        for scheme, value in candidates:
            by_scheme.setdefault(scheme, set()).add(value)
    owners: dict[tuple[str, str], Subject] = {}
    for scheme, values in by_scheme.items():
        owners.update(((scheme, v), owner) for v, owner in _owners(scheme, sorted(values)).items())
    for code, candidates in rest.items():
        hit = next((owners[key] for key in candidates if key in owners), None)
        if hit is not None:
            found[code] = hit
    return found


def organisations_named(names: Iterable[str]) -> dict[str, Subject | None]:
    """For each name that organisations carry or carried exactly (persons are never found
    by name): the organisation (with `SHOWN_FIELDS`), or None when several do."""
    wanted = sorted({name.strip() for name in names if name.strip()})
    owners: dict[str, set[int]] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = (
            SubjectName.objects.filter(name__in=wanted[start : start + CHUNK])
            .exclude(subject__kind=SubjectKind.NATURAL_PERSON)
            .values_list("name", "subject_id")
        )
        for name, subject_id in rows:
            owners.setdefault(name, set()).add(subject_id)
    only = {name: min(ids) for name, ids in owners.items() if len(ids) == 1}
    subjects: dict[int, Subject] = {}
    ids = sorted(only.values())
    for start in range(0, len(ids), CHUNK):
        subjects.update(Subject.objects.only(*SHOWN_FIELDS).in_bulk(ids[start : start + CHUNK]))
    return {name: subjects[only[name]] if name in only else None for name in owners}
