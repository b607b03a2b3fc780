"""Speed and memory of the ingestion pipeline against a raw bulk load of the same rows.

    .venv/bin/python bench/ingest.py --rows 100000 --db sqlite|postgres

Generates a 行政处罚 file with `synth` (GB18030 CSV, the national v2 columns), then, in a
fresh database (a temporary SQLite file, or a new PostgreSQL database created from template0
on the server of --pg-url):

1. loads it through the whole pipeline (`xinyong ingest`'s path: store, survey, map, clean,
   link, version, derive, write, error file) and times it;
2. submits the same file again (every row unchanged) and times that;
3. loads the same rows raw into a plain table of the same shape (one text column per file
   column): the file read with the csv module, then COPY on PostgreSQL, executemany on
   SQLite, in one transaction;
4. measures the *write floor*: the rows the first load wrote (the submission, subjects
   with their identifiers, names and search index, records, versions, events, rejected
   rows, audit entries) are written as they are, with COPY / executemany and their foreign
   keys checked, into a copy of the database taken just before the load, in a transaction
   then rolled back. No pipeline that stores what the first load stored can be faster.

Prints rows/s of both loads, their ratio, the write floor and its ratio to the raw load,
the pipeline's rate against the floor, the resubmission's speed-up and the peak RSS of the
process (resource.getrusage) after the pipeline and at the end (the floor holds the load's
rows in memory: the latter is the bench's, not the pipeline's). Nothing is asserted: the
figures go into the issue.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ORG_SECTOR = "market_regulation"


class Breakdown:
    """Exclusive wall time per stage, by wrapping the functions that do each stage's work
    (a stage's time excludes the stages it calls: the audit entries link_many writes count
    as audit, not as linking)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._stack: list[str] = []

    def wrap(self, label: str, function: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._stack.append(label)
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent = time.perf_counter() - started
                self._stack.pop()
                self.seconds[label] = self.seconds.get(label, 0.0) + spent
                if self._stack:
                    parent = self._stack[-1]
                    self.seconds[parent] = self.seconds.get(parent, 0.0) - spent

        return timed

    def install(self) -> None:
        from xinyong.core import audit
        from xinyong.records.ingest import pipeline, storage

        # Patch the names where the pipeline looks them up, so the timing wraps every call.
        storage.link_many = self.wrap("link subjects (subjects.link_many)", storage.link_many)  # type: ignore[attr-defined]
        audit._append = self.wrap("audit entries (core.audit)", audit._append)
        cleaner = pipeline.RowCleaner  # type: ignore[attr-defined]
        cleaner.clean = self.wrap("clean rows (RowCleaner)", cleaner.clean)  # type: ignore[method-assign]
        pipeline._survey = self.wrap("survey: read the whole file once", pipeline._survey)
        pipeline._error_file = self.wrap("error file", pipeline._error_file)
        batch = storage._Batch
        for stage in ("prepare", "match", "fetch", "decide", "write"):
            setattr(batch, stage, self.wrap(f"batch: {stage}", getattr(batch, stage)))

    def report(self, total: float) -> None:
        rest = total - sum(self.seconds.values())
        for label, spent in [*sorted(self.seconds.items()), ("read rows, the rest", rest)]:
            print(f"  {label:<38} {spent:>8,.1f} s  {100 * spent / total:5.1f} %")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def rss_split() -> str:
    """Resident memory now, anonymous (the process's own) vs file-backed (SQLite maps its
    database file into memory: those pages count in RSS but belong to the page cache)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii").splitlines()
    except OSError:
        return "n/a"
    fields = dict(line.split(":", 1) for line in status if ":" in line)
    anon = int(fields.get("RssAnon", "0 kB").split()[0]) / 1024
    mapped = int(fields.get("RssFile", "0 kB").split()[0]) / 1024
    return f"anonymous {anon:,.0f} MB, file-backed {mapped:,.0f} MB"


def _pg_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def create_pg_database(server_url: str) -> tuple[str, str]:
    import psycopg

    name = f"xy_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    return name, _pg_database(server_url, name)


def drop_pg_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Bar:
    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.started = time.perf_counter()

    def __call__(self, done: int, total: int | None) -> None:
        if self.tty:
            rate = done / max(time.perf_counter() - self.started, 1e-6)
            sys.stderr.write(f"\r  {done:,}/{total or 0:,} rows  {rate:,.0f}/s   ")
            sys.stderr.flush()

    def end(self) -> None:
        if self.tty:
            sys.stderr.write("\n")


def pipeline_load(path: Path, organisation: Any) -> tuple[float, Any]:
    from xinyong.core.context import in_job
    from xinyong.records import services
    from xinyong.records.ingest import pipeline

    bar = Bar()
    started = time.perf_counter()
    with in_job("bench.ingest"), path.open("rb") as upload:
        submission = services.submit_file(
            organisation=organisation, item_code="XZCF", upload=upload, file_name=path.name
        )
        submission = pipeline.process(submission, progress=bar)
    elapsed = time.perf_counter() - started
    bar.end()
    return elapsed, submission


def raw_load(path: Path, encoding: str) -> tuple[float, int]:
    """The file's rows into a plain table of text columns, as fast as the database takes
    them from Python: the baseline the pipeline is measured against."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        headers = next(reader)
        columns = [f"c{i}" for i in range(len(headers))]
        quoted = ", ".join(columns)
        rows = 0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_raw")
            cursor.execute(f"CREATE TABLE bench_raw ({', '.join(c + ' text' for c in columns)})")
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY bench_raw ({quoted}) FROM STDIN") as copy:
                    for row in reader:
                        copy.write_row(row)
                        rows += 1
            else:
                marks = ", ".join("?" * len(columns))
                raw = cursor.cursor
                chunk: list[list[str]] = []
                for row in reader:
                    chunk.append(row)
                    if len(chunk) == 5000:
                        raw.executemany(f"INSERT INTO bench_raw ({quoted}) VALUES ({marks})", chunk)  # noqa: S608
                        rows += len(chunk)
                        chunk = []
                if chunk:
                    raw.executemany(f"INSERT INTO bench_raw ({quoted}) VALUES ({marks})", chunk)  # noqa: S608
                    rows += len(chunk)
    return time.perf_counter() - started, rows


def output_models() -> list[Any]:
    """The tables a load writes, parents first."""
    from xinyong.core.models import AuditEntry
    from xinyong.records.models import (
        Record,
        RecordEvent,
        RecordVersion,
        RejectedRow,
        Submission,
    )
    from xinyong.subjects.models import Subject, SubjectIdentifier, SubjectName

    return [
        Submission, Subject, SubjectIdentifier, SubjectName, Record, RecordVersion,
        RecordEvent, RejectedRow, AuditEntry,
    ]  # fmt: skip


def top_ids() -> dict[Any, int]:
    """The highest id of each output table now: what a load writes comes after it."""
    from django.db.models import Max

    return {m: m.objects.aggregate(top=Max("id"))["top"] or 0 for m in output_models()}


class Snapshot:
    """A copy of the database as it is now (a PostgreSQL database made from it as a
    template, or a copy of the SQLite file), to write the floor's rows into later."""

    def __init__(self, work: Path) -> None:
        from django.db import connection

        settings = connection.settings_dict
        self.vendor = connection.vendor
        connection.close()  # a template database must have no other session
        if self.vendor == "postgresql":
            self.server = _pg_database(os.environ["DATABASE_URL"], "postgres")
            self.name = f"{settings['NAME']}_floor"
            with psycopg_connect(self.server) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{settings["NAME"]}"')
            self.url = _pg_database(self.server, self.name)
        else:
            self.name = str(work / "floor.sqlite3")
            shutil.copyfile(settings["NAME"], self.name)

    def drop(self) -> None:
        if self.vendor == "postgresql":
            drop_pg_database(self.server, self.name)


def psycopg_connect(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True)


def write_floor(snapshot: Snapshot, since: dict[Any, int]) -> tuple[float, float, int]:
    """Seconds to write the rows the load wrote (those after `since`) into `snapshot`, the
    database as it was before the load, with COPY / executemany; seconds to check their
    foreign keys (deferred, as the pipeline's are); and how many rows that was."""
    import sqlite3

    from django.db import connection

    dumped: list[tuple[str, str, list[str], list[tuple[Any, ...]]]] = []
    with connection.cursor() as cursor:
        # SQLite's rows as stored (Django's cursor would turn them into Python values).
        source = (
            cursor.cursor
            if snapshot.vendor == "postgresql"
            else sqlite3.connect(connection.settings_dict["NAME"])
        )
        for model in output_models():
            table = model._meta.db_table
            columns = [f.column for f in model._meta.concrete_fields]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            query = f"SELECT {quoted} FROM {table} WHERE id > {int(since[model])}"  # noqa: S608
            dumped.append((table, quoted, columns, source.execute(query).fetchall()))
    written = sum(len(rows) for *_names, rows in dumped)
    if snapshot.vendor == "postgresql":
        with psycopg_connect(snapshot.url) as conn:
            conn.autocommit = False
            started = time.perf_counter()
            for table, quoted, _columns, rows in dumped:
                with conn.cursor().copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            wrote = time.perf_counter() - started
            conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
            checked = time.perf_counter() - started - wrote
            conn.rollback()
        return wrote, checked, written
    from xinyong.subjects.services.search_index import install_sqlite_functions

    db = sqlite3.connect(snapshot.name, isolation_level=None)
    install_sqlite_functions(db)  # the name index's triggers call them
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("BEGIN IMMEDIATE")
    started = time.perf_counter()
    for table, quoted, columns, rows in dumped:
        marks = ", ".join("?" * len(columns))
        db.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)  # noqa: S608
    wrote = time.perf_counter() - started
    if db.execute("PRAGMA foreign_key_check").fetchall():
        raise RuntimeError("the floor's rows broke a foreign key")
    checked = time.perf_counter() - started - wrote
    db.rollback()
    db.close()
    return wrote, checked, written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="penalty rows in the file")
    parser.add_argument("--subjects", type=int, help="synthetic subjects (default: rows / 2)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server (any database on it) to create the fresh database on",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--breakdown", action="store_true", help="time the stages of the first load"
    )
    parser.add_argument("--keep", type=Path, help="keep the work directory here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    pg_name = ""
    if args.db == "postgres":
        pg_name, url = create_pg_database(args.pg_url)
    else:
        url = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.update(
        {
            "DATABASE_URL": url,
            "XINYONG_VAR_DIR": str(work / "var"),
            "XINYONG_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "xinyong.settings",
        }
    )
    try:
        run(args, work)
    finally:
        if pg_name:
            drop_pg_database(args.pg_url, pg_name)
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from xinyong.accounts.models import Organisation
    from xinyong.catalog.services import default_policy_dir, load_policy
    from xinyong.synth import Options, generate

    subjects = args.subjects or max(1, args.rows // 2)
    print(f"generating {args.rows:,} penalty rows about {subjects:,} subjects …", flush=True)
    started = time.perf_counter()
    out = work / "synth"
    manifest = generate(
        out,
        subjects,
        seed=args.seed,
        options=Options(penalties=args.rows, licences=0, v1_penalties=0),
        formats=["csv"],
    )
    entry = next(f for f in manifest["files"] if f["dataset"] == "xzcf_v2")
    path = out / entry["path"]
    print(f"  {entry['bytes'] / 1e6:,.1f} MB in {time.perf_counter() - started:,.1f} s")

    call_command("migrate", verbosity=0)
    load_policy(default_policy_dir())
    organisation = Organisation.objects.filter(kind="department", sector=ORG_SECTOR).order_by("pk")[
        0
    ]

    breakdown = Breakdown()
    if args.breakdown:
        breakdown.install()
    print(f"pipeline, first load ({args.db}) …", flush=True)
    before = top_ids()
    snapshot = Snapshot(work)
    first, submission = pipeline_load(path, organisation)
    stages = dict(breakdown.seconds)
    breakdown.seconds.clear()
    after_pipeline, split = peak_rss_mb(), rss_split()
    print("write floor …", flush=True)
    try:
        floor_writes, floor_checks, floor_rows = write_floor(snapshot, before)
    finally:
        snapshot.drop()
    floor = floor_writes + floor_checks
    print("pipeline, the same file again …", flush=True)
    again, resubmission = pipeline_load(path, organisation)
    print("raw load …", flush=True)
    raw, raw_rows = raw_load(path, entry["encoding"])

    rows = submission.rows_total or 0
    pipeline_rate, raw_rate = rows / first, raw_rows / raw
    print()
    print(f"database            {args.db}")
    print(f"rows                {rows:>12,}  (accepted {submission.accepted:,}, "
          f"rejected {submission.rejected:,}, late {submission.late:,})")  # fmt: skip
    print(f"pipeline            {first:>12,.1f} s  {pipeline_rate:>10,.0f} rows/s")
    print(f"raw load            {raw:>12,.1f} s  {raw_rate:>10,.0f} rows/s")
    print(f"pipeline / raw      {pipeline_rate / raw_rate:>12.3f}")
    print(f"write floor         {floor:>12,.1f} s  {rows / floor:>10,.0f} rows/s  "
          f"({floor_rows:,} rows in {len(output_models())} tables; "
          f"foreign-key checks {floor_checks:,.1f} s)")  # fmt: skip
    print(f"floor / raw         {rows / floor / raw_rate:>12.3f}")
    print(f"pipeline / floor    {floor / first:>12.3f}")
    print(f"resubmission        {again:>12,.1f} s  {rows / again:>10,.0f} rows/s  "
          f"(unchanged {resubmission.unchanged:,})")  # fmt: skip
    print(f"first / resubmit    {first / again:>12.2f}x")
    print(f"peak RSS pipeline   {after_pipeline:>12,.0f} MB  (after it: {split})")
    print(f"peak RSS bench      {peak_rss_mb():>12,.0f} MB  (the floor holds the rows in memory)")
    if args.breakdown:
        print("first load by stage:")
        breakdown.seconds = stages
        breakdown.report(first)


if __name__ == "__main__":
    main()
