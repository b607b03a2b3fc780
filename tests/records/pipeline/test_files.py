"""Department files from `synth` through the whole pipeline, in every format."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from xinyong.accounts.models import Organisation
from xinyong.core.models import AuditEntry
from xinyong.records import services
from xinyong.records.models import (
    Record,
    RecordEvent,
    RecordVersion,
    RejectedRow,
    Submission,
)
from xinyong.subjects.models import Subject, SubjectIdentifier, SubjectName

from .helpers import snapshot
from .synthdata import EXPECTED_CODES, entry, make_dataset, person_ids, preload_subjects


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("synth")
    return out, make_dataset(out)


def load(organisation: Organisation, path: Path, item: str) -> Submission:
    with path.open("rb") as upload:
        made = services.submit_file(
            organisation=organisation, item_code=item, upload=upload, file_name=path.name
        )
    return services.process(made)


def assert_matches_manifest(submission: Submission, described: dict[str, Any]) -> None:
    bad = {b["row"]: b["reason"] for b in described["bad_rows"]}
    assert submission.status == "done"
    assert submission.rows_total == described["rows"]
    assert (submission.accepted, submission.rejected) == (described["rows"] - len(bad), len(bad))
    rejected = dict(
        RejectedRow.objects.filter(submission=submission).values_list("row_no", "reasons")
    )
    assert sorted(rejected) == sorted(bad)
    for row_no, reasons in rejected.items():
        codes = [r["code"] for r in reasons]
        assert any(EXPECTED_CODES[bad[row_no]](code) for code in codes), (row_no, codes)


@pytest.mark.parametrize(
    ("path", "item"),
    [
        ("xzcf_v2.csv", "XZCF"),  # GB18030
        ("xzcf_v2.xlsx", "XZCF"),
        ("xzcf_v2.xls", "XZCF"),
        ("xzcf_v2.jsonl", "XZCF"),
        ("xzxk_v2.csv", "XZXK"),  # UTF-8 with BOM
        ("xzcf_v1.csv", "XZCF"),  # the older template: 代码_2/代码_3 the other way round
        ("xzcf_v1.xls", "XZCF"),
    ],
)
def test_a_file_loads_with_the_counts_its_manifest_implies_and_again_changes_nothing(
    department: Organisation, dataset: tuple[Path, dict[str, Any]], path: str, item: str
) -> None:
    out, manifest = dataset
    preload_subjects(out)
    described = entry(manifest, path)
    first = load(department, out / path, item)
    assert_matches_manifest(first, described)
    assert first.new_records == first.accepted and first.unchanged == 0
    assert Record.objects.count() == first.accepted
    assert RecordEvent.objects.filter(kind="record.created").count() == first.accepted
    error_file = services.error_file_path(first)
    assert error_file is not None and error_file.name.startswith("errors.")
    assert error_file.parent == (services.stored_file_path(first)).parent
    before = snapshot()
    subjects = (
        Subject.objects.count(),
        SubjectIdentifier.objects.count(),
        SubjectName.objects.count(),
    )
    second = load(department, out / path, item)
    assert (second.accepted, second.rejected) == (first.accepted, first.rejected)
    assert (second.unchanged, second.new_records, second.new_versions) == (first.accepted, 0, 0)
    assert snapshot() == before
    assert (
        Subject.objects.count(),
        SubjectIdentifier.objects.count(),
        SubjectName.objects.count(),
    ) == subjects
    assert RecordEvent.objects.count() == first.accepted


def test_every_format_of_one_dataset_is_the_same_content(
    department: Organisation, dataset: tuple[Path, dict[str, Any]]
) -> None:
    """CSV text, spreadsheet cells and JSON values normalise to the same records."""
    out, _manifest = dataset
    preload_subjects(out)
    first = load(department, out / "xzcf_v2.csv", "XZCF")
    for path in ("xzcf_v2.xlsx", "xzcf_v2.xls", "xzcf_v2.jsonl"):
        again = load(department, out / path, "XZCF")
        assert (again.unchanged, again.new_versions) == (first.accepted, 0), path


def test_api_records_load_like_the_file(
    department: Organisation, dataset: tuple[Path, dict[str, Any]]
) -> None:
    out, manifest = dataset
    preload_subjects(out)
    lines = (out / "xzcf_v2.jsonl").read_text(encoding="utf-8").splitlines()
    made = services.submit_records(
        organisation=department, item_code="XZCF", records=[json.loads(line) for line in lines]
    )
    assert made.channel == "api"
    assert_matches_manifest(services.process(made), entry(manifest, "xzcf_v2.jsonl"))


def test_a_changed_row_in_a_file_makes_a_new_version(
    department: Organisation, dataset: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    out, manifest = dataset
    preload_subjects(out)
    first = load(department, out / "xzcf_v2.csv", "XZCF")
    with (out / "xzcf_v2.csv").open(encoding="gb18030", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    bad = {b["row"] for b in entry(manifest, "xzcf_v2.csv")["bad_rows"]}
    row = next(n for n in range(1, len(rows) + 1) if n not in bad)
    rows[row - 1][header.index("违法事实")] += "（更正）"
    changed = tmp_path / "xzcf_v2_corrected.csv"
    with changed.open("w", encoding="gb18030", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    second = load(department, changed, "XZCF")
    assert (second.new_versions, second.unchanged) == (1, first.accepted - 1)
    version = RecordVersion.objects.get(submission=second)
    assert version.version == 2 and version.row_no == row
    record = version.record
    assert record.current_version_id == version.pk and record.version_count == 2
    assert record.versions.filter(version=1, submission=first).exists()


def test_no_personal_identifier_is_stored_in_clear(
    department: Organisation, dataset: tuple[Path, dict[str, Any]]
) -> None:
    out, _manifest = dataset
    preload_subjects(out)
    load(department, out / "xzcf_v2.csv", "XZCF")
    load(department, out / "xzxk_v2.xlsx", "XZXK")
    numbers = person_ids(out)
    assert len(numbers) > 50
    with connection.cursor() as cursor:
        tables = [
            m._meta.db_table
            for m in (Record, RecordVersion, RejectedRow, RecordEvent, Submission, AuditEntry)
        ] + [Subject._meta.db_table, SubjectIdentifier._meta.db_table]
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")
            dump = repr(cursor.fetchall())
            leaked = [n for n in numbers if n in dump]
            assert not leaked, (table, len(leaked))
