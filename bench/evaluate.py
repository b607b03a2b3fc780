"""Speed of credit evaluation on PostgreSQL at city scale, and of the same models on Spark.

    .venv/bin/python bench/evaluate.py [--subjects 1500000] [--records 20000000] [--singles 200]

In a fresh PostgreSQL database (created from template0 on the server of --pg-url, dropped at
the end unless --keep-db):

1. migrates and loads the Tianjin policy;
2. bulk-loads --subjects subjects as `synth` draws them (bench/portal.py's `load_subjects`,
   search index included) and --records records by COPY straight into the records table,
   with its secondary indexes and constraints dropped meanwhile and rebuilt after. The
   records have no record versions: `current_version` is nullable, and evaluation reads only
   the record row (item, severity, dates, amount, due-process columns), so the versions'
   JSON would only cost load time. Items, severities, decision dates, amounts (万元) and
   publication periods follow the shapes in `ITEMS` below, modelled on the catalogue: most
   records are licences and penalties, a long tail of the other items; penalties minor,
   general or serious with their periods (3 months, 1 year, 3 years); 30 % of records name
   one subject in a hundred. About 1 % of the non-person subjects get a list entry in force
   (and a quarter as many an entry no longer in force), by COPY too. Then VACUUM ANALYZE;
3. publishes both packaged models and times: a full run of TJGGXY and of NSXYDJ (one
   INSERT … SELECT each, as `xinyong evaluate` runs them); single-subject re-evaluation
   (`run_subjects` for one subject, its insert and run record included) of --singles random
   eligible subjects, p50/p95/p99; the export of a snapshot (Parquet) and, separately, the
   Spark local[2] run of TJGGXY on it (session start apart), with --compare the Spark rows
   checked against the database run's.

Prints each figure with its target (full run < 120 s, single < 50 ms) and the load average
when it was taken: other work on the machine inflates the figures. Nothing is asserted.

    .venv/bin/python bench/evaluate.py --reuse-db postgres://…/xy_bench_…

times step 3 again on a database an earlier --keep-db run left (each run adds scores: the
score table grows, as in production). --explain prints EXPLAIN (ANALYZE, BUFFERS) of the
first full run's INSERT … SELECT (the run itself, so its time includes the instrumentation).
"""

from __future__ import annotations

import argparse
import bisect
import functools
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import create_pg_database, drop_pg_database
from portal import SUBJECT_TABLES, Deferred, Subjects, load_subjects, ms, step

CHUNK = 50_000
DAYS_BACK = 6 * 365
"""Decisions fall in the last six years, evenly."""
FULL_TARGET_S, SINGLE_TARGET_MS = 120, 50


@dataclass(frozen=True)
class Shape:
    """How one catalogue item's records look: its share of all records, severity classes
    (with weights), amount (log-normal: median in 万元 and sigma) by severity, publication
    period in months from the decision (by severity; None: until removed), the share that
    ends early (a removal, a licence given up) and the share still open (no end recorded)."""

    share: float
    severities: tuple[tuple[str, float], ...] = (("", 1.0),)
    amount: dict[str, tuple[float, float]] | None = None
    months: dict[str, int] | None = None
    early: float = 0.0
    open: float = 0.0
    persons: bool = True


