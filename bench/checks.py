"""Speed of the check API (应查必查) and of batch comparison on PostgreSQL at city scale.

    .venv/bin/python bench/checks.py [--subjects 1500000] [--seconds 20] [--batch 100000]
        [--only both|checks|batch] [--repeat 1] [--keep-db | --reuse-db URL]

In a fresh PostgreSQL database (created from template0 on the server of --pg-url, dropped at
the end unless --keep-db):

1. migrates, loads the Tianjin policy (or, with --reuse-db, takes a database an earlier
   --keep-db run prepared), bulk-loads --subjects subjects by COPY (as
   bench/portal.py does) and lists a third of a 1 % sample of the organisations on the
   market-regulation serious list, decided and published through the ORM;
2. starts the production server (`xinyong serve`: gunicorn, --workers × --threads) on a
   free port, with a procurement centre's token carrying the `lists:check` scope;
3. sends checks (`POST /api/v1/checks`, scenario government_procurement, subjects drawn in
   turn from the sample: about a third hit) from --clients concurrent keep-alive clients
   for --seconds, receipts signed; then, in the same run against the same server, the
   trivial public endpoint `GET /api/v1/keys` the same way. The clients are wrk's when it is
   installed (`scripts/ensure-system-packages bench`), which leaves the server nearly both
   cores; otherwise Python threads (bench/httpload.py), which take most of one;
4. measures the database floor (bench/check_floor.py): 300 checks run through the API in
   this process, their statements recorded, then replayed as they are, prepared, from
   --clients processes for --seconds, with no HTTP, Django or signing around them;
5. times a batch comparison of --batch rows (codes of the sample and beyond, unknown codes
   and names) in this process, from the stored file to the signed result, --repeat times.

Prints checks/s with p50/p95/p99, the trivial endpoint's rate and the ratio, the floor's
rate and latency and the checks' share of it, and the batch time with its phases (resolve,
entries, answer, write: the batch service's log line). `--only batch` skips steps 2–4, so
that with --reuse-db the batch alone is timed again; `--only checks` skips step 5. Each
check and batch adds to the database, so a reused one grows. Nothing is asserted: the
figures go into the issue.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_floor
import httpload
from ingest import create_pg_database, drop_pg_database
from portal import SUBJECT_TABLES, Deferred, Subjects, load_subjects, step

LIST_TYPE = "market_serious_illegal"
SCENARIO = "government_procurement"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def list_sample(subjects: Subjects) -> list[str]:
    """List every third organisation of the sample; returns the sample's USCCs."""
    from django.utils import timezone

    from xinyong.accounts.models import Organisation
    from xinyong.catalog.models import ListType
    from xinyong.lists.models import EntryOrigin, EntryState, ListEntry
    from xinyong.subjects.models import Subject

    codes = [uscc for uscc, _public_id in subjects.keys if uscc]
    listed = codes[::3]
    list_type = ListType.objects.select_related("current_version").get(code=LIST_TYPE)
    market = Organisation.objects.filter(kind="department", sector="market_regulation")[0]
    today, now = date.today(), timezone.now()
    ids = dict(Subject.objects.filter(uscc__in=listed).values_list("uscc", "pk"))
    ListEntry.objects.bulk_create(
        [
            ListEntry(
                subject_id=ids[code],
                list_type=list_type,
                list_type_version=list_type.current_version,
                organisation=market,
                origin=EntryOrigin.PROCEDURE,
                state=EntryState.PUBLISHED,
                doc_no=f"津市监信列〔2026〕{n}号",
                decision_date=today - timedelta(days=30),
                facts="bench",
                reasons="bench",
                basis="bench",
                remedies="bench",
                starts_on=today - timedelta(days=30),
                ends_on=today + timedelta(days=3 * 365),
                in_force_from=now - timedelta(days=30),
                published_on=today - timedelta(days=29),
            )
            for n, code in enumerate(listed, 1)
            if code in ids
        ],
        batch_size=2000,
    )
    print(f"  {len(listed):,} of {len(codes):,} sampled organisations listed")
    return codes


