"""`generate()`: subjects, licence and penalty files in every format, and their manifest.

Everything derives from the seed: the base date that "today" stands for, the subjects, the
records, the mess and the deliberately bad rows. Same seed and arguments, same bytes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from xinyong.synth import schemas
from xinyong.synth.policy import Policy, load_policy
from xinyong.synth.records import (
    LICENCE_BAD_REASONS,
    PENALTY_BAD_REASONS,
    Generated,
    RecordFactory,
)
from xinyong.synth.render import Renderer
from xinyong.synth.subjects import SubjectFactory
from xinyong.synth.writers import (
    XLS_MAX_ROWS,
    XLSX_MAX_ROWS,
    CsvWriter,
    FileEntry,
    JsonlWriter,
    RowWriter,
    XlsWriter,
    XlsxWriter,
)

FORMATS = ("csv", "xlsx", "xls", "jsonl")
MANIFEST = "manifest.json"
SUBJECTS_FILE = "subjects.jsonl"
MANIFEST_VERSION = 1
Progress = Callable[[str, int, int], None]
_PROGRESS_EVERY = 10_000


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str
    schema: schemas.Schema
    csv_encoding: str
    formats: tuple[str, ...]


# JSON Lines are keyed by the v2 names, so the v1 penalties have none.
LICENCES = Dataset("xzxk_v2", schemas.LICENCE_V2_SCHEMA, "utf-8-sig", FORMATS)
PENALTIES = Dataset("xzcf_v2", schemas.PENALTY_V2_SCHEMA, "gb18030", FORMATS)
PENALTIES_V1 = Dataset("xzcf_v1", schemas.PENALTY_V1_SCHEMA, "gb18030", ("csv", "xlsx", "xls"))


def base_date(seed: int) -> date:
    """The day the data pretends is today: in the first half of 2026, fixed by the seed."""
    return date(2026, 1, 1) + timedelta(days=random.Random(f"{seed}:base").randrange(181))


@dataclass
class Options:
    """Knobs beyond the subject count; the defaults are what `xinyong synth` uses."""

    licences: int | None = None  # default: one per subject
    penalties: int | None = None  # default: one per two subjects
    v1_penalties: int | None = None  # default: one per five subjects
    mess_rate: float = 0.05
    bad_rate: float = 0.01
    xls_rows_per_sheet: int = XLS_MAX_ROWS
    xls_sheets_per_file: int = 1
    xlsx_rows_per_sheet: int = XLSX_MAX_ROWS


def _writers(
    dataset: Dataset, out: Path, formats: Iterable[str], total: int, created: datetime, o: Options
) -> list[RowWriter]:
    headers = dataset.schema.headers
    name, schema = dataset.name, dataset.schema.name
    writers: list[RowWriter] = []
    for fmt in formats:
        if fmt not in dataset.formats:
            continue
        if fmt == "csv":
            writers.append(
                CsvWriter(out, f"{name}.csv", name, schema, headers, dataset.csv_encoding)
            )
        elif fmt == "jsonl":
            writers.append(JsonlWriter(out, f"{name}.jsonl", name, schema, headers))
        elif fmt == "xlsx":
            writers.append(
                XlsxWriter(
                    out, f"{name}.xlsx", name, schema, headers, created, o.xlsx_rows_per_sheet
                )
            )
        else:
            writers.append(
                XlsWriter(
                    out,
                    name,
                    name,
                    schema,
                    headers,
                    total,
                    o.xls_rows_per_sheet,
                    o.xls_sheets_per_file,
                )
            )
    return writers


def _write_dataset(
    dataset: Dataset,
    count: int,
    seed: int,
    factory: RecordFactory,
    writers: list[RowWriter],
    options: Options,
    progress: Progress | None,
) -> list[FileEntry]:
    rng = random.Random(f"{seed}:{dataset.name}")
    bad_rng = random.Random(f"{seed}:{dataset.name}:bad")
    mess_rng = random.Random(f"{seed}:{dataset.name}:mess")
    renderer = Renderer(dataset.schema.headers, options.mess_rate)
    reasons = LICENCE_BAD_REASONS if dataset is LICENCES else PENALTY_BAD_REASONS
    spoiled = 0
    for done in range(1, count + 1):
        reason = None
        if bad_rng.random() < options.bad_rate:  # the reasons take turns: each one shows up
            reason = reasons[spoiled % len(reasons)]
            spoiled += 1
        generated: Generated
        if dataset is LICENCES:
            generated = factory.licence(rng, reason)
            record, bad = generated.record, generated.bad
        elif dataset is PENALTIES:
            generated = factory.penalty(rng, reason)
            record, bad = generated.record, generated.bad
        else:
            generated = factory.penalty(rng, reason, legacy=True)
            record, bad = factory.as_v1(generated, rng)
        text, cells = renderer.render(record, mess_rng)
        for writer in writers:
            writer.write(text, cells, bad)
        if progress is not None and (done % _PROGRESS_EVERY == 0 or done == count):
            progress(dataset.name, done, count)
    entries: list[FileEntry] = []
    for writer in writers:
        entries.extend(writer.close())
    return entries


def _write_subjects(out: Path, factory: SubjectFactory, n: int) -> FileEntry:
    entry = FileEntry(SUBJECTS_FILE, "subjects", "subjects", "jsonl", "utf-8")
    with (out / SUBJECTS_FILE).open("w", encoding="utf-8", newline="\n") as handle:
        for index in range(n):
            subject = factory.subject(index).as_json()
            handle.write(json.dumps(subject, ensure_ascii=False) + "\n")
    entry.rows = n
    return entry


def generate(
    out: Path,
    subjects: int,
    *,
    seed: int = 0,
    formats: Iterable[str] = FORMATS,
    options: Options | None = None,
    policy: Policy | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write the synthetic dataset under `out` and return the manifest (also `manifest.json`).

    Records only name subjects 0…`subjects`-1, rebuilt on demand, so memory stays flat
    whatever the scale; each file is written as its rows are drawn.
    """
    o = options or Options()
    formats = tuple(dict.fromkeys(formats))
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown format(s): {', '.join(unknown)}; known: {', '.join(FORMATS)}")
    if subjects < 1:
        raise ValueError("the number of subjects must be at least 1")
    if seed < 0:
        raise ValueError("the seed must be a non-negative integer")
    if not (0 <= o.mess_rate <= 1 and 0 <= o.bad_rate <= 1):
        raise ValueError("mess and bad-row rates are fractions between 0 and 1")
    if not (
        0 < o.xls_rows_per_sheet <= XLS_MAX_ROWS and 0 < o.xlsx_rows_per_sheet <= XLSX_MAX_ROWS
    ):
        raise ValueError(f"a sheet holds 1 to {XLS_MAX_ROWS} (XLS) or {XLSX_MAX_ROWS} (XLSX) rows")
    if o.xls_sheets_per_file < 1:
        raise ValueError("an XLS file holds at least one sheet")
    counts = {
        LICENCES: subjects if o.licences is None else o.licences,
        PENALTIES: max(1, subjects // 2) if o.penalties is None else o.penalties,
        PENALTIES_V1: max(1, subjects // 5) if o.v1_penalties is None else o.v1_penalties,
    }
    if any(n < 0 for n in counts.values()):
        raise ValueError("record counts cannot be negative")
    policy = policy or load_policy()
    today = base_date(seed)
    created = datetime.combine(today, time(8))
    subject_factory = SubjectFactory(seed, policy, today)
    factories = {d: RecordFactory(subject_factory, policy, subjects, today) for d in counts}
    out.mkdir(parents=True, exist_ok=True)
    entries = [_write_subjects(out, subject_factory, subjects)]
    for dataset, count in counts.items():
        factory = factories[dataset]
        writers = _writers(dataset, out, formats, count, created, o)
        if writers:
            entries += _write_dataset(dataset, count, seed, factory, writers, o, progress)
    files = []
    for entry in entries:
        files.append(entry.describe(out / entry.path))
    manifest: dict[str, Any] = {
        "generator": "xinyong synth",
        "manifest_version": MANIFEST_VERSION,
        "seed": seed,
        "base_date": today.isoformat(),
        "subjects": subjects,
        "mess_rate": o.mess_rate,
        "bad_rate": o.bad_rate,
        "row_numbering": (
            "row: 1-based data row within the file, header not counted (CSV line = row + 1); "
            "sheet_row: 1-based row within the sheet, the header being row 1"
        ),
        "schemas": {
            s.name: list(s.headers)
            for s in (
                schemas.LICENCE_V2_SCHEMA,
                schemas.PENALTY_V2_SCHEMA,
                schemas.PENALTY_V1_SCHEMA,
            )
        },
        "files": files,
    }
    with (out / MANIFEST).open("w", encoding="utf-8", newline="\n") as handle:
        json.dump(manifest, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return manifest
