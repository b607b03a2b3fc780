"""What the public may see of records and subjects: the one place that decides it.

A record is public when its catalogue item is current and of the 社会公开 disclosure class,
the record is active (not withdrawn), published, not repaired, not withheld while an
objection is open, and its publication has not ended (`publication_ends` is empty or today
or later). Records whose publication ended, was
repaired or withdrawn are therefore on no public surface. The portal's pages, search counts,
statistics and the read API all go through `public_records()` / `public_q()`, so no surface
can disagree with another about what is public.

What is shown of a public record is decided here too: the catalogue's fields minus those that
repeat the subject's own identity, personal values masked (ID numbers first 6 + last 4,
natural persons' names where the catalogue asks), ID-shaped numbers in free text masked.
Every function costs a constant number of queries, whatever the number of records.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation, OrganisationKind
from xinyong.catalog.models import CatalogItem, Disclosure
from xinyong.catalog.schema import FieldSpec, Item, as_loose
from xinyong.core.models import District
from xinyong.core.privacy import mask_id_number, mask_in_text, mask_person_name
from xinyong.records.models import ObjectionMark, Record, RecordState
from xinyong.subjects.models import Subject, SubjectKind, SubjectName, SubjectStatus
from xinyong.subjects.services import display_name, masked_id

LICENCES = "XZXK"
PENALTIES = "XZCF"
PUBLICITY_ITEMS = (LICENCES, PENALTIES)
"""The 双公示 items that have a latest-publicity list."""

PER_ITEM = 50
"""Records shown per catalogue item on a subject page (the most recent first)."""

PER_PAGE = 20
MAX_PAGE_SIZE = 100

LONG_TERM = datetime.date(2099, 12, 31)

_SUBJECT_KEYS = frozenset(
    {
        "subject_name",
        "subject_category",
        "uscc",
        "business_reg_no",
        "org_code",
        "tax_reg_no",
        "institution_cert_no",
        "social_org_cert_no",
        "id_type",
        "person_name",
        "taxpayer_name",
    }
)
"""Fields that repeat the subject's identity, shown once in its basic information instead
(a tax registration number may embed a citizen ID that no text mask recognises)."""

_BASIS_KEYS = ("basis", "listing_basis")
"""Fields holding the legal basis a decision cites (处罚依据, 列入依据), preferred over the
catalogue item's general legal basis."""

_SUMMARY_KEYS = (
    "violation_type",
    "penalty_content",
    "doc_name",
    "content",
    "listing_reason",
    "case_nature",
    "conduct",
    "reason",
    "list_name",
    "grade",
    "commitment_matter",
)
"""Fields that say in a few words what a record is about, in order of preference."""


SHOWN_MARKS = (ObjectionMark.NONE.value, ObjectionMark.MARKED.value)
"""Objection marks under which a record stays public (a withheld one does not)."""


# -- the rule ----------------------------------------------------------------------------------


def public_q(prefix: str = "", *, today: datetime.date | None = None) -> Q:
    """The public rule as a filter; `prefix` is the path to a record (e.g. "records__") for
    filters and conditional counts on related models."""
    day = today or timezone.localdate()
    p = prefix
    return Q(
        **{
            f"{p}item__disclosure": Disclosure.PUBLIC,
            f"{p}item__is_active": True,
            f"{p}state": RecordState.ACTIVE,
            f"{p}published": True,
            f"{p}repaired_on__isnull": True,
            f"{p}objection_mark__in": SHOWN_MARKS,
        }
    ) & (Q(**{f"{p}publication_ends__isnull": True}) | Q(**{f"{p}publication_ends__gte": day}))


def public_records(*, today: datetime.date | None = None) -> QuerySet[Record]:
    """Every record any member of the public may see today."""
    return Record.objects.filter(public_q(today=today))


