"""What the public may see of the lists (名单): the one place that decides it.

An entry is public while it is in force now (`services.in_force`: decided, started, not past
its end date, not removed with effect) and its publication has been recorded with a date
that has come (`published_on` today or earlier). So an entry only decided, one noticed or
dropped, one removed (expired, removed early, repaired, withdrawn) or one past its end date
whether or not the daily expiry has run, is on no public surface. An entry whose removal is
recorded to take effect on a later day stays public until that day, as it stays in force
for the checks. The subject page, search badges, the read API, the list publicity pages and
the statistics all read through `public_q()`, so no surface can disagree with another.

What is shown is decided here too: the list type's name and kind, the deciding department,
the decision's document number and dates, the facts (the reason), the basis the decision
cites and the legal basis of the list type as the policy version the entry was decided
under defined it. Natural persons are named masked and never by a code; ID-shaped numbers
in text are masked, and a person's own name in the facts is masked where it is repeated.
Every function costs a fixed number of queries, however many entries there are.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from xinyong.accounts.models import Organisation
from xinyong.catalog.models import ListKind, ListType
from xinyong.catalog.schema import as_loose
from xinyong.catalog.schema_lists import ListTypeEntry
from xinyong.core.privacy import mask_in_text
from xinyong.lists.models import ListEntry
from xinyong.lists.services import in_force
from xinyong.records.public import SubjectRef, subject_ref
from xinyong.subjects.models import Subject
from xinyong.subjects.services import display_name

PER_PAGE = 20
MAX_PAGE_SIZE = 100

KINDS = (ListKind.PUNISHMENT.value, ListKind.INCENTIVE.value)
"""The kinds of list in the order every surface shows them."""


# -- the rule ----------------------------------------------------------------------------------


def _moment(at: datetime.datetime | None) -> datetime.datetime:
    return at if at is not None else timezone.now()


def public_q(at: datetime.datetime | None = None) -> Q:
    """The public rule as a filter on list entries, at moment `at` (now by default)."""
    moment = _moment(at)
    return in_force(moment) & Q(
        published_at__lte=moment, published_on__lte=timezone.localdate(moment)
    )


def public_entries(at: datetime.datetime | None = None) -> QuerySet[ListEntry]:
    """Every entry any member of the public may see at `at` (now by default)."""
    return ListEntry.objects.filter(public_q(at))


# -- what is shown -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicEntry:
    """One list membership as a citizen reads it."""

    list_type: str
    list_name: str
    kind: str
    department: str
    doc_no: str
    decision_date: datetime.date | None
    starts_on: datetime.date
    ends_on: datetime.date | None
    published_on: datetime.date
    reason: str
    decision_basis: str
    legal_basis: tuple[str, ...]
    subject: SubjectRef

    @property
    def punishment(self) -> bool:
        return self.kind == ListKind.PUNISHMENT


@dataclass(frozen=True)
class ListStatus:
    """Whether a subject is on a punishment list, an incentive list, or both."""

    punishment: bool = False
    incentive: bool = False

    @property
    def kinds(self) -> list[str]:
        return [k for k in KINDS if getattr(self, k)]

    def __bool__(self) -> bool:
        return self.punishment or self.incentive


_DEFINITIONS: dict[int, ListTypeEntry] = {}
_DEFINITIONS_SIZE = 256


def _definition(version_id: int, content: object) -> ListTypeEntry:
    """A list type version's definition, parsed once per version (versions never change)."""
    found = _DEFINITIONS.get(version_id)
    if found is None:
        if len(_DEFINITIONS) >= _DEFINITIONS_SIZE:
            _DEFINITIONS.clear()
        found = _DEFINITIONS[version_id] = as_loose(ListTypeEntry, content)
    return found


def basis_titles(definition: ListTypeEntry) -> tuple[str, ...]:
    """The list type's legal basis as titles, with the article where one is named."""
    return tuple(
        f"《{b.title}》{b.article}" if b.article else f"《{b.title}》"
        for b in definition.legal_basis
    )


def _text(value: str, subject: Subject) -> str:
    text = mask_in_text(value)
    if subject.is_person and len(subject.name) > 1:
        text = text.replace(subject.name, display_name(subject))
    return text


