"""Speed of credit reports: one report of a company with many records, and a batch.

    .venv/bin/python bench/reports.py [--db sqlite|postgres] [--records 300] [--repeat 20]
        [--batch 200]

In a fresh database (a temporary SQLite file, or a new PostgreSQL database created from
template0 on the server of --pg-url, dropped at the end):

1. prepares the demo's data (`xinyong demo --prepare-only`: the Tianjin policy, 400 synthetic
   subjects from `synth`, their records through the ingestion pipeline, list entries,
   commitments, grades) and lands --records more records (two thirds 行政处罚, one third
   行政许可) about one demo company through the pipeline, so one report is long;
2. times `issue_report` of the 政府采购专用版 for the credit office, of the demo's example
   company (a typical report) and of the long company — scope, content, PDF, hash,
   signature, file and rows, everything a request costs — once cold (the first report of
   the process: fonts and templates load), then --repeat times warm, and prints the median
   and p95 (and the median CPU time of this process: on a VM whose host takes cycles away,
   wall time varies more than the work does), the PDF's pages and size;
3. submits a batch of --batch organisations (the long one among them) as the credit office,
   and runs the batch worker's code (`process_batch`) in this process, to the ZIP.

Prints each figure with its target (one report < 1 s, 200 reports < 60 s), the load
average (other work on the machine inflates the figures) and, at the start and the end, the
time of a fixed loop (the machine's own speed, which varies). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import create_pg_database, drop_pg_database

ONE_TARGET_S, BATCH_TARGET_S = 1.0, 60.0
REPORT_TYPE, PURPOSE = "procurement", "津采〔2026〕99号 供应商资格审查"
CREDIT_OFFICE = "11120000MB0010743W"
EXAMPLE_COMPANY = "91120000MA0H6Y358P"
"""The demo's example company: a handful of records, a list entry, grades — a typical report."""
MARKET = ("天津市市场监督管理委员会", "11120000MB0011113Y")


def machine_speed() -> str:
    """The best of five runs of a fixed pure-Python loop: this VM's CPU speed varies up to
    twice from minute to minute, so figures from two runs compare only beside this one."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for n in range(1_000_000):
            total += n * n
        best = min(best, time.perf_counter() - started)
    return f"fixed loop {best * 1000:.0f} ms (lower is faster)"


def loadavg() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def _rows(name: str, uscc: str, count: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`count` API rows about one company: two thirds penalties, the rest licences, decided
    over the last eleven months (all still published)."""
    from django.utils import timezone

    today = timezone.localdate()
    source = {
        "authority": MARKET[0], "authority_uscc": MARKET[1],
        "source_unit": MARKET[0], "source_unit_uscc": MARKET[1],
    }  # fmt: skip
    who = {
        "subject_name": name,
        "subject_category": "法人及非法人组织",
        "uscc": uscc,
        "legal_rep": "王建国",
    }
    penalties, licences = [], []
    for n in range(count):
        day = today - timedelta(days=1 + n % 330)
        if n % 3 < 2:
            penalties.append(
                {
                    **who,
                    **source,
                    "doc_no": f"津市监罚〔2026〕B{n:05d}号",
                    "violation_type": "虚假宣传",
                    "facts": f"经查，当事人在第{n}批次商品宣传中使用虚假的产品功效表述。",
                    "basis": "《中华人民共和国广告法》第五十五条",
                    "penalty_types": "罚款",
                    "penalty_content": "罚款人民币15000元",
                    "fine_amount": "1.5",
                    "decision_date": day.isoformat(),
                    "penalty_valid_until": (day + timedelta(days=365)).isoformat(),
                }
            )
        else:
            licences.append(
                {
                    **who,
                    **source,
                    "doc_name": "食品经营许可决定书",
                    "doc_no": f"津市监许〔2026〕B{n:05d}号",
                    "licence_category": "普通",
                    "content": "预包装食品销售",
                    "decision_date": day.isoformat(),
                    "valid_from": day.isoformat(),
                    "valid_to": (day + timedelta(days=5 * 365)).isoformat(),
                    "status": "有效",
                }
            )
    return penalties, licences


def prepare(records: int) -> Any:
    """Step 1; returns the long company."""
    from django.core.management import call_command

    from xinyong.accounts.models import Organisation
    from xinyong.records import services
    from xinyong.subjects.models import Subject

    started = time.perf_counter()
    call_command("demo", "--prepare-only", stdout=io.StringIO())
    print(f"demo data          {time.perf_counter() - started:8.1f} s", flush=True)
    company = Subject.objects.filter(kind="legal_person").exclude(uscc="").order_by("pk")[5]
    market = Organisation.objects.get(uscc=MARKET[1])
    started = time.perf_counter()
    for item, rows in zip(
        ("XZCF", "XZXK"), _rows(company.name, company.uscc, records), strict=True
    ):
        done = services.process(
            services.submit_records(organisation=market, item_code=item, records=rows)
        )
        if done.rejected:
            raise SystemExit(f"{done.rejected} {item} rows rejected")
    print(
        f"{records} records   {time.perf_counter() - started:8.1f} s  ({company.name})", flush=True
    )
    return company