def public_record_counts(
    subject_ids: Iterable[int], *, today: datetime.date | None = None
) -> dict[int, int]:
    """Public records per subject (0 for none), in one query for a whole page of subjects."""
    ids = list(dict.fromkeys(subject_ids))
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    rows = (
        public_records(today=today)
        .filter(subject_id__in=ids)
        .values("subject_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts.update({row["subject_id"]: row["n"] for row in rows})
    return counts


def under_objection(
    subject_public_ids: Iterable[str], *, today: datetime.date | None = None
) -> set[str]:
    """Which of a page of subjects (by public id) have a public record marked 异议处理中:
    the search badge. One query."""
    ids = list(dict.fromkeys(subject_public_ids))
    if not ids:
        return set()
    rows = public_records(today=today).filter(
        subject__public_id__in=ids, objection_mark=ObjectionMark.MARKED
    )
    return set(rows.values_list("subject__public_id", flat=True).distinct())


# -- what is shown -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectRef:
    """Enough of a subject to name it and link to its page: organisations by USCC, persons
    (and organisations without one) by their opaque public id, never by an ID number."""

    name: str
    kind: str
    uscc: str
    public_id: str


@dataclass(frozen=True)
class PublicField:
    key: str
    name: str
    value: str


@dataclass(frozen=True)
class PublicRecord:
    """One public record as a citizen reads it."""

    item_code: str
    item_name: str
    doc_no: str
    department: str
    decision_date: datetime.date
    published_until: datetime.date | None
    legal_basis: str
    summary: str
    fields: tuple[PublicField, ...]
    subject: SubjectRef
    record_id: int
    under_objection: bool
    """Marked 异议处理中: an objection about it is open (a withheld one is not shown at all)."""

    @property
    def values(self) -> dict[str, str]:
        """Shown values by field key, for templates that lay out a known item."""
        return {f.key: f.value for f in self.fields}


_ITEM_CACHE: dict[tuple[int, int], Item] = {}
_ITEM_CACHE_SIZE = 256


def _definition(item: CatalogItem) -> Item:
    """The parsed definition of `item`'s current version (parsed once per version)."""
    key = (item.pk, item.current_version_id)
    found = _ITEM_CACHE.get(key)
    if found is None:
        if len(_ITEM_CACHE) >= _ITEM_CACHE_SIZE:
            _ITEM_CACHE.clear()
        found = _ITEM_CACHE[key] = as_loose(Item, item.definition)
    return found


def subject_ref(subject: Subject) -> SubjectRef:
    """How every public surface names and addresses `subject` (persons masked)."""
    person = subject.is_person
    return SubjectRef(
        name=display_name(subject),
        kind=str(SubjectKind(subject.kind).label) if subject.kind in SubjectKind.values else "",
        uscc="" if person else subject.uscc,
        public_id=subject.public_id,
    )


def _basis_text(definition: Item) -> str:
    return "；".join(
        f"《{b.title}》{b.article}" if b.article else f"《{b.title}》"
        for b in definition.legal_basis
    )


def _shown(spec: FieldSpec, value: Any, subject: Subject) -> str:
    """A stored value as a public page shows it: masked as the catalogue asks, ID-shaped
    numbers in text masked, and a person's own name masked wherever the text repeats it."""
    if isinstance(value, dict):  # a personal value: only its masked form is ever shown
        return str(value.get("masked", ""))
    if isinstance(value, list):
        text = "、".join(str(v) for v in value)
    elif spec.type == "date" and value == LONG_TERM.isoformat():
        text = _("长期")
    elif spec.unit and value not in (None, ""):
        text = f"{value} {spec.unit}"
    else:
        text = "" if value is None else str(value)
    mask = spec.mask
    if (
        text
        and mask is not None
        and (mask.subject_types is None or subject.kind in mask.subject_types)
    ):
        text = mask_person_name(text) if mask.style == "person_name" else mask_id_number(text)
    text = mask_in_text(text)
    if subject.is_person and len(subject.name) > 1:
        text = text.replace(subject.name, display_name(subject))
    return text


def _public_record(record: Record, definition: Item) -> PublicRecord:
    subject = record.subject
    data: Mapping[str, Any] = record.current_version.data if record.current_version else {}
    fields = []
    for spec in definition.fields:
        if spec.key in _SUBJECT_KEYS or (spec.type == "identifier" and not spec.personal):
            continue
        value = data.get(spec.key)
        if value in (None, "", []):
            continue
        fields.append(PublicField(spec.key, spec.name, _shown(spec, value, subject)))
    shown = {f.key: f.value for f in fields}
    basis = next((shown[k] for k in _BASIS_KEYS if shown.get(k)), "") or _basis_text(definition)
    summary = "；".join([shown[k] for k in _SUMMARY_KEYS if shown.get(k)][:2])
    return PublicRecord(
        item_code=definition.code,
        item_name=record.item.name,
        doc_no=mask_in_text(record.doc_no),
        department=record.organisation.name,
        decision_date=record.decision_date,
        published_until=record.publication_ends,
        legal_basis=basis,
        summary=summary,
        fields=tuple(fields),
        subject=subject_ref(subject),
        record_id=record.pk,
        under_objection=record.objection_mark != ObjectionMark.NONE,
    )


def shown_record(record: Record) -> PublicRecord:
    """How one record is shown, masked as on every public surface, for a caller that has
    already decided its viewer may see it (e.g. the API's view for government tokens).
    `record` should come with its item, organisation, current version and subject loaded."""
    return _public_record(record, _definition(record.item))


# -- a subject's page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """A subject's basic information as the public sees it (persons masked throughout)."""

    ref: SubjectRef
    kind_code: str
    is_person: bool
    masked_id: str
    district: str
    status: str
    former_names: tuple[str, ...]


@dataclass(frozen=True)
class ItemGroup:
    """One catalogue item's public records about a subject: `total` of them, the most
    recent `PER_ITEM` in `records`."""

    code: str
    name: str
    polarity: str
    description: str
    total: int
    records: tuple[PublicRecord, ...]


def find_public_subject(*, uscc: str = "", public_id: str = "") -> Subject | None:
    """The subject a public URL names: an organisation by its USCC, any subject by its
    public id. A person is never found by a code, so no ID number can open a page."""
    rows = Subject.objects.select_related("district")
    if uscc:
        return rows.filter(uscc=uscc).exclude(kind=SubjectKind.NATURAL_PERSON).first()
    if public_id:
        return rows.filter(public_id=public_id).first()
    return None


def profile(subject: Subject) -> Profile:
    """Basic information: name, codes, kind, district, status and former names (one query)."""
    person = subject.is_person
    names = SubjectName.objects.filter(subject=subject, valid_to__isnull=False).order_by(
        "-valid_to", "-pk"
    )
    former = [mask_person_name(n.name) if person else n.name for n in names]
    registered = not person and subject.status in SubjectStatus.values
    status = SubjectStatus(subject.status).label if registered else ""
    return Profile(
        ref=subject_ref(subject),
        kind_code=subject.kind,
        is_person=person,
        masked_id=masked_id(subject),
        district=subject.district.name if subject.district else "",
        status=str(status),
        former_names=tuple(dict.fromkeys(n for n in former if n != display_name(subject))),
    )


def public_records_for(
    subject: Subject, *, per_item: int = PER_ITEM, today: datetime.date | None = None
) -> list[ItemGroup]:
    """The subject's public records grouped by catalogue item, in catalogue order: every
    public item that may concern a subject of its kind, with the records it holds (none for
    many). Three queries, however many records there are."""
    items = [
        item
        for item in CatalogItem.objects.filter(disclosure=Disclosure.PUBLIC, is_active=True)
        .select_related("current_version")
        .order_by("pk")
        if subject.kind in item.subject_types
    ]
    mine = public_records(today=today).filter(subject=subject)
    totals = {
        row["item_id"]: row["n"]
        for row in mine.values("item_id").annotate(n=Count("pk")).order_by()
    }
    ranked = (
        mine.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("item_id")],
                order_by=[F("decision_date").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=per_item)
        .select_related("item", "organisation", "current_version")
        .order_by("item_id", "-decision_date", "-pk")
    )
    by_item: dict[int, list[PublicRecord]] = {}
    for record in ranked:
        record.subject = subject
        by_item.setdefault(record.item_id, []).append(
            _public_record(record, _definition(record.item))
        )
    groups = []
    for item in items:
        definition = _definition(item)
        groups.append(
            ItemGroup(
                code=item.code,
                name=item.name,
                polarity=item.polarity,
                description=definition.description,
                total=totals.get(item.pk, 0),
                records=tuple(by_item.get(item.pk, ())),
            )
        )
    return groups


# -- latest publicity (双公示) -------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class PublicityPage:
    item_code: str
    item_name: str
    rows: tuple[PublicRecord, ...]
    number: int
    pages: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def publicity_choices(item_code: str) -> tuple[list[Choice], list[Choice]]:
    """The departments that may publish `item_code` (by USCC) and the current districts (by
    code): the options of the publicity page's filters. Two queries."""
    item = CatalogItem.objects.filter(code=item_code, is_active=True).first()
    kinds = item.source_kinds if item is not None else []
    named = Q(catalog_items=item) if item is not None else Q(pk__in=[])
    departments = (
        Organisation.objects.filter(is_active=True)
        .filter(Q(kind__in=kinds) | named)
        .exclude(kind__in=[OrganisationKind.BANK, OrganisationKind.AGENCY, OrganisationKind.PEER])
        .distinct()
        .order_by("kind", "uscc")
    )
    districts = District.objects.filter(is_current=True).order_by("code")
    return (
        [Choice(o.uscc, o.name) for o in departments],
        [Choice(d.code, d.name) for d in districts],
    )


def latest_publicity(
    item_code: str,
    *,
    department: str = "",
    district: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    today: datetime.date | None = None,
) -> PublicityPage:
    """The latest public records of a 双公示 item, newest decision first: optionally of one
    department (USCC), about subjects of one district (code), decided within a date range.
    Three queries: the item, the count and the page."""
    if item_code not in PUBLICITY_ITEMS:
        raise ValueError(f"no publicity list for {item_code!r}")
    item = (
        CatalogItem.objects.select_related("current_version")
        .filter(code=item_code, is_active=True)
        .first()
    )
    if item is None:
        return PublicityPage(item_code, "", (), 1, 1, 0)
    rows = public_records(today=today).filter(item=item)
    if department:
        rows = rows.filter(organisation__uscc=department)
    if district:
        rows = rows.filter(subject__district__code=district)
    if date_from:
        rows = rows.filter(decision_date__gte=date_from)
    if date_to:
        rows = rows.filter(decision_date__lte=date_to)
    per_page = max(1, min(per_page, MAX_PAGE_SIZE))
    total = rows.count()
    pages = max(1, math.ceil(total / per_page))
    number = max(1, min(page, pages))
    start = (number - 1) * per_page
    found = rows.select_related("subject", "organisation", "current_version").order_by(
        "-decision_date", "-pk"
    )[start : start + per_page]
    definition = _definition(item)
    shown = []
    for record in found:
        record.item = item
        shown.append(_public_record(record, definition))
    return PublicityPage(item.code, item.name, tuple(shown), number, pages, total)


# -- beyond the public: what government bodies may read ------------------------------------------

SHARED_DISCLOSURES = (Disclosure.AUTHORISED, Disclosure.GOVERNMENT)


def shared_groups(
    subject: Subject, *, today: datetime.date | None = None
) -> list[tuple[str, ItemGroup]]:
    """For government readers only (the API checks who asks, and audits it): the subject's
    current records of 授权查询 and 政务共享 items with each item's disclosure
    class, grouped like the public ones (the most recent `PER_ITEM` of each, with its total):
    active, not withdrawn, not repaired (a repair stops sharing too), and within their
    sharing period. Three queries."""
    day = today or timezone.localdate()
    items = {
        item.pk: item
        for item in CatalogItem.objects.filter(disclosure__in=SHARED_DISCLOSURES, is_active=True)
        .select_related("current_version")
        .order_by("pk")
        if subject.kind in item.subject_types
    }
    if not items:
        return []
    mine = Record.objects.filter(
        Q(publication_ends__isnull=True) | Q(publication_ends__gte=day),
        subject=subject,
        item_id__in=list(items),
        state=RecordState.ACTIVE,
        repaired_on__isnull=True,
    )
    return grouped(subject, items, mine)


def grouped(
    subject: Subject, items: dict[int, CatalogItem], records: QuerySet[Record]
) -> list[tuple[str, ItemGroup]]:
    """`records` (of `subject`, under `items`) grouped by item in the order of `items`, with
    each item's disclosure class: the most recent `PER_ITEM` of each and its total, shaped
    and masked as on public surfaces. Two queries."""
    totals = {
        row["item_id"]: row["n"]
        for row in records.values("item_id").annotate(n=Count("pk")).order_by()
    }
    ranked = (
        records.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("item_id")],
                order_by=[F("decision_date").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=PER_ITEM)
        .select_related("organisation", "current_version")
        .order_by("item_id", "-decision_date", "-pk")
    )
    by_item: dict[int, list[PublicRecord]] = {}
    for record in ranked:
        record.subject, record.item = subject, items[record.item_id]
        by_item.setdefault(record.item_id, []).append(shown_record(record))
    return [
        (
            item.disclosure,
            ItemGroup(
                code=item.code,
                name=item.name,
                polarity=item.polarity,
                description=str(item.definition.get("description", "")),
                total=totals.get(pk, 0),
                records=tuple(by_item.get(pk, ())),
            ),
        )
        for pk, item in items.items()
    ]
