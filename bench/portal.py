"""Speed of subject search and of the subject page on PostgreSQL at city scale.

    .venv/bin/python bench/portal.py [--subjects 1500000] [--records 5000000] [--queries 200]

In a fresh PostgreSQL database (created from template0 on the server of --pg-url, dropped at
the end unless --keep-db):

1. migrates, loads the Tianjin policy and lands one 行政处罚 and one 行政许可 through the
   ingestion pipeline: their stored versions are the templates of the bulk records;
2. bulk-loads --subjects subjects as `synth` draws them (names, codes, districts, persons with
   hashed and encrypted ID numbers; a subject whose code another already holds is skipped)
   with their identifiers and names, and --records public-looking records with one version
   each, by COPY, with the tables' indexes and constraints dropped meanwhile and rebuilt
   after (foreign keys re-added NOT VALID). The search index fills itself: its trigger runs
   once per COPY;
3. times `search_subjects` (server side, in process, with the public record counts) for
   --queries fragments of 1, 2, 3 and 4 characters cut from existing names, and the same
   searches as a plain `name LIKE '%q%'` scan (count, then the first page ranked exact >
   prefix > other) for the first --baseline of them; then the search page and the subject
   page through Django's test client.

Prints p50/p95/p99 per query length, the LIKE baseline and the ratio, and the page timings.
Nothing is asserted: the figures go into the issue.

    .venv/bin/python bench/portal.py --reuse-db postgres://…/xy_bench_…

times step 3 again on a database an earlier `--keep-db` run left (the names are a 5 % sample
and the pages 200 subjects drawn from it, as the load draws them). Its tables are read into
the operating system's cache first (pg_prewarm) when the extension is available: right after
a load they are there, but other work since may have pushed them out, and a cold disk is not
what the figures are about.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from array import array
from base64 import urlsafe_b64encode
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import create_pg_database, drop_pg_database

CHUNK = 5_000
LENGTHS = (1, 2, 3, 4)
SUBJECT_TABLES = ("subjects_subject", "subjects_subjectidentifier", "subjects_subjectname")
RECORD_TABLES = ("records_record", "records_recordversion")
MARKET_USCC = "11120000MB0011113Y"
_SENTINEL_DOC, _SENTINEL_DAY = "@@doc@@", "@@day@@"


def step(label: str) -> Callable[[], None]:
    """Print `label`, and its duration when the returned function is called."""
    print(f"{label} …", flush=True)
    started = time.perf_counter()
    return lambda: print(f"  {time.perf_counter() - started:,.1f} s", flush=True)


def percentiles(samples: Sequence[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def ms(samples: Sequence[float]) -> str:
    p50, p95, p99 = percentiles(samples)
    return f"{1000 * p50:8.2f} {1000 * p95:8.2f} {1000 * p99:8.2f}"


# -- templates through the real pipeline ---------------------------------------------------


def land_templates(today: date) -> dict[str, dict[str, Any]]:
    """One penalty and one licence through the pipeline; their ids and stored data."""
    from xinyong.accounts.models import Organisation
    from xinyong.core.identifiers import make_uscc
    from xinyong.records import services
    from xinyong.records.models import Record

    market = Organisation.objects.get(uscc=MARKET_USCC)
    source = {"source_unit": market.name, "source_unit_uscc": market.uscc}
    authority = {"authority": market.name, "authority_uscc": market.uscc}
    subject = {
        "subject_name": "天津市基准模板有限公司",
        "subject_category": "法人及非法人组织",
        "uscc": make_uscc("9", "1", "120101", "MA0BENCH"),
        "legal_rep": "张三",
    }
    day = (today - timedelta(days=30)).isoformat()
    rows: dict[str, dict[str, object]] = {
        "XZCF": {
            **subject,
            **source,
            **authority,
            "doc_no": "津市监罚〔2026〕0号",
            "violation_type": "虚假宣传",
            "facts": "经查，当事人在其经营场所及网络店铺发布虚假广告，欺骗、误导消费者。",
            "basis": "《中华人民共和国广告法》第五十五条",
            "penalty_types": "罚款",
            "penalty_content": "罚款人民币15000元",
            "fine_amount": "1.5",
            "decision_date": day,
            "penalty_valid_until": (today + timedelta(days=335)).isoformat(),
        },
        "XZXK": {
            **subject,
            **source,
            **authority,
            "doc_name": "食品经营许可决定书",
            "doc_no": "津市监许〔2026〕0号",
            "licence_category": "普通",
            "content": "预包装食品销售（含冷藏冷冻食品）、散装食品销售",
            "decision_date": day,
            "valid_from": day,
            "valid_to": (today + timedelta(days=5 * 365)).isoformat(),
            "status": "有效",
        },
    }
    templates: dict[str, dict[str, Any]] = {}
    for code, row in rows.items():
        made = services.submit_records(organisation=market, item_code=code, records=[row])
        done = services.process(made)
        if done.accepted != 1:
            raise SystemExit(f"template {code} was not accepted: {done.error_message}")
        record = Record.objects.select_related("current_version").get(doc_no=row["doc_no"])
        data = dict(record.current_version.data) if record.current_version else {}
        data["doc_no"], data["decision_date"] = _SENTINEL_DOC, _SENTINEL_DAY
        templates[code] = {
            "organisation": record.organisation_id,
            "item": record.item_id,
            "submission": done.pk,
            "severity": record.severity,
            "amount": record.amount,
            "pieces": json.dumps(data, ensure_ascii=False).split('"'),
        }
    return templates


# -- indexes out of the way while loading ----------------------------------------------------


class Deferred:
    """Drop the tables' secondary indexes, unique and foreign-key constraints; rebuild after."""

    def __init__(self, cursor: Any, tables: Sequence[str]) -> None:
        self.cursor = cursor
        self.tables = tables
        self.constraints: list[tuple[str, str, str, str]] = []
        self.indexes: list[str] = []

    def drop(self) -> None:
        cur = self.cursor
        for table in self.tables:
            cur.execute(
                "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
                [table],
            )
            self.constraints += [(table, *row) for row in cur.fetchall()]
            cur.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index AS i WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                [table],
            )
            for name, definition in cur.fetchall():
                self.indexes.append(definition)
                cur.execute(f"DROP INDEX {name}")
        for table, name, _kind, _definition in sorted(self.constraints, key=lambda c: c[2]):
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')  # f before u

    def rebuild(self) -> None:
        cur = self.cursor
        cur.execute("SET maintenance_work_mem = '1GB'")
        for definition in self.indexes:
            cur.execute(definition)
        for table, name, kind, definition in sorted(self.constraints, key=lambda c: c[2] != "u"):
            suffix = " NOT VALID" if kind == "f" else ""
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}{suffix}')