def _shown(entry: ListEntry, subject: Subject) -> PublicEntry:
    version = entry.list_type_version
    definition = _definition(version.pk, version.content)
    assert entry.starts_on is not None and entry.published_on is not None  # public: both set
    return PublicEntry(
        list_type=entry.list_type.code,
        list_name=entry.list_type.name,
        kind=entry.list_type.kind,
        department=entry.organisation.name,
        doc_no=mask_in_text(entry.doc_no),
        decision_date=entry.decision_date,
        starts_on=entry.starts_on,
        ends_on=entry.ends_on,
        published_on=entry.published_on,
        reason=_text(entry.facts or entry.reasons, subject),
        decision_basis=_text(entry.basis, subject),
        legal_basis=basis_titles(definition),
        subject=subject_ref(subject),
    )


_SHOWN = ("list_type", "list_type_version", "organisation")


def public_entries_of(
    subject: Subject, *, at: datetime.datetime | None = None
) -> list[PublicEntry]:
    """The subject's public entries: punishment lists first, the latest inclusion first
    within each kind. One query."""
    rows = (
        public_entries(at)
        .filter(subject=subject)
        .select_related(*_SHOWN)
        .order_by("-starts_on", "-pk")
    )
    shown = [_shown(entry, subject) for entry in rows]
    return sorted(shown, key=lambda e: KINDS.index(e.kind) if e.kind in KINDS else len(KINDS))


def _status(kinds: set[str]) -> ListStatus:
    return ListStatus(
        punishment=ListKind.PUNISHMENT in kinds, incentive=ListKind.INCENTIVE in kinds
    )


def status_of(entries: Iterable[PublicEntry]) -> ListStatus:
    """The badges a subject's public entries earn it."""
    return _status({e.kind for e in entries})


def list_status(
    subject_public_ids: Iterable[str], *, at: datetime.datetime | None = None
) -> dict[str, ListStatus]:
    """The badges of a page of subjects, by their public id (those on no list are left
    out): one query for the whole page."""
    ids = list(dict.fromkeys(subject_public_ids))
    if not ids:
        return {}
    rows = (
        public_entries(at)
        .filter(subject__public_id__in=ids)
        .values_list("subject__public_id", "list_type__kind")
        .distinct()
        .order_by()
    )
    kinds: dict[str, set[str]] = {}
    for public_id, kind in rows:
        kinds.setdefault(public_id, set()).add(kind)
    return {key: _status(found) for key, found in kinds.items()}


# -- the list types and their publicity -----------------------------------------------------------


@dataclass(frozen=True)
class PublicListType:
    """A list type as its publicity pages present it, with its current public entries."""

    code: str
    name: str
    kind: str
    description: str
    legal_basis: tuple[str, ...]
    departments: tuple[str, ...]
    count: int


def counts_by_list_type(*, at: datetime.datetime | None = None) -> dict[str, int]:
    """Current public entries per list type code (types without any left out). One query."""
    rows = public_entries(at).values("list_type__code").annotate(n=Count("pk")).order_by()
    return {row["list_type__code"]: row["n"] for row in rows}


def _shown_types(rows: Iterable[ListType], counts: dict[str, int]) -> list[ListType]:
    """Active list types and any other with public entries, punishment lists first, each
    kind in policy order."""
    shown = [row for row in rows if row.is_active or counts.get(row.code)]
    order = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(shown, key=lambda row: (order.get(row.kind, len(order)), row.pk))


def _deciders(rows: list[ListType]) -> dict[int, tuple[str, ...]]:
    """Each list type's deciding departments by short name: those named (prefetched by the
    caller), then the active organisations of the sectors named (one query for all)."""
    sectors = {sector for row in rows for sector in row.deciding_sectors}
    by_sector: dict[str, list[str]] = {}
    if sectors:
        found = Organisation.objects.filter(sector__in=sectors, is_active=True).order_by("pk")
        for org in found:
            by_sector.setdefault(org.sector, []).append(org.short_name or org.name)
    named: dict[int, tuple[str, ...]] = {}
    for row in rows:
        names = [o.short_name or o.name for o in row.deciding_departments.all()]
        names += [n for sector in row.deciding_sectors for n in by_sector.get(sector, [])]
        named[row.pk] = tuple(dict.fromkeys(names))
    return named


