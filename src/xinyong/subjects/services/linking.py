"""The one link service: find or create the subject a record is about, never merging two.

How a request is decided (`link_many` for a batch, `link` for one):

1. Every identifier is checked (`parsing.parse`). Any unusable field rejects the request
   as a whole — nothing is found, created or attached — and each field's reason is listed.
2. All identifiers of the batch are looked up in a few IN queries, together with the
   single-valued identifiers and the names of the subjects they hit; the rest is decided in
   memory, request by request, so a subject created by one request is found by the next.
3. A citizen ID together with organisation identifiers, identifiers that point to different
   subjects, or a USCC / organisation code / ID hash that differs from the one the subject
   already holds is a *conflict*: reported with where each identifier points (masked), and
   nothing changes. Two subjects are never merged here.
4. One subject found: identifiers it did not have are attached, and a name it never had
   becomes its current name (a former name coming back, e.g. from an old file, does not).
5. Nothing found: a subject is created when the request carries a USCC, an organisation
   code, a business registration number or a citizen ID (checked national codes); tax and
   certificate numbers alone, or a name alone, never create one.

All writes of a batch happen at the end, in bulk, with their audit entries, in one
transaction; a concurrent worker that created the same subject first makes the batch run
again against what it wrote.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, TypeVar

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.core import audit, bulk, rows
from xinyong.core.models import District
from xinyong.subjects.models import (
    SINGLE_VALUED,
    Scheme,
    Subject,
    SubjectIdentifier,
    SubjectKind,
    SubjectName,
)
from xinyong.subjects.services.lookup import display_name
from xinyong.subjects.services.parsing import (
    CREATING,
    Ident,
    Parsed,
    Rejection,
    SubjectIdentifiers,
    parse,
)

CHUNK = 900
"""Values per IN query: below SQLite's historical limit of 999 bound parameters."""

MAX_SOURCE = 100

_T = TypeVar("_T")


@dataclass(frozen=True)
class LinkRequest:
    """One record's subject block."""

    identifiers: SubjectIdentifiers
    name: str
    source: str
    kind: SubjectKind | None = None
    district_code: str | None = None


@dataclass(frozen=True)
class ConflictPointer:
    """Where one identifier points: `subject` is a public id, None when it points nowhere;
    `held` is the differing value the subject already has (shown form), if that is the issue."""

    scheme: str
    label: str
    value: str
    subject: str | None
    held: str = ""


@dataclass(frozen=True)
class LinkConflict:
    """Why a request was not linked: reason code, Chinese explanation, and the pointers."""

    reason: str
    message: str
    pointers: tuple[ConflictPointer, ...]


@dataclass(frozen=True)
class LearnedIdentifier:
    """An identifier this call attached to the subject (shown form)."""

    scheme: str
    value: str


@dataclass
class LinkResult:
    """The outcome of one request: a subject, or a conflict, or rejections."""

    subject: Subject | None
    created: bool = False
    conflict: LinkConflict | None = None
    rejected: list[Rejection] = field(default_factory=list)
    learned: list[LearnedIdentifier] = field(default_factory=list)
    renamed: bool = False

    @property
    def linked(self) -> bool:
        return self.subject is not None


def _label(scheme: str) -> str:
    """What a person calls the identifier (hashed schemes are shown by their masked number)."""
    if scheme == Scheme.CITIZEN_ID_HASH or scheme == "citizen_id":
        return _("公民身份号码")
    if scheme == Scheme.TAX_REG_HASH:
        return _("税务登记号")
    return str(Scheme(scheme).label)


_OWN_ORIGIN = {Scheme.CITIZEN_ID_HASH: "citizen_id", Scheme.TAX_REG_HASH: "tax_reg"}


def _ident_label(ident: Ident) -> str:
    """The label, saying where a derived identifier came from (the USCC, the tax number)."""
    if ident.origin in (str(ident.scheme), _OWN_ORIGIN.get(ident.scheme)):
        return _label(ident.scheme)
    return _("%(label)s（取自%(origin)s）") % {
        "label": _label(ident.scheme),
        "origin": _label(ident.origin),
    }


@dataclass(slots=True)
class _NewName:
    """A name row to write; `valid_to` is set when a later row of the batch renames again."""

    state: _State
    name: str
    source: str
    valid_to: datetime | None = None


@dataclass(eq=False)
class _State:
    """What the batch knows of one subject, stored or about to be created."""

    subject: Subject
    single: dict[str, str]
    names: set[str]
    created: bool = False
    open_name: _NewName | None = None