# -- subjects ------------------------------------------------------------------------------------

_factory: Any = None


def _init_worker(seed: int, today: date) -> None:
    global _factory
    from xinyong.synth.policy import load_policy
    from xinyong.synth.subjects import SubjectFactory

    _factory = SubjectFactory(seed, load_policy(), today)


def _draw(span: tuple[int, int]) -> list[tuple[Any, ...]]:
    """Subjects start … end-1 as (index, kind, name, district, uscc, citizen, identifiers,
    industry, size)."""
    from xinyong.core.crypto import encrypt
    from xinyong.core.privacy import mask_id_number
    from xinyong.subjects.models import CITIZEN_ID_CONTEXT, Scheme
    from xinyong.subjects.services.parsing import citizen_hash, clean_name
    from xinyong.synth.register import subject_kind

    rows = []
    for index in range(*span):
        s = _factory.subject(index)
        idents = [
            (scheme, value, "")
            for scheme, value in (
                (Scheme.USCC, s.uscc),
                (Scheme.ORG_CODE, s.org_code),
                (Scheme.BUSINESS_REG, s.business_reg),
                (Scheme.TAX_REG, s.tax_reg),
                (Scheme.INSTITUTION_CERT, s.institution_cert),
                (Scheme.SOCIAL_ORG_CERT, s.social_org_cert),
            )
            if value
        ]
        citizen = ("", "", "")
        if s.person_id:
            masked = mask_id_number(s.person_id)
            hashed = citizen_hash(s.person_id)
            citizen = (encrypt(s.person_id, context=CITIZEN_ID_CONTEXT), hashed, masked)
            idents.append((Scheme.CITIZEN_ID_HASH, hashed, masked))
        kind = str(subject_kind(s.kind))
        rows.append(
            (index, kind, clean_name(s.name), s.district, s.uscc, citizen, idents, s.industry,
             s.size)
        )  # fmt: skip
    return rows


