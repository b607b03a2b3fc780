"""Speed and memory of `xinyong synth`: rows written per second and peak RSS.

    .venv/bin/python bench/synth.py [--subjects 100000] [--formats csv xlsx xls jsonl]

Rows count every data row of every file (the same record written as CSV and XLSX counts
twice: both were written), and separately the records drawn. Peak RSS is the process's
high-water mark, which must stay flat as --subjects grows: the generator streams.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--formats", nargs="+", default=None)
    parser.add_argument("--out", type=Path, help="keep the files here (default: a temp dir)")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
    import django

    django.setup()
    from xinyong.synth import FORMATS, generate

    with tempfile.TemporaryDirectory(prefix="synth-bench-") as scratch:
        out = args.out or Path(scratch)
        started = time.perf_counter()
        manifest = generate(out, args.subjects, seed=args.seed, formats=args.formats or FORMATS)
        elapsed = time.perf_counter() - started
        size = sum(f["bytes"] for f in manifest["files"])

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    data_files = [f for f in manifest["files"] if f["dataset"] != "subjects"]
    rows = sum(f["rows"] for f in data_files)
    per_format: dict[tuple[str, str], int] = {}
    for f in data_files:
        key = (f["dataset"], f["format"])
        per_format[key] = per_format.get(key, 0) + f["rows"]
    records: dict[str, int] = {}
    for (dataset, _), count in per_format.items():
        records[dataset] = count  # every format of a dataset holds the same records
    drawn = sum(records.values())
    print(f"subjects        {args.subjects:>12,}")
    print(f"records drawn   {drawn:>12,}  ({', '.join(f'{k} {v:,}' for k, v in records.items())})")
    print(f"rows written    {rows:>12,}  in {len(data_files)} files, {size / 1e6:,.1f} MB")
    print(f"elapsed         {elapsed:>12.1f} s")
    print(f"records/s       {drawn / elapsed:>12,.0f}")
    print(f"rows written/s  {rows / elapsed:>12,.0f}")
    print(f"peak RSS        {peak_mb:>12,.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