def _chunks(items: Sequence[_T], size: int = CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _identifier_rows(keys: Iterable[tuple[str, str]]) -> list[tuple[str, str, int]]:
    """(scheme, value, subject id) of every stored identifier among `keys`, through the
    (scheme, value) index, a query per scheme (`rows.select_in`)."""
    by_scheme: dict[str, list[str]] = defaultdict(list)
    for scheme, value in keys:
        by_scheme[scheme].append(value)
    sql = (
        "SELECT scheme, value, subject_id FROM subjects_subjectidentifier "
        "WHERE scheme = %s AND value {in}"
    )
    return [
        row
        for scheme, values in sorted(by_scheme.items())
        for row in rows.select_in(sql, values, [scheme])
    ]


_LOCKED_SUBJECTS = (
    f"SELECT {rows.select_list(Subject, 's')} FROM subjects_subject s "  # noqa: S608 - no input
    "WHERE s.id {in} ORDER BY s.id"
)
_IDENTIFIERS_OF = (
    "SELECT subject_id, scheme, value FROM subjects_subjectidentifier WHERE subject_id {in}"
)
"""Every identifier of the subjects; the organisation codes are picked in Python (given a
scheme too, SQLite reads through the (scheme, value) index: every code of that scheme in
the table, for each query)."""
_NAMES = "SELECT subject_id, name FROM subjects_subjectname WHERE subject_id {in}"


class _Batch:
    """The in-memory picture of one batch and the writes it decides."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.index: dict[tuple[str, str], _State] = {}
        self.new_subjects: list[Subject] = []
        self.new_idents: list[tuple[_State, Ident, str]] = []
        self.new_names: list[_NewName] = []
        self.close_names: set[int] = set()
        self.dirty: dict[int, Subject] = {}
        self.events: list[audit.AuditEvent] = []

    # -- reading --------------------------------------------------------------------------

    def load(self, parsed: Iterable[Parsed]) -> None:
        """Read every stored subject that any identifier of the batch points to."""
        keys = {i.key for p in parsed if not p.rejected for i in p.idents}
        found = _identifier_rows(keys)
        ids = sorted({row[2] for row in found})
        states: dict[int, _State] = {}
        # Locked in key order (PostgreSQL; SQLite locks the whole database): a concurrent
        # batch renaming the same subject waits instead of being overwritten.
        lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
        for row in rows.select_in(_LOCKED_SUBJECTS + lock, ids):
            s = rows.instance(Subject, row)
            single = {Scheme.USCC: s.uscc, Scheme.CITIZEN_ID_HASH: s.citizen_id_hash}
            states[s.pk] = _State(s, {k: v for k, v in single.items() if v}, {s.name})
        for subject_id, scheme, value in rows.select_in(_IDENTIFIERS_OF, ids):
            if scheme == Scheme.ORG_CODE:
                states[subject_id].single[Scheme.ORG_CODE] = value
                self.index[(Scheme.ORG_CODE, value)] = states[subject_id]
        for subject_id, name in rows.select_in(_NAMES, ids):
            states[subject_id].names.add(name)
        for scheme, value, subject_id in found:
            self.index[(scheme, value)] = states[subject_id]

    @cached_property
    def districts(self) -> dict[str, District]:
        """Configured districts by code, abolished ones mapped to what they merged into."""
        districts = list(District.objects.all())
        by_id = {d.pk: d for d in districts}
        resolved: dict[str, District] = {}
        for d in districts:
            target, hops = d, 0
            while not target.is_current and target.successor_id in by_id and hops < len(districts):
                target, hops = by_id[target.successor_id], hops + 1
            resolved[d.code] = target
        return resolved

    def district_for(self, codes: Iterable[str]) -> District | None:
        return next((self.districts[c] for c in codes if c in self.districts), None)

    # -- deciding -------------------------------------------------------------------------

    def decide(self, request: LinkRequest, parsed: Parsed) -> LinkResult:
        if parsed.rejected:
            return LinkResult(None, rejected=list(parsed.rejected))
        found = [(i, self.index.get(i.key)) for i in parsed.idents]
        states: list[_State] = []
        for _ident, state in found:
            if state is not None and state not in states:
                states.append(state)
        if parsed.citizen is not None and len(parsed.idents) > 1:
            return self._conflict(
                "person_and_organisation",
                _("公民身份号码只标识自然人，不能与机构代码同时标识一个主体"),
                found,
            )
        if len(states) > 1:
            return self._conflict("identifiers_disagree", _("各标识指向不同的主体"), found)
        if states:
            single = states[0].single
            differs = {
                str(i.scheme): single[i.scheme]
                for i in parsed.idents
                if i.scheme in SINGLE_VALUED and single.get(i.scheme, i.value) != i.value
            }
            if differs:
                return self._differs(states[0], found, differs)
            return self._update(states[0], request, parsed)
        if not any(i.scheme in CREATING for i in parsed.idents):
            return LinkResult(
                None,
                rejected=[
                    Rejection(
                        "identifiers",
                        "identifiers.insufficient",
                        _(
                            "未找到主体，且缺少可据以新建主体的标识（统一社会信用代码、"
                            "组织机构代码、工商注册号或公民身份号码）"
                        ),
                    )
                ],
            )
        return self._create(request, parsed)

    def _conflict(
        self, reason: str, headline: str, found: list[tuple[Ident, _State | None]]
    ) -> LinkResult:
        pointers = tuple(
            ConflictPointer(
                str(i.scheme),
                _ident_label(i),
                i.shown,
                state.subject.public_id if state is not None else None,
            )
            for i, state in found
        )
        lines = [
            _("%(label)s %(value)s 指向主体 %(subject)s")
            % {"label": p.label, "value": p.value, "subject": p.subject}
            if p.subject
            else _("%(label)s %(value)s 未登记") % {"label": p.label, "value": p.value}
            for p in pointers
        ]
        message = _("%(headline)s：%(lines)s。未合并，也未作任何更改，请核实后更正。") % {
            "headline": headline,
            "lines": "；".join(lines),
        }
        return LinkResult(None, conflict=LinkConflict(reason, message, pointers))

    def _differs(
        self, state: _State, found: list[tuple[Ident, _State | None]], differs: dict[str, str]
    ) -> LinkResult:
        """The subject found holds another USCC, organisation code or ID than the request."""
        subject = state.subject

        def held(i: Ident) -> str:
            if i.scheme not in differs:
                return ""
            if i.scheme == Scheme.CITIZEN_ID_HASH:
                return subject.citizen_id_masked
            return differs[i.scheme]

        pointers = tuple(
            ConflictPointer(
                str(i.scheme),
                _ident_label(i),
                i.shown,
                subject.public_id if hit is not None else None,
                held(i),
            )
            for i, hit in found
        )
        via = next(p for p in pointers if p.subject)
        lines = [
            _("该主体已登记%(label)s %(held)s，与本条记录的 %(value)s 不一致")
            % {"label": p.label, "held": p.held, "value": p.value}
            for p in pointers
            if p.held
        ]
        message = _(
            "经%(label)s %(value)s 找到主体 %(subject)s，但%(lines)s。"
            "未合并，也未作任何更改，请核实后更正。"
        ) % {
            "label": via.label,
            "value": via.value,
            "subject": subject.public_id,
            "lines": "；".join(lines),
        }
        return LinkResult(None, conflict=LinkConflict("value_differs", message, pointers))

    def _attach(self, state: _State, idents: list[Ident], source: str) -> list[LearnedIdentifier]:
        for i in idents:
            self.new_idents.append((state, i, source))
            self.index[i.key] = state
            if i.scheme in SINGLE_VALUED:
                state.single[i.scheme] = i.value
        return [LearnedIdentifier(str(i.scheme), i.shown) for i in idents]

    def _new_name(self, state: _State, name: str, source: str) -> None:
        row = _NewName(state, name, source)
        self.new_names.append(row)
        state.open_name = row
        state.names.add(name)

    def _create(self, request: LinkRequest, parsed: Parsed) -> LinkResult:
        citizen = parsed.citizen
        subject = Subject(
            kind=parsed.kind,
            name=parsed.name,
            district=self.district_for(parsed.district_codes),
            uscc=parsed.uscc,
            citizen_id_encrypted=citizen.encrypted if citizen else "",
            citizen_id_hash=citizen.hash if citizen else "",
            citizen_id_masked=citizen.masked if citizen else "",
        )
        state = _State(subject, {}, set(), created=True)
        self.new_subjects.append(subject)
        learned = self._attach(state, parsed.idents, request.source)
        self._new_name(state, parsed.name, request.source)
        after: dict[str, Any] = {
            "kind": subject.kind,
            "name": display_name(subject),
            "district": subject.district.code if subject.district else None,
            "identifiers": [{"scheme": x.scheme, "value": x.value} for x in learned],
            "source": request.source,
        }
        self.events.append(
            audit.AuditEvent("subject.create", "subject", subject.public_id, None, after)
        )
        return LinkResult(subject, created=True, learned=learned)

    def _touch(self, state: _State) -> None:
        if not state.created:
            state.subject.updated_at = self.now
            self.dirty[state.subject.pk] = state.subject

    def _update(self, state: _State, request: LinkRequest, parsed: Parsed) -> LinkResult:
        subject = state.subject
        learned = self._attach(
            state, [i for i in parsed.idents if i.key not in self.index], request.source
        )
        for item in learned:
            after: dict[str, Any] = {
                "scheme": item.scheme,
                "value": item.value,
                "source": request.source,
            }
            if item.scheme == Scheme.USCC:
                subject.uscc = item.value
                if subject.district_id is None:
                    subject.district = self.district_for([item.value[2:8]])
                    after["district"] = subject.district.code if subject.district else None
                self._touch(state)
            self.events.append(
                audit.AuditEvent(
                    "subject.identifier_add", "subject", subject.public_id, None, after
                )
            )
        renamed = parsed.name != subject.name and parsed.name not in state.names
        if renamed:
            before = {"name": display_name(subject)}
            if state.open_name is not None:
                state.open_name.valid_to = self.now
            else:
                self.close_names.add(subject.pk)
            self._new_name(state, parsed.name, request.source)
            subject.name = parsed.name
            self._touch(state)
            self.events.append(
                audit.AuditEvent(
                    "subject.rename",
                    "subject",
                    subject.public_id,
                    before,
                    {"name": display_name(subject), "source": request.source},
                )
            )
        return LinkResult(subject, learned=learned, renamed=renamed)

    # -- writing --------------------------------------------------------------------------

    def write(self) -> None:
        """Write the batch's decisions: new rows with `bulk.insert` (ids allocated first, so
        identifiers and names can point at subjects created in the same batch)."""
        now = self.now
        ids = bulk.allocate_ids(Subject, len(self.new_subjects))
        for pk, subject in zip(ids, self.new_subjects, strict=True):
            subject.pk = subject.id = pk
            subject.created_at = subject.updated_at = now
            subject._state.adding = False
        bulk.insert(Subject, SUBJECT_COLUMNS, [_subject_row(s) for s in self.new_subjects])
        if self.dirty:
            Subject.objects.bulk_update(
                list(self.dirty.values()), ["name", "uscc", "district", "updated_at"]
            )
        for chunk in _chunks(sorted(self.close_names)):
            SubjectName.objects.filter(subject__in=chunk, valid_to__isnull=True).update(
                valid_to=now
            )
        identifier_rows = [
            [
                state.subject.pk,
                i.scheme,
                i.value,
                i.shown if i.shown != i.value else "",
                source,
                now,
            ]
            for state, i, source in self.new_idents
        ]
        bulk.insert(SubjectIdentifier, IDENTIFIER_COLUMNS, identifier_rows)
        name_rows = [
            [n.state.subject.pk, n.name, now, n.valid_to, n.source] for n in self.new_names
        ]
        bulk.insert(SubjectName, NAME_COLUMNS, name_rows)
        audit.record_many(self.events)


SUBJECT_COLUMNS = (
    "id", "public_id", "kind", "name", "district_id", "status", "uscc", "citizen_id_encrypted",
    "citizen_id_hash", "citizen_id_masked", "created_at", "updated_at",
)  # fmt: skip
IDENTIFIER_COLUMNS = ("subject_id", "scheme", "value", "masked", "source", "first_seen_at")
NAME_COLUMNS = ("subject_id", "name", "valid_from", "valid_to", "source")


def _subject_row(subject: Subject) -> list[object]:
    return [getattr(subject, column) for column in SUBJECT_COLUMNS]


def _run(requests: Sequence[LinkRequest], parsed: Sequence[Parsed]) -> list[LinkResult]:
    batch = _Batch(timezone.now())
    with transaction.atomic():
        batch.load(parsed)
        results = [batch.decide(r, p) for r, p in zip(requests, parsed, strict=True)]
        batch.write()
    return results


def link_many(requests: Sequence[LinkRequest]) -> list[LinkResult]:
    """Link a batch: a bounded number of queries whatever its size (see the module doc)."""
    if not requests:
        return []
    for request in requests:
        if not request.source.strip() or len(request.source) > MAX_SOURCE:
            raise ValueError("every link request needs a source of at most 100 characters")
    parsed = [
        parse(r.identifiers, name=r.name, kind=r.kind, district_code=r.district_code)
        for r in requests
    ]
    try:
        return _run(requests, parsed)
    except IntegrityError:
        # Another worker stored one of these identifiers since we looked: decide again
        # against what it wrote. A second failure is a real error.
        return _run(requests, parsed)


def link(
    identifiers: SubjectIdentifiers,
    *,
    name: str,
    kind: SubjectKind | None = None,
    district_code: str | None = None,
    source: str,
) -> LinkResult:
    """Find or create the subject that `identifiers` and `name` describe (see the module doc)."""
    request = LinkRequest(identifiers, name, source, kind, district_code)
    return link_many([request])[0]
