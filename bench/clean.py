"""Per-row CPU cost of reading, cleaning and identifier checks, without the database writes.

    .venv/bin/python bench/clean.py --rows 100000 [--profile 25]

Generates a 行政处罚 file with `synth` (GB18030 CSV, the national v2 columns) in a temporary
directory with a fresh SQLite database (migrated, the Tianjin policy loaded: the allowlist of
irregular codes is read from it as in production), then prints µs per row for

1. reading the file only (`open_table(...).rows()`);
2. reading and cleaning (`RowCleaner` over the mapped columns, as `pipeline.py` does), and
   cleaning alone (the difference);
3. `identifiers.check` per call on the file's codes: cold (each distinct code for the first
   time, its cache emptied) and warm (the same calls again).

Each figure is the best of `--repeat` runs (default 3): other work on the machine only
ever adds time. `--profile N` also prints the N most expensive functions of a cProfile'd
cleaning pass. Nothing is asserted: the figures go into the issue.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

ID_FIELDS = ("uscc", "org_code", "business_reg_no", "authority_uscc", "source_unit_uscc")
PERSONAL_ID_FIELDS = ("id_no", "legal_rep_id_no")
"""Identifier fields whose cells the check benchmark takes (ID numbers as citizen IDs)."""


def per_row(label: str, seconds: float, count: int, unit: str = "row") -> None:
    print(f"  {label:<34} {1e6 * seconds / max(count, 1):>9,.2f} µs/{unit}  ({count:,} {unit}s)")


def read_rows(path: Path) -> tuple[float, int]:
    from xinyong.records.ingest.readers import open_table

    started = time.perf_counter()
    table = open_table(path)
    try:
        count = sum(1 for _row in table.rows())
    finally:
        table.close()
    return time.perf_counter() - started, count


def read_and_clean(path: Path, item: Any, today: date) -> tuple[float, int, int]:
    """(seconds, rows, rows with errors) for reading and cleaning the whole file."""
    from xinyong.records.ingest.cleaning import RowCleaner
    from xinyong.records.ingest.mapping import map_columns
    from xinyong.records.ingest.readers import open_table

    started = time.perf_counter()
    table = open_table(path)
    try:
        cleaner = RowCleaner(item, map_columns(table.headers, item), today=today)
        count = rejected = 0
        for row in table.rows():
            count += 1
            rejected += bool(cleaner.clean(row).errors)
    finally:
        table.close()
    return time.perf_counter() - started, count, rejected


def file_codes(path: Path, item: Any) -> list[tuple[str, Any]]:
    """(cell, kind) of every non-empty identifier cell of the file, in file order."""
    from xinyong.core.identifiers import IdKind
    from xinyong.records.ingest.mapping import map_columns
    from xinyong.records.ingest.readers import open_table

    specs = {spec.key: spec for spec in item.fields}
    table = open_table(path)
    try:
        fields = map_columns(table.headers, item).fields
        wanted = [
            (
                i,
                IdKind.CITIZEN_ID
                if key in PERSONAL_ID_FIELDS
                else IdKind(specs[key].identifier_kind),
            )
            for i, key in enumerate(fields)
            if key in ID_FIELDS or key in PERSONAL_ID_FIELDS
        ]
        calls: list[tuple[str, Any]] = []
        for row in table.rows():
            for i, kind in wanted:
                cell = row.cells[i] if i < len(row.cells) else None
                if isinstance(cell, str) and cell.strip():
                    calls.append((cell, kind))
        return calls
    finally:
        table.close()


def time_checks(calls: list[tuple[str, Any]]) -> float:
    from xinyong.core.identifiers import check

    started = time.perf_counter()
    for code, kind in calls:
        check(code, kind)
    return time.perf_counter() - started


def cold(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` with `identifiers.check`'s memo emptied first, where there is one
    (the baseline had none)."""
    from xinyong.core import identifiers

    clear: Callable[[], None] | None = getattr(identifiers, "clear_check_memo", None)
    if clear is not None:
        clear()
    return function(*args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="penalty rows in the file")
    parser.add_argument("--subjects", type=int, help="synthetic subjects (default: rows / 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (the best)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="cProfile top N")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="clean-bench-"))
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
            "XINYONG_VAR_DIR": str(work / "var"),
            "XINYONG_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "xinyong.settings",
        }
    )
    try:
        run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from xinyong.catalog.services import default_policy_dir, load_policy
    from xinyong.catalog.services.queries import item_definition
    from xinyong.synth import Options, generate

    subjects = args.subjects or max(1, args.rows // 2)
    print(f"generating {args.rows:,} penalty rows about {subjects:,} subjects …", flush=True)
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
    today = date.fromisoformat(manifest["base_date"])
    call_command("migrate", verbosity=0)
    load_policy(default_policy_dir())
    item = item_definition("XZCF")

    read_rows(path)  # warm the page cache and the imports
    repeat = range(max(1, args.repeat))
    read_s, rows = min(read_rows(path) for _ in repeat)
    clean_s, cleaned, rejected = min(cold(read_and_clean, path, item, today) for _ in repeat)
    calls = file_codes(path, item)
    distinct = list(dict.fromkeys(calls))
    cold_s = min(cold(time_checks, distinct) for _ in repeat)
    warm_s = min(time_checks(distinct) for _ in repeat)
    repeated_s = min(cold(time_checks, calls) for _ in repeat)

    print(f"{entry['bytes'] / 1e6:,.1f} MB, {rows:,} rows ({rejected:,} with errors)")
    per_row("read (open_table().rows())", read_s, rows)
    per_row("read + clean (RowCleaner)", clean_s, cleaned)
    per_row("clean alone (difference)", clean_s - read_s, cleaned)
    per_row("identifiers.check cold", cold_s, len(distinct), "call")
    per_row("identifiers.check warm", warm_s, len(distinct), "call")
    per_row("identifiers.check, file's calls", repeated_s, len(calls), "call")
    print("  (file's calls: every identifier cell in file order, from an empty memo)")

    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(cold, read_and_clean, path, item, today)
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