class Subjects:
    """What the record load and the timings need of the loaded subjects."""

    def __init__(self) -> None:
        self.ids = array("q")
        self.persons = bytearray()
        self.names: list[str] = []  # a sample of organisation names, for queries
        self.keys: list[tuple[str, str]] = []  # (uscc, public_id) of a sample, for pages


def _public_id(seed: int, index: int) -> str:
    digest = hashlib.blake2b(f"{seed}:{index}".encode(), digest_size=12).digest()
    return urlsafe_b64encode(digest).decode()


def load_subjects(url: str, n: int, seed: int, today: date, start_id: int) -> Subjects:
    import psycopg

    from xinyong.core.models import District

    districts = dict(District.objects.values_list("code", "pk"))
    now = datetime.now().astimezone()
    seen: set[tuple[str, str]] = set()
    loaded = Subjects()
    rng = random.Random(f"{seed}:sample")
    spans = [(i, min(i + CHUNK, n)) for i in range(0, n, CHUNK)]
    columns = {
        "subjects_subject": "id, public_id, kind, name, district_id, status, uscc, "
        "citizen_id_encrypted, citizen_id_hash, citizen_id_masked, industry, size, created_at, "
        "updated_at",
        "subjects_subjectidentifier": "subject_id, scheme, value, masked, source, first_seen_at",
        "subjects_subjectname": "subject_id, name, valid_from, valid_to, source",
    }
    next_id = start_id
    with ExitStack() as stack:
        conns = [stack.enter_context(psycopg.connect(url)) for _ in columns]
        copies = [
            stack.enter_context(c.cursor().copy(f"COPY {table} ({cols}) FROM STDIN"))
            for c, (table, cols) in zip(conns, columns.items(), strict=True)
        ]
        subjects, identifiers, names = copies
        context = multiprocessing.get_context("fork")
        with context.Pool(2, _init_worker, (seed, today)) as pool:
            for rows in pool.imap(_draw, spans):
                for index, kind, name, district, uscc, citizen, idents, industry, size in rows:
                    keys = [(str(scheme), value) for scheme, value, _m in idents]
                    if any(key in seen for key in keys):
                        continue
                    seen.update(keys)
                    pk, next_id = next_id, next_id + 1
                    public_id = _public_id(seed, index)
                    subjects.write_row(
                        (pk, public_id, kind, name, districts.get(district), "active", uscc,
                         *citizen, industry, size, now, now)
                    )  # fmt: skip
                    for scheme, value, masked in idents:
                        identifiers.write_row((pk, str(scheme), value, masked, "bench", now))
                    names.write_row((pk, name, now, None, "bench"))
                    person = kind == "natural_person"
                    loaded.ids.append(pk)
                    loaded.persons.append(person)
                    if not person and rng.random() < 0.05:
                        loaded.names.append(name)
                    if rng.random() < 0.01:
                        loaded.keys.append(("" if person else uscc, public_id))
        # Closing the stack ends the COPYs (the search index trigger runs), then commits.
    return loaded


# -- records -------------------------------------------------------------------------------------