ITEMS: dict[str, Shape] = {
    "XZXK": Shape(0.0, months={"": 60}, early=0.1, open=0.1),  # the rest of the records
    "XZCF": Shape(
        0.25,
        (("minor", 0.25), ("general", 0.70), ("serious", 0.05)),
        {"general": (0.3, 1.3), "serious": (5.0, 1.2)},
        {"minor": 3, "general": 12, "serious": 36},
    ),
    "SBJF": Shape(0.08, months={"": 12}, persons=False),
    "NSXYPJ": Shape(0.07, months={"": 12}, persons=False),
    "JYYC": Shape(0.05, early=0.5, open=0.5, persons=False),
    "XYCN": Shape(0.04, months={"": 36}),
    "NSXY_A": Shape(0.03, months={"": 12}, persons=False),
    "SXBZX": Shape(0.02, months={"": 24}, early=0.4),
    "SHBXQJ": Shape(0.015, amount={"": (2.0, 1.0)}, months={"": 36}, persons=False),
    "TQNMGGZ": Shape(0.004, amount={"": (8.0, 1.0)}, months={"": 36}, persons=False),
    "SXJL": Shape(0.003, months={"": 36}, persons=False),
    "WBXYCN": Shape(0.002, (("general", 1.0),), months={"general": 12}),
    "YZSX_SCJG": Shape(0.002, (("serious", 1.0),), months={"serious": 36}, persons=False),
    "YZSX_SW": Shape(0.001, months={"": 36}),
    "YZSX_AQSC": Shape(0.0005, (("serious", 1.0),), months={"serious": 36}, persons=False),
    "YZSX_LDBZ": Shape(0.0005, (("serious", 1.0),), {"serious": (30.0, 1.0)}, {"serious": 36}),
    "ZYZG_DX": Shape(0.0005, (("serious", 1.0),), months={"serious": 36}),
}
LISTS = {  # list type: (share of entries, years in force)
    "court_dishonest_debtor": (0.35, 2),
    "market_serious_illegal": (0.25, 3),
    "tax_credit_a": (0.12, 1),
    "tax_major_violation": (0.08, 3),
    "credit_honour": (0.06, 3),
    "wage_arrears": (0.05, 3),
    "customs_aeo": (0.04, 3),
    "safety_serious": (0.03, 3),
    "procurement_serious": (0.02, 3),
}
RECORD_COLUMNS = (
    "organisation_id, item_id, subject_id, doc_no, state, version_count, decision_date, "
    "severity, amount, published, publication_ends, repaired_on, objection_mark, received_at, "
    "timeliness_provisional, late, updated_at, natural_key, content_key, content_check"
)
NOT_PUBLISHED = {"TQNMGGZ", "SHBXQJ", "NSXYPJ", "SBJF"}


def loadavg() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


# -- records ---------------------------------------------------------------------------------

_job: dict[str, Any] = {}
"""What the record workers read: set before the pool forks."""