def checker_token() -> tuple[str, str]:
    """A department other than the listing one, with a `lists:check` token: (USCC, token)."""
    from xinyong.accounts.models import Organisation
    from xinyong.accounts.services import create_token

    checker = (
        Organisation.objects.filter(kind="department")
        .exclude(sector="market_regulation")
        .order_by("pk")[0]
    )
    issued = create_token(organisation=checker, scopes=["lists:check"], name="bench")
    return checker.uscc, issued.secret


def start_server(args: argparse.Namespace, port: int) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).parent / "xinyong"), "serve", "--port", str(port),
        "--workers", str(args.workers), "--threads", str(args.threads),
    ]  # fmt: skip
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 180  # collectstatic first: a minute on a busy machine
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/keys", timeout=1)
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start")


def check_requests(codes: list[str], token: str) -> list[httpload.Request]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return [
        (
            "POST",
            "/api/v1/checks",
            json.dumps(
                {
                    "subject": code,
                    "scenario": SCENARIO,
                    "matter": f"津采〔2026〕{n}号 供应商资格审查",
                },
                ensure_ascii=False,
            ).encode(),
            headers,
        )
        for n, code in enumerate(codes)
    ]


def batch_file(codes: list[str], rows: int, seed: int) -> bytes:
    """A CSV of `rows` codes: the sample's, unknown ones, and a few names (the same file
    for the same database and seed)."""
    from xinyong.subjects.models import Subject

    rng = random.Random(seed)
    organisations = Subject.objects.exclude(kind="natural_person").order_by("pk")
    pool = list(organisations.exclude(uscc="").values_list("uscc", flat=True)[:rows])
    names = list(organisations.values_list("name", flat=True)[:200])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["统一社会信用代码"])
    for n in range(rows):
        pick = rng.random()
        if pick < 0.1:
            writer.writerow([codes[n % len(codes)]])
        elif pick < 0.12:
            writer.writerow([names[n % len(names)]])
        elif pick < 0.15:
            writer.writerow([f"91120000MA{n:07d}X"])  # a checksum failure: not found
        else:
            writer.writerow([pool[n % len(pool)]])
    return out.getvalue().encode("utf-8")


class PhaseLog(logging.Handler):
    """Keeps the batch service's closing log line: its time per phase."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.line = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.line = record.getMessage()


def time_batch(checker: str, codes: list[str], rows: int, seed: int) -> float:
    from xinyong.accounts.services import find_organisation
    from xinyong.checks.services.batch import process_batch, submit_batch

    content = batch_file(codes, rows, seed)
    log, phases = logging.getLogger("xinyong.checks.services.batch"), PhaseLog()
    log.setLevel(logging.INFO)
    log.propagate = False
    log.addHandler(phases)
    started = time.perf_counter()
    batch = submit_batch(
        find_organisation(checker),
        upload=io.BytesIO(content),
        file_name="bidders.csv",
        scenario="public_bidding",
        matter="津招〔2026〕1号 投标人资格审查",
        created_by="bench",
    )
    batch = process_batch(batch)
    elapsed = time.perf_counter() - started
    log.removeHandler(phases)
    print(
        f"batch comparison  {batch.rows_done:,} rows in {elapsed:,.1f} s  "
        f"({batch.rows_done / elapsed:,.0f} rows/s; hits {batch.hits:,}, unknown {batch.unknown:,},"
        f" status {batch.status})"
    )
    print(f"  phases          {phases.line.partition('(')[2].rstrip(')')}")
    return elapsed


def prepare(args: argparse.Namespace, url: str) -> list[str]:
    """Steps 1 of the module doc; returns the sampled organisations' USCCs."""
    from django.core.management import call_command
    from django.db import connection

    from xinyong.catalog.services import default_policy_dir, load_policy
    from xinyong.synth import base_date

    done = step("migrate, policy")
    call_command("migrate", verbosity=0)
    load_policy(default_policy_dir())
    done()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM subjects_subject")
        start_id = cursor.fetchone()[0]
        deferred = Deferred(cursor, [*SUBJECT_TABLES, "subjects_search"])
        deferred.drop()
    connection.close()
    done = step(f"{args.subjects:,} subjects by COPY")
    subjects = load_subjects(url, args.subjects, args.seed, base_date(args.seed), start_id)
    with connection.cursor() as cursor:
        deferred.cursor = cursor
        deferred.rebuild()
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('subjects_subject', 'id'), "
            "(SELECT max(id) FROM subjects_subject))"
        )
        for table in [*SUBJECT_TABLES, "subjects_search"]:
            cursor.execute(f"VACUUM ANALYZE {table}")
    done()
    done = step("list entries")
    codes = list_sample(subjects)
    done()
    return codes


