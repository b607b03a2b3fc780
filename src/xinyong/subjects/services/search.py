"""Subject search: one box for a name fragment, a code, or a natural person's exact identity.

What a query finds, best first (each group in a stable order, one page cut across them):

1. the subject a full code names (USCC, organisation code, business registration number,
   tax number, certificate number, via `find_subject`); a citizen ID finds its person only
   when the caller allows it (`citizen_id=True`: the number came in a form body, never a URL);
2. natural persons whose exact name it is, within the district chosen;
3. organisations whose name is the query (after `search_key`: full width, traditional
   characters, brackets and spaces do not matter), then those whose name starts with it,
   then those that contain it;
4. subjects with a code that starts with it (four characters or more);
5. when all that fills less than a page: names *like* it (pg_trgm word similarity on
   PostgreSQL, shared character pairs on SQLite).

Natural persons are never in the name index (`search_index`), so no fragment, prefix or
fuzzy query can list them; they are shown masked. Counts stop at `CAP` ("1000+"): each group
is fetched up to a LIMIT (ids only; one query for all the name groups), so a one-character
query that matches most of the register costs no more than a rare one; beyond the cap, the
names shown are the first the index yields, in key order. Every call runs a bounded number
of queries (three or four for a name), whatever it finds.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from xinyong.core.identifiers import normalise
from xinyong.core.models import District
from xinyong.core.privacy import mask_in_text
from xinyong.subjects.models import (
    Scheme,
    Subject,
    SubjectIdentifier,
    SubjectKind,
    SubjectStatus,
)
from xinyong.subjects.services.lookup import display_name, find_subject, masked_id
from xinyong.subjects.services.parsing import clean_name
from xinyong.subjects.services.search_index import (
    FTS_TABLE,
    TABLE,
    VOCAB_TABLE,
    query_tokens,
    search_key,
    to_simplified,
    tokens,
)

PER_PAGE = 20
MAX_PER_PAGE = 50
CAP = 1000
"""Results counted exactly up to here; beyond, the total is shown as "1000+"."""

MAX_QUERY = 100
CODE_PREFIX_MIN = 4
FUZZY_MIN = 3
FUZZY_SIMILARITY = 0.6
"""Fuzzy matches share at least this part of the query (pg_trgm word similarity; on SQLite,
the share of the query's character pairs found in the name)."""

PROBE = 30_000
PROBE_BREAK_EVEN = 2300.0
"""PostgreSQL, a substring whose rarest token `share` of the `rows` indexed names hold: the GIN
bitmap costs about 0.13 µs × share × rows, reading keys until the cap about 0.3 µs × CAP /
share (measured). The keys are read first when share² × rows exceeds this (≈ 2.3 × CAP), which
is at about 4 % of 1.35 million names (see `_postgres_name_sql`)."""

SPARSE_SHARE = 0.3
"""Tokens held by this share of names or more are left out of a GIN lookup (unless all are)."""

RARE_ROWS = 5_000.0
"""Fuzzy candidates come from the key's character pairs held by fewer names than this: the
GIN bitmap of a pair costs about 0.13 µs per name holding it, so a pair 3 % of 1.5 million
names hold would cost 6 ms before the first candidate is read."""

STATISTICS_TTL = 600.0
FUZZY_PAIRS = 4
_FUZZY_CANDIDATES = 1000
_TOP = "\U0010ffff"
PUBLIC_SCHEMES = (
    Scheme.USCC,
    Scheme.ORG_CODE,
    Scheme.BUSINESS_REG,
    Scheme.TAX_REG,
    Scheme.INSTITUTION_CERT,
    Scheme.SOCIAL_ORG_CERT,
)
"""Identifiers a partial code is matched against: never the hashed personal ones."""


class Match(StrEnum):
    """Why a subject is in the results, best first."""

    CODE = "code"
    PERSON = "person"
    EXACT = "exact"
    PREFIX = "prefix"
    SUBSTRING = "substring"
    CODE_PREFIX = "code_prefix"
    FUZZY = "fuzzy"


@dataclass(frozen=True)
class Hit:
    """One subject as a results page shows it (persons masked)."""

    name: str
    kind: str
    kind_code: str
    code: str
    code_label: str
    district: str
    status: str
    records: int
    uscc: str
    public_id: str
    match: Match

    @property
    def is_person(self) -> bool:
        return self.kind_code == SubjectKind.NATURAL_PERSON


@dataclass(frozen=True)
class Results:
    query: str
    hits: tuple[Hit, ...] = ()
    total: int = 0
    capped: bool = False
    number: int = 1
    pages: int = 1
    notice: str = ""

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


Fetch = Callable[[int], Sequence[int]]
"""A group of results: given a limit, the ids of at most that many subjects, best first."""


def _rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


@dataclass(frozen=True)
class _Statistics:
    shares: dict[str, float]
    rows: float


_statistics: dict[str, tuple[float, _Statistics]] = {}


def _token_statistics() -> _Statistics:
    """The share of indexed names holding each common token, and the number of names
    (PostgreSQL's statistics of the index, read at most every `STATISTICS_TTL` seconds);
    tokens it does not list are rare."""
    database = str(connection.settings_dict["NAME"])
    loaded = _statistics.get(database)
    if loaded is not None and time.monotonic() - loaded[0] < STATISTICS_TTL:
        return loaded[1]
    rows = _rows(
        "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
        "FROM pg_class AS c LEFT JOIN pg_stats AS s ON s.schemaname = current_schema() "
        "AND s.tablename = c.relname AND s.attname = 'tokens' "
        "WHERE c.oid = to_regclass(%s)",
        [TABLE],
    )
    elements, shares, count = rows[0] if rows else (None, None, 0.0)
    found = _Statistics(dict(zip(elements or [], shares or [], strict=False)), max(count, 0.0))
    _statistics[database] = (time.monotonic(), found)
    return found


def _district_filter(district: District | None, column: str) -> tuple[str, list[Any]]:
    return (f" AND {column} = %s", [district.pk]) if district is not None else ("", [])


def _ts_query(tokens_: Sequence[str]) -> str:
    return " & ".join(f"'{t}'" for t in tokens_)


def _sqlite_name_sql(key: str, district: District | None) -> tuple[str, list[Any]]:
    """SQLite: the key index for names that are or start with the key; FTS5, which yields
    the rows holding every token lazily, for those that hold it further on."""
    limit = CAP + 1
    where, params = _district_filter(district, "district_id")
    where_s, params_s = _district_filter(district, "s.district_id")
    sql = (
        f"SELECT 0, * FROM (SELECT search_key, subject_id FROM {TABLE} "  # noqa: S608
        f"WHERE search_key >= %s AND search_key < %s{where} "
        "ORDER BY search_key, subject_id LIMIT %s) "
        f"UNION ALL SELECT 1, * FROM (SELECT s.search_key, s.subject_id FROM {FTS_TABLE} "
        f"JOIN {TABLE} AS s ON s.subject_id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s AND instr(s.search_key, %s) > 1{where_s} LIMIT %s)"
    )
    match = " ".join(f'"{t}"' for t in query_tokens(key))
    return sql, [key, key + _TOP, *params, limit, match, key, *params_s, limit]


def _postgres_name_sql(key: str, district: District | None) -> tuple[str, list[Any]]:
    """PostgreSQL: the key index for names that are or start with the key; for those that
    hold it further on (asked only while the first groups leave room under the cap), a GIN
    index on the tokens. A GIN index yields a bitmap of *all* the rows holding a token, and a
    token most names hold (天, 有限) costs a bitmap of most of the table: the tokens go to it
    rarest first, the commonest left out. When even the rarest token is common enough
    (`PROBE_BREAK_EVEN`), the keys of the first `PROBE` subjects (in subject order, unrelated
    to names: `subjects_search_scan`) are read first, which finds the cap for a substring that
    many names hold; only if it does not is the GIN index asked.
    """
    limit = CAP + 1
    where, params = _district_filter(district, "district_id")
    needed = query_tokens(key)
    statistics = _token_statistics()
    share = {t: statistics.shares.get(t, 0.0) for t in needed}
    ranked = sorted(needed, key=share.__getitem__)
    useful = [t for t in ranked if share[t] < SPARSE_SHARE][:3] or ranked[:1]
    head = (
        f"head AS MATERIALIZED (SELECT search_key, subject_id FROM {TABLE} "  # noqa: S608
        f"WHERE search_key >= %s AND search_key < %s{where} "
        "ORDER BY search_key, subject_id LIMIT %s)"
    )
    head_params = [key, key + _TOP, *params, limit]
    gate = " AND (SELECT count(*) FROM probe) < %s"
    probed = share[ranked[0]] ** 2 * statistics.rows > PROBE_BREAK_EVEN
    by_tokens = (
        f"SELECT 1, search_key, subject_id FROM (SELECT search_key, subject_id FROM {TABLE} "  # noqa: S608
        f"WHERE (SELECT count(*) FROM head) < %s{gate if probed else ''} "
        f"AND tokens @@ %s::tsquery AND strpos(search_key, %s) > 1{where} LIMIT %s) AS by_tokens"
    )
    token_params = [limit, *([limit] if probed else []), _ts_query(useful), key, *params, limit]
    if not probed:
        return f"WITH {head} SELECT 0, * FROM head UNION ALL {by_tokens}", [  # noqa: S608
            *head_params,
            *token_params,
        ]
    probe = (
        "probe AS MATERIALIZED (SELECT search_key, subject_id FROM (SELECT search_key, "  # noqa: S608
        f"subject_id FROM {TABLE} WHERE (SELECT count(*) FROM head) < %s{where} "
        "ORDER BY subject_id LIMIT %s) AS window_ WHERE strpos(search_key, %s) > 1 LIMIT %s)"
    )
    sql = (
        f"WITH {head}, {probe} SELECT 0, * FROM head "  # noqa: S608
        "UNION ALL SELECT 1, * FROM probe WHERE (SELECT count(*) FROM probe) >= %s "
        f"UNION ALL {by_tokens}"
    )
    return sql, [*head_params, limit, *params, PROBE, key, limit, limit, *token_params]


def _name_groups(key: str, district: District | None) -> list[tuple[Match, list[int]]]:
    """Names that are the key, start with it, or hold it further on: each group up to the
    cap, in key order (then subject), in one query.

    Names that hold the key are not fetched in key order: an index on tokens yields them in
    its own order, and sorting every match of a common token would cost a pass over most of
    the table. The first matches found are sorted instead; with more than the cap, the total
    shows as "1000+" and these are the ones shown.
    """
    if connection.vendor == "postgresql":
        sql, params = _postgres_name_sql(key, district)
    else:
        sql, params = _sqlite_name_sql(key, district)
    rows = _rows(sql, params)
    starts = sorted((k, pk) for part, k, pk in rows if part == 0)
    holds = sorted((k, pk) for part, k, pk in rows if part == 1)
    return [
        (Match.EXACT, [pk for k, pk in starts if k == key]),
        (Match.PREFIX, [pk for k, pk in starts if k != key]),
        (Match.SUBSTRING, [pk for _k, pk in holds]),
    ]


def _fuzzy_ids(key: str, district: District | None, limit: int) -> list[int]:
    """Names like the key that do not contain it, most alike first.

    Candidates are the names holding one of the key's rarest character pairs (a trigram index
    is no help: the trigrams that open a name, "天津…", are held by most names); PostgreSQL
    ranks them by pg_trgm's word similarity, SQLite by the share of the key's pairs they hold.
    """
    pairs = sorted(set(tokens(key)) - set(key))
    if not pairs:
        return []
    if connection.vendor == "postgresql":
        statistics = _token_statistics()
        frequency = {p: statistics.shares.get(p, 0.0) for p in pairs}
        rare = sorted(
            (p for p in pairs if frequency[p] * statistics.rows < RARE_ROWS),
            key=frequency.__getitem__,
        )
        if not rare:
            return []
        where, params = _district_filter(district, "district_id")
        sql = (
            "SELECT subject_id FROM (SELECT subject_id, search_key "  # noqa: S608
            f"FROM {TABLE} WHERE tokens @@ %s::tsquery AND strpos(search_key, %s) = 0{where} "
            "LIMIT %s) AS candidates WHERE word_similarity(%s, search_key) >= %s "
            "ORDER BY word_similarity(%s, search_key) DESC, subject_id LIMIT %s"
        )
        query = " | ".join(f"'{t}'" for t in rare[:FUZZY_PAIRS])
        found = _rows(
            sql, [query, key, *params, _FUZZY_CANDIDATES, key, FUZZY_SIMILARITY, key, limit]
        )
        return [row[0] for row in found]
    marks = ", ".join(["%s"] * len(pairs))
    counted = _rows(f"SELECT term, doc FROM {VOCAB_TABLE} WHERE term IN ({marks})", pairs)  # noqa: S608
    rare = [term for term, _doc in sorted(counted, key=lambda row: row[1])][:FUZZY_PAIRS]
    if not rare:
        return []
    where, params = _district_filter(district, "s.district_id")
    sql = (
        f"SELECT s.subject_id, s.search_key FROM {FTS_TABLE} "  # noqa: S608
        f"JOIN {TABLE} AS s ON s.subject_id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s AND instr(s.search_key, %s) = 0{where} LIMIT %s"
    )
    wanted = set(pairs)
    query = " OR ".join(f'"{t}"' for t in rare)
    scored = []
    for subject_id, name_key in _rows(sql, [query, key, *params, _FUZZY_CANDIDATES]):
        share = len(wanted & set(tokens(name_key))) / len(wanted)
        if share >= FUZZY_SIMILARITY:
            scored.append((-share, subject_id))
    return [subject_id for _share, subject_id in sorted(scored)[:limit]]


def _code_prefix(code: str, district: District | None, limit: int) -> list[int]:
    """Subjects with an identifier that starts with `code` (beyond an exact match)."""
    upper = code[:-1] + chr(ord(code[-1]) + 1)
    schemes = [str(s) for s in PUBLIC_SCHEMES]
    marks = ", ".join(["%s"] * len(schemes))
    where, params = "", []
    if district is not None:
        subjects = Subject._meta.db_table
        where = f" AND subject_id IN (SELECT id FROM {subjects} WHERE district_id = %s)"  # noqa: S608
        params = [district.pk]
    sql = (
        f"SELECT subject_id FROM {SubjectIdentifier._meta.db_table} "  # noqa: S608
        f"WHERE scheme IN ({marks}) AND value > %s AND value < %s{where} "
        "ORDER BY value, subject_id LIMIT %s"
    )
    return [row[0] for row in _rows(sql, [*schemes, code, upper, *params, limit])]


def _person_ids(query: str, district: District, limit: int) -> list[int]:
    """Natural persons of this exact name in this district (masked when shown). A person
    with no district on record (records name none) is placed by the region code of the ID
    number, that district's or one merged into it."""
    names = {clean_name(query), clean_name(to_simplified(query))}
    codes = [
        district.code,
        *District.objects.filter(successor=district).values_list("code", flat=True),
    ]
    by_region = Q()
    for code in codes:
        by_region |= Q(citizen_id_masked__startswith=code)
    rows = Subject.objects.filter(
        Q(district=district) | (Q(district__isnull=True) & by_region),
        kind=SubjectKind.NATURAL_PERSON,
        name__in=sorted(names),
    ).order_by("pk")
    return list(rows.values_list("pk", flat=True)[:limit])


def carries_id_number(text: str) -> bool:
    """Whether the text holds an ID-number-shaped run of digits: such a query must not be
    put in a URL (the search page answers it without redirecting to a bookmarkable address)."""
    code = normalise(text)
    return mask_in_text(code) != code


def _looks_like_code(code: str) -> bool:
    return code.isascii() and code.isalnum()


@dataclass
class _Plan:
    """The groups of one search, each fetched up to what the cap leaves of it."""

    groups: list[tuple[Match, Sequence[int]]] = field(default_factory=list)
    total: int = 0
    capped: bool = False

    def add(self, match: Match, fetch: Fetch) -> None:
        if self.capped:
            return
        room = CAP + 1 - self.total
        ids = fetch(room)[:room]
        self.groups.append((match, ids))
        self.total += len(ids)
        if self.total > CAP:
            self.capped = True
            self.total = CAP

    def page(self, offset: int, limit: int) -> list[tuple[Match, int]]:
        ranked = [(match, pk) for match, ids in self.groups for pk in ids]
        return ranked[offset : offset + limit]


def _fixed(ids: Sequence[int]) -> Fetch:
    return lambda limit: ids[:limit]


def search_subjects(
    query: str,
    *,
    district: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
    citizen_id: bool = False,
) -> Results:
    """Search subjects (see the module doc). `district` is a district code; `citizen_id`
    allows finding a person by ID number (only for a query that came in a form body)."""
    text = query.strip()[:MAX_QUERY]
    if not text:
        return Results(query="")
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    area = District.objects.filter(code=district).first() if district else None
    plan = _Plan()
    notice = ""
    code = normalise(text)
    if not citizen_id and carries_id_number(text):
        notice = _("按公民身份号码查找自然人，请使用页面上的搜索框提交，号码不会出现在网址中。")
    # Every code holds a digit; a name without one is not looked up as a code.
    found = find_subject(code) if any(c.isdigit() for c in code) else None
    if found is not None and found.is_person and not citizen_id:
        found = None
    if found is not None and (area is None or found.district_id == area.pk):
        plan.add(Match.PERSON if found.is_person else Match.CODE, _fixed([found.pk]))
    if area is not None:
        plan.add(Match.PERSON, lambda limit: _person_ids(text, area, limit))
    key = search_key(text)
    if key:
        for match, ids in _name_groups(key, area):
            plan.add(match, _fixed(ids))
    if _looks_like_code(code) and len(code) >= CODE_PREFIX_MIN:
        plan.add(Match.CODE_PREFIX, lambda limit: _code_prefix(code, area, limit))
    if len(key) >= FUZZY_MIN and plan.total < per_page:
        plan.add(Match.FUZZY, lambda limit: _fuzzy_ids(key, area, min(limit, per_page)))
    pages = max(1, math.ceil(plan.total / per_page))
    number = max(1, min(page, pages))
    picked = plan.page((number - 1) * per_page, per_page)
    return Results(
        query=text,
        hits=tuple(_hits(picked)),
        total=plan.total,
        capped=plan.capped,
        number=number,
        pages=pages,
        notice=notice,
    )


_CODE_ORDER = (
    Scheme.ORG_CODE,
    Scheme.BUSINESS_REG,
    Scheme.TAX_REG,
    Scheme.INSTITUTION_CERT,
    Scheme.SOCIAL_ORG_CERT,
)
"""The code shown for an organisation without a USCC: the first it has of these."""


def _subject_rows(ids: Sequence[int]) -> dict[int, tuple[Subject, str, str, str]]:
    """(subject, district name, legacy scheme, legacy code) by id, in one query: a page of
    results costs one round trip here, not an ORM query per kind of detail."""
    if not ids:
        return {}
    ranks = " ".join(f"WHEN '{scheme}' THEN {n}" for n, scheme in enumerate(_CODE_ORDER))
    schemes = ", ".join(f"'{scheme}'" for scheme in _CODE_ORDER)
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        "SELECT s.id, s.public_id, s.kind, s.name, s.status, s.uscc, s.citizen_id_masked, "  # noqa: S608
        "d.name, c.scheme, c.value "
        f"FROM {Subject._meta.db_table} AS s "
        f"LEFT JOIN {District._meta.db_table} AS d ON d.id = s.district_id "
        f"LEFT JOIN {SubjectIdentifier._meta.db_table} AS c ON c.id = ("
        f"SELECT i.id FROM {SubjectIdentifier._meta.db_table} AS i "
        f"WHERE i.subject_id = s.id AND s.uscc = '' AND i.scheme IN ({schemes}) "
        f"ORDER BY CASE i.scheme {ranks} END LIMIT 1) "
        f"WHERE s.id IN ({marks})"
    )
    found = {}
    for pk, public_id, kind, name, status, uscc, masked, district, scheme, value in _rows(sql, ids):
        subject = Subject(
            id=pk,
            public_id=public_id,
            kind=kind,
            name=name,
            status=status,
            uscc=uscc,
            citizen_id_masked=masked,
        )
        found[pk] = (subject, district or "", scheme or "", value or "")
    return found


