"""Demo records: the synthetic 行政许可 and 行政处罚 files, landed through the real pipeline.

Each department sends its own decisions, as in production: the rows of a file are grouped
by the deciding authority's USCC and submitted by that organisation, then processed by the
same pipeline as any upload.

The synthetic data pretends "today" is its base date, somewhere in the first half of 2026;
its dates are moved forward by the days since then, so the demo looks the same whenever it
is prepared. Its decisions span four years, so many have passed their publication period
(and warnings alone are never published): the portal shows only what is still public, and
the rest is absent, which is the point of the demo.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from xinyong.accounts.models import Organisation
from xinyong.core.identifiers import normalise
from xinyong.demo.services import DEMO_SEED, DEMO_SUBJECTS, demo_dir
from xinyong.records import services
from xinyong.records.ingest.values import BadValue, parse_date
from xinyong.records.models import Submission
from xinyong.records.public import LICENCES, PENALTIES, public_records
from xinyong.synth import base_date, generate


@dataclass(frozen=True)
class Source:
    """A synthetic file, its catalogue item, the column naming the deciding department, the
    decision document number and the date columns (the decision date first)."""

    file: str
    item_code: str
    authority: str
    doc_no: str
    dates: tuple[str, ...]


SOURCES = (
    Source(
        "xzxk_v2.jsonl",
        LICENCES,
        "许可机关统一社会信用代码",
        "行政许可决定文书号",
        ("许可决定日期", "有效期自", "有效期至"),
    ),
    Source(
        "xzcf_v2.jsonl",
        PENALTIES,
        "处罚机关统一社会信用代码",
        "行政处罚决定书文号",
        ("处罚决定日期", "处罚有效期", "公示截止期"),
    ),
)

LONG_TERM = date(2099, 12, 31)


@dataclass(frozen=True)
class Landed:
    submissions: int
    accepted: int
    rejected: int
    public: int


def _moved(row: dict[str, Any], source: Source, days: int) -> dict[str, Any]:
    """`row` with its dates `days` later and the year in its document number following its
    decision date (long-term and unreadable dates are left as they are: the pipeline reads
    the latter and rejects the row with its reason)."""
    for index, column in enumerate(source.dates):
        try:
            day = parse_date(row.get(column) or None)
        except BadValue:
            continue
        if day is None or day == LONG_TERM:
            continue
        moved = day + timedelta(days=days)
        row[column] = moved.isoformat()
        if index == 0 and moved.year != day.year:
            doc_no = str(row.get(source.doc_no) or "")
            row[source.doc_no] = doc_no.replace(f"〔{day.year}〕", f"〔{moved.year}〕")
    return row


def _rows_by_department(source: Source, folder: Path, days: int) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with (folder / source.file).open(encoding="utf-8") as handle:
        for line in handle:
            row = _moved(json.loads(line), source, days)
            grouped[normalise(str(row.get(source.authority) or ""))].append(row)
    return grouped


def land_records() -> Landed:
    """Submit and process the synthetic files once; a later run finds submissions and
    lands nothing again."""
    if Submission.objects.exists():
        return Landed(0, 0, 0, public_records().count())
    folder = demo_dir() / "synth"
    if not all((folder / source.file).exists() for source in SOURCES):
        generate(folder, DEMO_SUBJECTS, seed=DEMO_SEED)
    days = max(0, (timezone.localdate() - base_date(DEMO_SEED)).days)
    organisations = {o.uscc: o for o in Organisation.objects.filter(is_active=True)}
    submissions = accepted = rejected = 0
    for source in SOURCES:
        for uscc, rows in sorted(_rows_by_department(source, folder, days).items()):
            organisation = organisations.get(uscc)
            if organisation is None:
                continue
            submission = services.submit_records(
                organisation=organisation, item_code=source.item_code, records=rows
            )
            done = services.process(submission)
            submissions += 1
            accepted += done.accepted
            rejected += done.rejected
    return Landed(submissions, accepted, rejected, public_records().count())