def reused_sample() -> list[str]:
    """The sample of a database prepared by an earlier run (--keep-db): the listed
    organisations and twice as many others."""
    from xinyong.lists.models import ListEntry
    from xinyong.subjects.models import Subject

    listed = list(ListEntry.objects.values_list("subject__uscc", flat=True))
    others = Subject.objects.exclude(kind="natural_person").exclude(uscc="")
    return [*listed, *others.order_by("pk").values_list("uscc", flat=True)[: 2 * len(listed)]]


def run(args: argparse.Namespace, url: str) -> None:
    import django

    django.setup()
    from django.db import connection

    codes = reused_sample() if args.reuse_db else prepare(args, url)
    random.Random(args.seed).shuffle(codes)
    checker, token = checker_token()
    connection.close()
    if args.only != "batch":
        time_checks(args, url, codes, token)
    if args.only != "checks":
        times = [time_batch(checker, codes, args.batch, args.seed) for _ in range(args.repeat)]
        if len(times) > 1:
            print(f"batch comparison  best {min(times):,.1f} s, median {median(times):,.1f} s")


def time_checks(args: argparse.Namespace, url: str, codes: list[str], token: str) -> None:
    """Steps 3 and 4 of the module doc."""
    from django.db import connection

    port = free_port()
    server = start_server(args, port)
    requests = check_requests(codes, token)
    try:
        httpload.run(port, requests[:200], clients=args.clients, seconds=2)  # warm up
        checks = httpload.run(port, requests, clients=args.clients, seconds=args.seconds)
        keys: list[httpload.Request] = [("GET", "/api/v1/keys", None, {})]
        trivial = httpload.run(port, keys, clients=args.clients, seconds=args.seconds)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    recorded = check_floor.record([body for _m, _p, body, _h in requests[:350] if body], token)
    connection.close()  # the replaying processes are forked: each opens its own
    floor = check_floor.replay(url, recorded, args.clients, args.seconds)
    print()
    print(f"server            gunicorn {args.workers} workers × {args.threads} threads, "
          f"{args.clients} clients, {args.seconds:.0f} s each")  # fmt: skip
    print(f"load generator    {httpload.client_name()}")
    print(f"checks            {checks.line()}")
    print(f"GET /api/v1/keys  {trivial.line()}")
    print(f"checks / trivial  {checks.rate / trivial.rate:.3f}")
    print(f"database floor    {floor.line()}")
    print(f"  ({len(recorded)} checks' statements replayed by {args.clients} processes, "
          "no HTTP, Django or signing)")  # fmt: skip
    print(f"checks / floor    {checks.rate * floor.seconds / floor.checks:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=1_500_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--batch", type=int, default=100_000, help="rows of the batch file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--only", choices=("both", "checks", "batch"), default="both",
        help="time only the single checks or only the batch comparison",
    )  # fmt: skip
    parser.add_argument("--repeat", type=int, default=1, help="batch comparisons to time")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--reuse-db", help="the URL of a database a --keep-db run prepared")
    args = parser.parse_args()

    name, url = ("", args.reuse_db) if args.reuse_db else create_pg_database(args.pg_url)
    # Named after the database: a --reuse-db run finds the signing key the first run made.
    work = Path(tempfile.gettempdir()) / f"checks-bench-{url.rsplit('/', 1)[-1]}"
    os.environ.update(
        {
            "DATABASE_URL": url,
            "XINYONG_VAR_DIR": str(Path(work) / "var"),
            "XINYONG_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "xinyong.settings",
        }
    )
    started = time.perf_counter()
    try:
        run(args, url)
    finally:
        if args.keep_db or args.reuse_db:
            print(f"database kept: {url}")
        else:
            drop_pg_database(args.pg_url, name)
    print(f"total {time.perf_counter() - started:,.0f} s")


if __name__ == "__main__":
    main()