def _hits(picked: Sequence[tuple[Match, int]]) -> list[Hit]:
    """The page's subjects as shown: two queries (subjects with their codes, and the
    public record counts)."""
    from xinyong.records import public  # records.public imports this package

    rows = _subject_rows(list(dict.fromkeys(pk for _m, pk in picked)))
    shown: list[tuple[Match, tuple[Subject, str, str, str]]] = []
    seen: set[int] = set()
    for match, pk in picked:
        row = rows.get(pk)
        if row is None or pk in seen:
            continue
        if row[0].is_person and match is not Match.PERSON:
            continue  # never listed by a name or code fragment, whatever the index says
        seen.add(pk)
        shown.append((match, row))
    counts = public.public_record_counts(seen)
    choices = [*SubjectKind.choices, *SubjectStatus.choices, *Scheme.choices]
    labels = {value: str(label) for value, label in choices}
    hits = []
    for match, (s, district, scheme, value) in shown:
        if s.is_person:
            label, code = _("公民身份号码"), masked_id(s)
        elif s.uscc:
            label, code = labels[Scheme.USCC], s.uscc
        else:
            label, code = labels.get(scheme, ""), value
        hits.append(
            Hit(
                name=display_name(s),
                kind=labels.get(s.kind, ""),
                kind_code=s.kind,
                code=code,
                code_label=label,
                district=district,
                status="" if s.status == SubjectStatus.ACTIVE else labels.get(s.status, ""),
                records=counts.get(s.pk, 0),
                uscc="" if s.is_person else s.uscc,
                public_id=s.public_id,
                match=match,
            )
        )
    return hits