def _record_rows(
    m: int, subjects: Subjects, templates: dict[str, dict[str, Any]], seed: int, today: date
) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """(record row, version row) pairs; ids from 1 after the templates' (set by the caller)."""
    rng = random.Random(f"{seed}:records")
    count = len(subjects.ids)
    busy = max(1, count // 100)
    now = datetime.now().astimezone()
    for i in range(m):
        # 30 % of the records name one subject in a hundred (large firms, repeat offenders).
        if rng.random() < 0.3:
            position = 100 * int(rng.random() * busy)
        else:
            position = int(rng.random() * count)
        licence = rng.random() < 0.55
        code = "XZXK" if licence else "XZCF"
        t = templates[code]
        decided = today - timedelta(days=rng.randrange(6 * 365))
        if licence:
            ends: date | None = None if rng.random() < 0.1 else decided + timedelta(days=5 * 365)
            published = True
            doc = f"津市监许〔{decided.year}〕{i}号"
        else:
            ends = decided + timedelta(days=3 * 365 if rng.random() < 0.2 else 365)
            published = rng.random() < 0.9
            doc = f"津市监罚〔{decided.year}〕{i}号"
        pieces = t["pieces"]
        data = '"'.join(
            doc if p == _SENTINEL_DOC else decided.isoformat() if p == _SENTINEL_DAY else p
            for p in pieces
        )
        key = hashlib.sha256(f"{seed}:{i}".encode()).hexdigest()
        received = datetime.combine(decided + timedelta(days=2), datetime.min.time()).astimezone()
        record = (
            t["organisation"], t["item"], subjects.ids[position], doc,
            "withdrawn" if rng.random() < 0.01 else "active", 1, decided, t["severity"],
            published, ends, received, 2, False, False, now, key,
            rng.getrandbits(63), rng.getrandbits(63), t["amount"],
        )  # fmt: skip
        version = (1, t["submission"], i + 1, key, data, "{}", now)
        yield record, version


def load_records(
    url: str,
    m: int,
    subjects: Subjects,
    templates: dict[str, dict[str, Any]],
    seed: int,
    today: date,
) -> None:
    import psycopg

    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM records_record")
        record_base = cur.fetchone()[0]  # type: ignore[index]
        cur.execute("SELECT coalesce(max(id), 0) FROM records_recordversion")
        version_base = cur.fetchone()[0]  # type: ignore[index]
    record_cols = (
        "id, organisation_id, item_id, subject_id, doc_no, state, version_count, decision_date, "
        "severity, published, publication_ends, received_at, timeliness_days, "
        "timeliness_provisional, late, updated_at, natural_key, content_key, content_check, "
        "amount, current_version_id"
    )
    version_cols = "id, record_id, version, submission_id, row_no, content_hash, data, extra, "
    version_cols += "created_at"
    with ExitStack() as stack:
        conns = [stack.enter_context(psycopg.connect(url)) for _ in range(2)]
        records = stack.enter_context(
            conns[0].cursor().copy(f"COPY records_record ({record_cols}) FROM STDIN")
        )
        versions = stack.enter_context(
            conns[1].cursor().copy(f"COPY records_recordversion ({version_cols}) FROM STDIN")
        )
        for i, (record, version) in enumerate(_record_rows(m, subjects, templates, seed, today)):
            rid, vid = record_base + i + 1, version_base + i + 1
            records.write_row((rid, *record, vid))
            versions.write_row((vid, rid, *version))


# -- timings -------------------------------------------------------------------------------------


def fragments(names: Sequence[str], length: int, count: int, seed: int) -> list[str]:
    """`count` pieces of `length` characters cut from random existing names (search keys)."""
    from xinyong.subjects.services.search_index import search_key

    rng = random.Random(f"{seed}:q{length}")
    out: list[str] = []
    while len(out) < count:
        key = search_key(rng.choice(names))
        if len(key) >= length:
            start = rng.randrange(len(key) - length + 1)
            out.append(key[start : start + length])
    return out


def like_scan(query: str) -> None:
    """The baseline: count and first page by `name LIKE '%q%'`, ranked by a CASE."""
    from django.db import connection

    pattern = f"%{query}%"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM subjects_subject WHERE kind <> 'natural_person' AND name LIKE %s",
            [pattern],
        )
        cursor.fetchall()
        cursor.execute(
            "SELECT id FROM subjects_subject WHERE kind <> 'natural_person' AND name LIKE %s "
            "ORDER BY CASE WHEN name = %s THEN 0 WHEN name LIKE %s THEN 1 ELSE 2 END, id "
            "LIMIT 20",
            [pattern, query, f"{query}%"],
        )
        cursor.fetchall()