def pages(data: bytes) -> str:
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=False)
    found = [
        line.split()[-1] for line in info.stdout.decode().splitlines() if line.startswith("Pages:")
    ]
    return found[0] if found else "?"


def time_one(company: Any, repeat: int, label: str) -> None:
    """Step 2, for one company."""
    from xinyong.accounts.models import Organisation
    from xinyong.reports.services.issuing import issue_report, open_pdf
    from xinyong.reports.services.scope import Requester

    requester = Requester.for_organisation(Organisation.objects.get(uscc=CREDIT_OFFICE), "bench")

    def one() -> tuple[float, float, Any]:
        started, cpu = time.perf_counter(), time.process_time()
        report = issue_report(company, REPORT_TYPE, requester, purpose=PURPOSE)
        return time.perf_counter() - started, time.process_time() - cpu, report

    cold, _cpu, report = one()
    runs = [one()[:2] for _ in range(repeat)]
    warm = [elapsed for elapsed, _cpu in runs]
    median = statistics.median(warm)
    p95 = statistics.quantiles(warm, n=20, method="inclusive")[18] if len(warm) > 1 else warm[0]
    cpu_median = statistics.median(cpu for _elapsed, cpu in runs)
    records = len(report.content and [r for s in report.content["sections"] for r in s["records"]])
    data = open_pdf(report)
    print()
    size = f"{records} records, {pages(data)} pages, {len(data) / 1e3:,.0f} kB"
    print(f"one report, {label:<7} {size}")
    print(f"  cold             {cold:8.3f} s")
    print(f"  warm ×{repeat:<3}        median {median:.3f} s, p95 {p95:.3f} s   "
          f"(target < {ONE_TARGET_S:.0f} s; {loadavg()})")  # fmt: skip
    print(f"  this process's CPU median {cpu_median:.3f} s  (the database server's not counted)")


def time_batch(size: int, company: Any) -> None:
    """Step 3."""
    from xinyong.accounts.models import Organisation
    from xinyong.reports.services.batches import process_batch, submit_batch
    from xinyong.subjects.models import Subject

    organisations = Subject.objects.exclude(kind="natural_person").exclude(uscc="")
    codes = [
        company.uscc,
        *organisations.exclude(pk=company.pk)
        .order_by("pk")
        .values_list("uscc", flat=True)[: size - 1],
    ]
    office = Organisation.objects.get(uscc=CREDIT_OFFICE)
    started = time.perf_counter()
    batch = submit_batch(
        office, created_by="bench", type_code=REPORT_TYPE, purpose=PURPOSE, queries=codes
    )
    submitted = time.perf_counter() - started
    batch = process_batch(batch)
    elapsed = time.perf_counter() - started
    print()
    print(f"batch              {batch.total} rows ({batch.done - batch.failed} reports, "
          f"{batch.failed} not issued), status {batch.status}")  # fmt: skip
    print(f"  submit           {submitted:8.3f} s")
    print(f"  submit to ZIP    {elapsed:8.1f} s  ({elapsed / max(1, batch.total):.3f} s a row; "
          f"target < {BATCH_TARGET_S:.0f} s for 200; {loadavg()})")  # fmt: skip


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from xinyong.subjects.models import Subject

    company = prepare(args.records)
    time_one(Subject.objects.get(uscc=EXAMPLE_COMPANY), args.repeat, "typical")
    time_one(company, args.repeat, "long")
    if args.batch > 0:
        time_batch(args.batch, company)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server (any database on it) to create the fresh database on",
    )
    parser.add_argument("--records", type=int, default=300, help="records of the long company")
    parser.add_argument("--repeat", type=int, default=20, help="warm single reports to time")
    parser.add_argument(
        "--batch", type=int, default=200, help="subjects in the batch (0: no batch)"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="reports-bench-"))
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
    print(f"database           {args.db}  ({loadavg()})", flush=True)
    print(f"machine            {machine_speed()}", flush=True)
    started = time.perf_counter()
    try:
        run(args)
    finally:
        if pg_name:
            drop_pg_database(args.pg_url, pg_name)
        shutil.rmtree(work, ignore_errors=True)
    print(f"machine            {machine_speed()}")
    print(f"total              {time.perf_counter() - started:8.0f} s")


if __name__ == "__main__":
    main()