def _record_chunk(span: tuple[int, int]) -> bytes:
    """Records start … end-1 in COPY text format."""
    job = _job
    start, end = span
    rng = random.Random(f"{job['seed']}:records:{start}")
    ids, persons, day = job["ids"], job["persons"], job["days"]
    codes, cumulative, items, market = job["codes"], job["cumulative"], job["items"], job["org"]
    count, busy = len(ids), max(1, len(ids) // 100)
    now = job["now"]
    lines = []
    for i in range(start, end):
        if rng.random() < 0.3:  # 30 % of the records name one subject in a hundred
            position = 100 * int(rng.random() * busy)
        else:
            position = int(rng.random() * count)
        person = persons[position]
        code = codes[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
        shape = ITEMS[code]
        if (person and not shape.persons) or (code == "ZYZG_DX" and not person):
            code, shape = "XZXK", ITEMS["XZXK"]
        severity = shape.severities[0][0]
        if len(shape.severities) > 1:
            classes, weights = zip(*shape.severities, strict=True)
            severity = rng.choices(classes, weights)[0]
        decided = rng.randrange(DAYS_BACK)
        amount = r"\N"
        if shape.amount and severity in shape.amount:
            median, sigma = shape.amount[severity]
            amount = f"{round(rng.lognormvariate(0, sigma) * median, 4):.4f}"
        ends = r"\N"
        months = shape.months.get(severity) if shape.months else None
        draw = rng.random()
        if draw < shape.open:
            pass
        elif draw < shape.open + shape.early or months is None:
            ends = day[decided - rng.randrange(1, 731)]
        else:
            ends = day[decided - months * 30]
        repaired = r"\N"
        if code == "XZCF" and severity != "minor" and decided > 120 and rng.random() < 0.03:
            repaired = day[decided - 120]
        mark = rng.random()
        objection = "withheld" if mark < 0.001 else "marked" if mark < 0.002 else ""
        received = day[max(decided - 2, 0)] + " 00:00:01+08"
        published = "f" if code in NOT_PUBLISHED or severity == "minor" else "t"
        state = "withdrawn" if rng.random() < 0.01 else "active"
        lines.append(
            f"{market}\t{items[code]}\t{ids[position]}\tB{i}\t{state}\t0\t{day[decided]}\t"
            f"{severity}\t{amount}\t{published}\t{ends}\t{repaired}\t{objection}\t{received}\t"
            f"f\tf\t{now}\tbench{i:059d}\t{i}\t0\n"
        )
    return "".join(lines).encode()


def load_records(url: str, m: int, subjects: Subjects, seed: int, today: date) -> None:
    import psycopg

    from xinyong.accounts.models import Organisation
    from xinyong.catalog.models import CatalogItem

    codes = list(ITEMS)
    shares = [ITEMS[c].share for c in codes]
    shares[0] = 1.0 - sum(shares[1:])
    cumulative, total = [], 0.0
    for share in shares:
        total += share
        cumulative.append(total)
    _job.update(
        seed=seed,
        ids=subjects.ids,
        persons=subjects.persons,
        days={k: (today - timedelta(days=k)).isoformat() for k in range(-1900, DAYS_BACK + 1)},
        codes=codes,
        cumulative=cumulative,
        items=dict(CatalogItem.objects.filter(code__in=codes).values_list("code", "pk")),
        org=Organisation.objects.get(uscc="11120000MB0011113Y").pk,
        now=datetime.now().astimezone().isoformat(),
    )
    spans = [(i, min(i + CHUNK, m)) for i in range(0, m, CHUNK)]
    context = multiprocessing.get_context("fork")
    with (
        psycopg.connect(url) as conn,
        conn.cursor().copy(f"COPY records_record ({RECORD_COLUMNS}) FROM STDIN") as copy,
        context.Pool(2) as pool,
    ):
        for done, chunk in enumerate(pool.imap(_record_chunk, spans), 1):
            copy.write(chunk)
            if sys.stderr.isatty():
                sys.stderr.write(f"\r  {min(done * CHUNK, m):,}/{m:,} records   ")
    if sys.stderr.isatty():
        sys.stderr.write("\n")


def load_entries(url: str, subjects: Subjects, seed: int, today: date) -> int:
    """List entries for ~1 % of the non-person subjects in force today, and a quarter as
    many more that ended or were removed."""
    import psycopg

    from xinyong.accounts.models import Organisation
    from xinyong.catalog.models import ListType

    rng = random.Random(f"{seed}:entries")
    types = {t.code: (t.pk, t.current_version_id) for t in ListType.objects.filter(code__in=LISTS)}
    codes = list(LISTS)
    weights = [LISTS[c][0] for c in codes]
    org = Organisation.objects.get(uscc="11120000MB0011113Y").pk
    now = datetime.now().astimezone()
    columns = (
        "public_id, subject_id, list_type_id, list_type_version_id, organisation_id, origin, "
        "state, notice_no, grounds, notice_basis, response_due_provisional, statement, doc_no, "
        "decision_date, facts, reasons, basis, measures, removal_conditions, remedies, "
        "starts_on, ends_on, in_force_from, published_on, published_at, removed_on, "
        "removed_at, removal_kind, removal_reference, removal_note, created_at, updated_at"
    )
    made = 0
    with (
        psycopg.connect(url) as conn,
        conn.cursor().copy(f"COPY lists_listentry ({columns}) FROM STDIN") as copy,
    ):
        for position, pk in enumerate(subjects.ids):
            if subjects.persons[position] or rng.random() >= 0.0125:
                continue
            code = rng.choices(codes, weights)[0]
            type_id, version_id = types[code]
            years = LISTS[code][1]
            in_force = rng.random() < 0.8
            back = rng.randrange(1, 365 * years) if in_force else rng.randrange(365, 365 * 6)
            starts = today - timedelta(days=back)
            ends = starts + timedelta(days=365 * years)
            at = datetime.combine(starts, datetime.min.time()).astimezone()
            removed_on = None if in_force else min(ends, today - timedelta(days=1))
            removed_at = (
                None if removed_on is None
                else datetime.combine(removed_on, datetime.min.time()).astimezone()
            )  # fmt: skip
            kind = "" if in_force else "expired" if ends < today else "early"
            copy.write_row(
                (f"bench{made:027d}", pk, type_id, version_id, org, "procedure",
                 "published" if in_force else "removed", "", "", "", False, "", f"BL{made}",
                 starts, "", "", "", "[]", "", "", starts, ends, at, starts, at,
                 removed_on, removed_at, kind, "", "", now, now)
            )  # fmt: skip
            made += 1
    return made


# -- timings -----------------------------------------------------------------------------------


def explained(function: Callable[[], Any]) -> Any:
    """Run `function` with its score INSERT prefixed by EXPLAIN (ANALYZE, BUFFERS); print the
    plan."""
    from django.db import connection

    plans: list[str] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if 'INSERT INTO "evaluation_score"' not in sql:
            return execute(sql, params, many, context)
        result = execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params, many, context)
        plans.extend(row[0] for row in context["cursor"].fetchall())
        return result

    with connection.execute_wrapper(wrapper):
        value = function()
    print("\n".join(plans))
    return value


def measure(args: argparse.Namespace) -> None:
    from django.db import connection

    from xinyong.evaluation.models import Score
    from xinyong.evaluation.services import publish_all, run_full, run_subjects
    from xinyong.evaluation.snapshot import compare_run, export_snapshot, spark_scores

    versions = {done.version.code: done.version for done in publish_all()}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM records_record")
        records = cursor.fetchone()[0]
        cursor.execute(
            "SELECT id FROM subjects_subject WHERE kind IN"
            " ('legal_person', 'other_org', 'individual_business') AND status = 'active'"
        )
        eligible = [pk for (pk,) in cursor.fetchall()]
    print(f"\n{records:,} records, {len(eligible):,} eligible subjects, {loadavg()}")
    runs: dict[str, Any] = {}
    for code in ("TJGGXY", "NSXYDJ"):
        started = time.perf_counter()
        if args.explain and not runs:
            run = explained(functools.partial(run_full, versions[code]))
        else:
            run = run_full(versions[code])
        spent = time.perf_counter() - started
        runs[code] = run
        print(
            f"full run {code}: {spent:7.1f} s  {run.subjects / spent:10,.0f} subjects/s"
            f"   (target < {FULL_TARGET_S} s; {loadavg()})  {run.grade_counts}"
        )
    rng = random.Random(f"{args.seed}:singles")
    sample = rng.sample(eligible, min(args.singles, len(eligible)))
    version = versions["TJGGXY"]
    run_subjects(version, sample[:5])  # warm: the compiled model, the connection
    times = []
    for pk in sample:
        started = time.perf_counter()
        run_subjects(version, [pk])
        times.append(time.perf_counter() - started)
    print(
        f"single subject TJGGXY (ms)  p50 / p95 / p99: {ms(times)}"
        f"   (target < {SINGLE_TARGET_MS} ms; {loadavg()})"
    )
    scores = Score.objects.count()
    print(f"  score table now {scores:,} rows")

    work = Path(tempfile.mkdtemp(prefix="evaluate-bench-"))
    started = time.perf_counter()
    snapshot = export_snapshot(runs["TJGGXY"].as_of, work / "snapshot")
    spent = time.perf_counter() - started
    size = sum(p.stat().st_size for p in snapshot.directory.iterdir()) / 2**20
    print(
        f"export: {spent:7.1f} s  {snapshot.facts:,} facts, {snapshot.subjects:,} subjects,"
        f" {size:,.0f} MB Parquet   ({loadavg()})"
    )
    memory = f"--driver-memory {args.driver_memory} pyspark-shell"
    os.environ.setdefault("PYSPARK_SUBMIT_ARGS", memory)
    from xinyong.evaluation.spark import spark_session

    started = time.perf_counter()
    spark = spark_session("local[2]")
    print(f"spark session start: {time.perf_counter() - started:5.1f} s")
    try:
        started = time.perf_counter()
        rows = spark_scores(spark, snapshot, version, work / "scores.parquet")
        spent = time.perf_counter() - started
        print(
            f"spark local[2] TJGGXY: {spent:7.1f} s  {rows / spent:10,.0f} subjects/s"
            f"   ({loadavg()})"
        )
        if args.compare:
            started = time.perf_counter()
            compared = compare_run(spark, snapshot, runs["TJGGXY"])
            print(
                f"compare with the database run: {time.perf_counter() - started:5.1f} s,"
                f" equal {compared.equal:,}, different {compared.different:,},"
                f" only in the database {compared.only_in_database:,},"
                f" only on Spark {compared.only_on_spark:,}"
            )
    finally:
        spark.stop()


# -- main ----------------------------------------------------------------------------------------


def setup(url: str, work: Path | None) -> None:
    env = {
        "DATABASE_URL": url,
        "XINYONG_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "xinyong.settings",
    }
    if work is not None:
        env["XINYONG_VAR_DIR"] = str(work / "var")
    os.environ.update(env)
    import django

    django.setup()


def load(args: argparse.Namespace, url: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    from xinyong.catalog.services import default_policy_dir, load_policy
    from xinyong.synth import base_date

    done = step("migrate, policy")
    call_command("migrate", verbosity=0)
    load_policy(default_policy_dir())
    done()
    today = date.today()
    with connection.cursor() as cursor:
        deferred = Deferred(cursor, [*SUBJECT_TABLES, "subjects_search", "records_record"])
        deferred.drop()
    connection.close()  # the loads run on connections of their own
    done = step(f"{args.subjects:,} subjects by COPY (and the search index trigger)")
    subjects = load_subjects(url, args.subjects, args.seed, base_date(args.seed), 1)
    done()
    print(f"  {len(subjects.ids):,} subjects loaded ({sum(subjects.persons):,} persons)")
    done = step(f"{args.records:,} records by COPY (no versions)")
    load_records(url, args.records, subjects, args.seed, today)
    done()
    done = step("list entries by COPY")
    entries = load_entries(url, subjects, args.seed, today)
    done()
    print(f"  {entries:,} list entries")
    done = step("indexes and constraints")
    with connection.cursor() as cursor:
        deferred.cursor = cursor
        deferred.rebuild()
        for table in SUBJECT_TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
    done()
    done = step("VACUUM ANALYZE")
    with connection.cursor() as cursor:
        for table in [*SUBJECT_TABLES, "records_record", "lists_listentry"]:
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"  database {cursor.fetchone()[0]}")
    done()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=1_500_000)
    parser.add_argument("--records", type=int, default=20_000_000)
    parser.add_argument("--singles", type=int, default=200, help="single-subject runs timed")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server (any database on it) to create the fresh database on",
    )
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--reuse-db", metavar="URL", help="only time, on a kept database")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the first run")
    parser.add_argument("--compare", action="store_true", help="check Spark's rows too")
    parser.add_argument("--driver-memory", default="4g", help="Spark driver memory")
    args = parser.parse_args()

    started = time.perf_counter()
    if args.reuse_db:
        setup(args.reuse_db, Path(tempfile.mkdtemp(prefix="evaluate-bench-")))
        measure(args)
        print(f"total {time.perf_counter() - started:,.0f} s")
        return
    name, url = create_pg_database(args.pg_url)
    setup(url, Path(tempfile.mkdtemp(prefix="evaluate-bench-")))
    try:
        load(args, url)
        measure(args)
    finally:
        if args.keep_db:
            print(f"database kept: {url}")
        else:
            from django.db import connections

            connections.close_all()
            drop_pg_database(args.pg_url, name)
    print(f"total {time.perf_counter() - started:,.0f} s")


if __name__ == "__main__":
    main()