def backend_cpu() -> float:
    """CPU seconds the PostgreSQL backend serving this process has used (a local server, on
    Linux; nan elsewhere): on a busy machine, wall-clock timings include waiting for a CPU."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(function: Callable[[str], object], query: str) -> float:
    started = time.perf_counter()
    function(query)
    return time.perf_counter() - started


def measure(args: argparse.Namespace, subjects: Subjects) -> None:
    from django.test import Client

    from xinyong.subjects.services import search_subjects

    print()
    print(f"{'search (ms)':<22} {'p50':>8} {'p95':>8} {'p99':>8}   capped  cpu/query: python, pg")
    warm = fragments(subjects.names, 2, 30, args.seed + 1)
    for query in warm:
        search_subjects(query)
    baseline: dict[int, list[float]] = {}
    ours: dict[int, list[float]] = {}
    for length in LENGTHS:
        queries = fragments(subjects.names, length, args.queries, args.seed)
        times, capped = [], 0
        python, server = time.process_time(), backend_cpu()
        for query in queries:
            started = time.perf_counter()
            results = search_subjects(query)
            times.append(time.perf_counter() - started)
            capped += results.capped
        python = (time.process_time() - python) / len(queries)
        server = (backend_cpu() - server) / len(queries)
        ours[length] = times
        print(
            f"  {length} character{'s' if length > 1 else ' '}       {ms(times)}   {capped:>6}"
            f"  {1000 * python:6.2f} {1000 * server:6.2f} ms"
        )
        baseline[length] = [timed(like_scan, q) for q in queries[: args.baseline]]
    print(f"{'LIKE scan (ms)':<22} {'p50':>8} {'p95':>8} {'p99':>8}   ratio p50 / p95")
    for length in LENGTHS:
        b50, b95, _b99 = percentiles(baseline[length])
        o50, o95, _o99 = percentiles(ours[length][: args.baseline])
        print(
            f"  {length} character{'s' if length > 1 else ' '}       {ms(baseline[length])}"
            f"   {b50 / o50:6.1f}x / {b95 / o95:6.1f}x"
        )
    client = Client()
    page_times = []
    for length in LENGTHS:
        for query in fragments(subjects.names, length, args.pages // 4, args.seed + 2):
            started = time.perf_counter()
            response = client.get("/search/", {"q": query})
            page_times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
    print(f"{'pages (ms)':<22} {'p50':>8} {'p95':>8} {'p99':>8}")
    print(f"  search page          {ms(page_times)}")
    subject_times = []
    for uscc, public_id in subjects.keys[: args.pages]:
        path = f"/subjects/{uscc}/" if uscc else f"/subjects/id/{public_id}/"
        started = time.perf_counter()
        response = client.get(path)
        subject_times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    print(f"  subject page         {ms(subject_times)}   ({len(subject_times)} subjects)")


# -- main ----------------------------------------------------------------------------------------


def run(args: argparse.Namespace, url: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from xinyong.catalog.services import default_policy_dir, load_policy
    from xinyong.synth import base_date

    today = base_date(args.seed)
    done = step("migrate, policy, template records through the pipeline")
    call_command("migrate", verbosity=0)
    load_policy(default_policy_dir())
    templates = land_templates(date.today())
    done()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM subjects_subject")
        start_id = cursor.fetchone()[0]
        deferred = Deferred(cursor, [*SUBJECT_TABLES, "subjects_search", *RECORD_TABLES])
        deferred.drop()
    connection.close()  # the loads run on connections of their own

    done = step(f"{args.subjects:,} subjects by COPY (and the search index trigger)")
    subjects = load_subjects(url, args.subjects, args.seed, today, start_id)
    done()
    print(f"  {len(subjects.ids):,} subjects loaded ({sum(subjects.persons):,} persons)")
    done = step(f"{args.records:,} records and versions by COPY")
    load_records(url, args.records, subjects, templates, args.seed, date.today())
    done()
    done = step("indexes and constraints")
    with connection.cursor() as cursor:
        deferred.cursor = cursor
        deferred.rebuild()
        for table in [*SUBJECT_TABLES, *RECORD_TABLES]:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
    done()
    done = step("VACUUM ANALYZE")
    with connection.cursor() as cursor:
        for table in [*SUBJECT_TABLES, "subjects_search", *RECORD_TABLES]:
            cursor.execute(f"VACUUM ANALYZE {table}")
    done()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('subjects_search')), "
            "pg_size_pretty(pg_database_size(current_database()))"
        )
        index_size, database_size = cursor.fetchone()
    print(f"  search index {index_size}, database {database_size}")
    measure(args, subjects)


def reuse(url: str, args: argparse.Namespace) -> None:
    """Step 3 on a kept database (see the module doc)."""
    import django

    django.setup()
    from django.db import connection

    subjects = Subjects()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_prewarm'")
        if cursor.fetchone()[0]:
            done = step("pg_prewarm (into the operating system's cache)")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            cursor.execute(
                "SELECT pg_prewarm(c.oid::regclass, 'read') FROM pg_class AS c "
                "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')"
            )
            done()
        cursor.execute(
            "SELECT name FROM subjects_subject WHERE kind <> 'natural_person' AND id %% %s = 0",
            [20],
        )
        subjects.names = [name for (name,) in cursor.fetchall()]
        cursor.execute(
            "SELECT uscc, public_id FROM subjects_subject WHERE id %% 100 = 0 LIMIT %s",
            [args.pages],
        )
        subjects.keys = list(cursor.fetchall())
    print(f"reusing {url}: {len(subjects.names):,} names, {len(subjects.keys)} subject pages")
    measure(args, subjects)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=1_500_000)
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--queries", type=int, default=200, help="queries per length")
    parser.add_argument("--baseline", type=int, default=40, help="LIKE scans per length")
    parser.add_argument("--pages", type=int, default=200, help="page renders of each kind")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server (any database on it) to create the fresh database on",
    )
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--reuse-db", metavar="URL", help="only time, on a kept database")
    args = parser.parse_args()

    if args.reuse_db:
        os.environ.update(
            {
                "DATABASE_URL": args.reuse_db,
                "XINYONG_LOG_LEVEL": "WARNING",
                "DJANGO_SETTINGS_MODULE": "xinyong.settings",
                "ALLOWED_HOSTS": "testserver",
                "XINYONG_RATE_SEARCH": "0",
            }
        )
        reuse(args.reuse_db, args)
        return
    name, url = create_pg_database(args.pg_url)
    work = tempfile.mkdtemp(prefix="portal-bench-")
    os.environ.update(
        {
            "DATABASE_URL": url,
            "XINYONG_VAR_DIR": str(Path(work) / "var"),
            "XINYONG_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "xinyong.settings",
            "ALLOWED_HOSTS": "testserver",
            "XINYONG_RATE_SEARCH": "0",  # one client asks all the questions here
        }
    )
    started = time.perf_counter()
    try:
        run(args, url)
    finally:
        if args.keep_db:
            print(f"database kept: {url}")
        else:
            drop_pg_database(args.pg_url, name)
    print(f"total {time.perf_counter() - started:,.0f} s")


if __name__ == "__main__":
    main()