def _summaries(rows: list[ListType], counts: dict[str, int]) -> list[PublicListType]:
    deciders = _deciders(rows)
    summaries = []
    for row in rows:
        definition = _definition(row.current_version_id, row.definition)
        summaries.append(
            PublicListType(
                code=row.code,
                name=row.name,
                kind=row.kind,
                description=definition.description,
                legal_basis=basis_titles(definition),
                departments=deciders[row.pk],
                count=counts.get(row.code, 0),
            )
        )
    return summaries


def public_list_types(*, at: datetime.datetime | None = None) -> list[PublicListType]:
    """Every list type the public may read about, with its count of current public entries.
    At most four queries: the counts, the types, their named deciders, the sectors' ones."""
    counts = counts_by_list_type(at=at)
    rows = ListType.objects.prefetch_related("deciding_departments")
    return _summaries(_shown_types(rows, counts), counts)


@dataclass(frozen=True)
class ListPage:
    """One page of a list type's current public entries, the latest inclusion first."""

    list_type: PublicListType
    rows: tuple[PublicEntry, ...]
    number: int
    pages: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def list_type_page(
    code: str,
    *,
    district: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
    at: datetime.datetime | None = None,
) -> ListPage | None:
    """The current public entries of list type `code` (None: no such type to show),
    optionally about subjects of one district (code); the type's `count` is the page's
    total. Five queries: the type with its deciding departments, the sectors' deciders, the
    count and the page (one more for a type withdrawn from the policy)."""
    row = ListType.objects.prefetch_related("deciding_departments").filter(code=code).first()
    if row is None:
        return None
    entries = public_entries(at).filter(list_type=row)
    if not row.is_active and not entries.exists():
        return None  # withdrawn from the policy, and nothing of it left to show
    if district:
        entries = entries.filter(subject__district__code=district)
    total = entries.count()
    per_page = max(1, min(per_page, MAX_PAGE_SIZE))
    pages = max(1, math.ceil(total / per_page))
    number = max(1, min(page, pages))
    start = (number - 1) * per_page
    found = entries.select_related("subject", "list_type_version", "organisation").order_by(
        "-starts_on", "-pk"
    )[start : start + per_page]
    shown = []
    for entry in found:
        entry.list_type = row
        shown.append(_shown(entry, entry.subject))
    (summary,) = _summaries([row], {row.code: total})
    return ListPage(summary, tuple(shown), number, pages, total)


# -- statistics ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListTypeCount:
    code: str
    name: str
    kind: str
    count: int


@dataclass(frozen=True)
class ListFigures:
    """New public entries per month of inclusion by kind (aligned with `months`), and the
    current public entries per list type."""

    months: tuple[datetime.date, ...]
    new_by_kind: tuple[tuple[str, tuple[int, ...]], ...]
    by_type: tuple[ListTypeCount, ...]

    @property
    def total(self) -> int:
        return sum(row.count for row in self.by_type)

    @property
    def new_total(self) -> int:
        return sum(sum(counts) for _kind, counts in self.new_by_kind)


def list_figures(
    months: tuple[datetime.date, ...], *, at: datetime.datetime | None = None
) -> ListFigures:
    """The statistics of the public entries: those public now, counted by the month they
    were included (within `months`, first days of calendar months, oldest first) and by
    list type. Two queries: the list types and one aggregate."""
    rows = list(
        public_entries(at)
        .annotate(month=TruncMonth("starts_on"))
        .values("list_type_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    types = {row.pk: row for row in ListType.objects.all()}
    position = {month: i for i, month in enumerate(months)}
    per_type: dict[str, int] = {}
    new: dict[str, list[int]] = {kind: [0] * len(months) for kind in KINDS}
    for row in rows:
        list_type = types[row["list_type_id"]]
        per_type[list_type.code] = per_type.get(list_type.code, 0) + row["n"]
        month = row["month"]
        if month in position and list_type.kind in new:
            new[list_type.kind][position[month]] += row["n"]
    return ListFigures(
        months=months,
        new_by_kind=tuple((kind, tuple(counts)) for kind, counts in new.items()),
        by_type=tuple(
            ListTypeCount(t.code, t.name, t.kind, per_type.get(t.code, 0))
            for t in _shown_types(types.values(), per_type)
        ),
    )
