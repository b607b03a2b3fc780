"""The synthetic department files, cleaned: exactly the rows the manifest marks bad are
rejected, each for its reason, and every format of a dataset cleans to the same values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from xinyong.catalog.schema import Item
from xinyong.records.ingest.cleaning import RowCleaner
from xinyong.records.ingest.mapping import map_columns
from xinyong.records.ingest.readers import open_table
from xinyong.records.ingest.types import CleanRow, ColumnMap
from xinyong.synth import Options, generate, schemas

from .helpers import items

SUBJECTS = 400
OPTIONS = Options(mess_rate=0.3, bad_rate=0.08, xls_rows_per_sheet=70, xls_sheets_per_file=2)

V1_COLUMNS = {
    "处罚类别1": "penalty_types",
    "处罚类别2": "penalty_types",
    "处罚事由": "facts",
    "法定代表人姓名": "legal_rep",
    "处罚结果": "penalty_content",
    schemas.CODE_1: "uscc",
    schemas.CODE_2: "org_code",
    schemas.CODE_3: "business_reg_no",
    schemas.CODE_4: "tax_reg_no",
    schemas.CODE_5: "id_no",
}
"""The older template's headers (its 代码_2 is the organisation code, 代码_3 the registration
number)."""

CHECK_REASONS = {"uscc.check", "org_code.check", "business_reg.check", "citizen_id.check"}


@dataclass(frozen=True)
class Dataset:
    out: Path
    manifest: dict[str, Any]

    @property
    def today(self) -> date:
        return date.fromisoformat(self.manifest["base_date"])

    def files(self, dataset: str) -> list[dict[str, Any]]:
        return [f for f in self.manifest["files"] if f["dataset"] == dataset]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    out = tmp_path_factory.mktemp("synth")
    return Dataset(out, generate(out, SUBJECTS, seed=5, options=OPTIONS))


def column_map(headers: tuple[str, ...], item: Item, name: str) -> ColumnMap:
    """v2 files through the mapper; v1 files by the table above, because `map_columns`
    wants a column for every `required` field, which the older template does not have."""
    if name != "xzcf_v1":
        return map_columns(headers, item)
    by_name = {spec.name: spec.key for spec in item.fields} | V1_COLUMNS
    return ColumnMap(tuple(by_name.get(h) for h in headers), headers)


def cleaned(data: Dataset, entry: dict[str, Any]) -> list[CleanRow]:
    item = items()["XZXK" if entry["dataset"] == "xzxk_v2" else "XZCF"]
    table = open_table(data.out / entry["path"])
    try:
        assert table.format == entry["format"]
        columns = column_map(table.headers, item, entry["dataset"])
        cleaner = RowCleaner(item, columns, today=data.today)
        return [cleaner.clean(row) for row in table.rows()]
    finally:
        table.close()


def expected_error(item: Item, bad: dict[str, Any]) -> tuple[str, set[str]]:
    """The field and the acceptable codes for a manifest entry {row, reason, field}."""
    names = {spec.name: spec.key for spec in item.fields} | V1_COLUMNS
    reason = bad["reason"]
    if reason == "invalid_check_char":
        return names[bad["field"]], CHECK_REASONS
    if reason == "missing_required_field":
        return names[bad["field"]], {"field.required"}
    if reason == "future_decision_date":
        return item.decision_date_field, {"date.future"}
    assert reason == "validity_end_before_start"
    return "valid_to", {"date.order"}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["xzxk_v2", "xzcf_v2", "xzcf_v1"])
def test_exactly_the_bad_rows_are_rejected_for_their_reason(dataset: Dataset, name: str) -> None:
    item = items()["XZXK" if name == "xzxk_v2" else "XZCF"]
    reasons_seen: set[str] = set()
    for entry in dataset.files(name):
        rows = cleaned(dataset, entry)
        assert len(rows) == entry["rows"]
        bad = {b["row"]: b for b in entry["bad_rows"]}
        rejected = {row.row_no: row for row in rows if row.errors}
        assert sorted(rejected) == sorted(bad), entry["path"]
        for number, row in rejected.items():
            field, acceptable = expected_error(item, bad[number])
            assert len(row.errors) == 1, (entry["path"], number, row.errors)
            assert row.errors[0].field == field and row.errors[0].code in acceptable
            reasons_seen.add(bad[number]["reason"])
        for row in rows:
            if not row.errors:
                assert isinstance(row.values[item.decision_date_field], date)
                assert row.subject_type in item.subject_types
    expected = {"invalid_check_char", "future_decision_date", "missing_required_field"}
    if name == "xzxk_v2":
        expected.add("validity_end_before_start")
    assert reasons_seen == expected


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["xzxk_v2", "xzcf_v2", "xzcf_v1"])
def test_every_format_cleans_to_the_same_values(dataset: Dataset, name: str) -> None:
    by_format: dict[str, list[tuple[dict[str, Any], str, dict[str, str]]]] = {}
    for entry in dataset.files(name):
        rows = [(r.values, r.subject_type, r.extra) for r in cleaned(dataset, entry)]
        by_format.setdefault(entry["format"], []).extend(rows)
    assert set(by_format) == ({"csv", "xlsx", "xls"} | ({"jsonl"} if "v2" in name else set()))
    reference = by_format.pop("csv")
    for fmt, rows in by_format.items():
        assert len(rows) == len(reference)
        for number, (mine, theirs) in enumerate(zip(rows, reference, strict=True), 1):
            assert mine[:2] == theirs[:2], (fmt, number)


@pytest.mark.django_db
def test_the_messy_cells_are_read(dataset: Dataset) -> None:
    """The synth mess (full-width codes, trailing spaces, dates as 2016年11月25日, 20161125,
    Excel serials, 2099-12-31) is all there, and all of it cleaned."""
    entry = next(f for f in dataset.files("xzxk_v2") if f["format"] == "xlsx")
    rows = [r for r in cleaned(dataset, entry) if not r.errors]
    long_term = [r for r in rows if r.values["valid_to"] == date(2099, 12, 31)]
    assert long_term
    for row in rows:
        for key in ("uscc", "authority_uscc", "subject_name", "doc_no"):
            value = row.values[key]
            assert value is None or (isinstance(value, str) and value == value.strip())
            assert value is None or not any("\uff10" <= ch <= "\uff5a" for ch in value)
