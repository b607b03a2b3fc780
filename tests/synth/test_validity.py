"""Every code valid, every date sane — except exactly the rows the manifest calls bad.

Codes are checked twice: with xinyong.core.identifiers, and independently (python-stdnum
where it applies, the published formulas otherwise).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest

from tests.synth.conftest import Generated, as_date, bad_rows, read_table
from tests.synth.independent import independently_valid, org_code_ok
from xinyong.core.identifiers import IdKind, check, normalise
from xinyong.synth import base_date, schemas

KIND_OF_FIELD = {
    "统一社会信用代码": IdKind.USCC,
    "许可机关统一社会信用代码": IdKind.USCC,
    "处罚机关统一社会信用代码": IdKind.USCC,
    "数据来源单位统一社会信用代码": IdKind.USCC,
    schemas.CODE_1: IdKind.USCC,
    "组织机构代码": IdKind.ORG_CODE,
    schemas.CODE_2: IdKind.ORG_CODE,
    "工商注册号": IdKind.BUSINESS_REG,
    schemas.CODE_3: IdKind.BUSINESS_REG,
    "证件号码": IdKind.CITIZEN_ID,
    "法定代表人证件号码": IdKind.CITIZEN_ID,
    schemas.CODE_5: IdKind.CITIZEN_ID,
}
TAX_FIELDS = ("税务登记号", schemas.CODE_4)
DECISION = {"xzxk_v2": "许可决定日期", "xzcf_v2": "处罚决定日期", "xzcf_v1": "处罚决定日期"}
REQUIRED = {
    "xzxk_v2": ("行政相对人名称", "行政许可决定文书号", "许可决定日期", "许可机关"),
    "xzcf_v2": ("行政相对人名称", "行政处罚决定书文号", "处罚决定日期", "处罚机关"),
    "xzcf_v1": ("行政相对人名称", "行政处罚决定书文号", "处罚决定日期", "处罚机关"),
}
IDENTIFIERS = ("统一社会信用代码", "工商注册号", "组织机构代码", "证件号码")


def rows_of(generated: Generated, dataset: str, fmt: str) -> list[tuple[int, dict[str, Any]]]:
    (entry,) = generated.files(dataset, fmt)
    header, data = read_table(generated.out, entry)
    return [(n, dict(zip(header, row, strict=True))) for n, row in enumerate(data, start=1)]


@pytest.mark.parametrize(
    ("dataset", "fmt"),
    [("xzxk_v2", "csv"), ("xzxk_v2", "jsonl"), ("xzcf_v2", "csv"), ("xzcf_v2", "jsonl"),
     ("xzcf_v1", "csv")],
)  # fmt: skip
def test_codes_are_valid_except_the_bad_rows(generated: Generated, dataset: str, fmt: str) -> None:
    (entry,) = generated.files(dataset, fmt)
    bad = bad_rows(entry)
    today = base_date(generated.manifest["seed"])
    checked = broken = 0
    for n, row in rows_of(generated, dataset, fmt):
        spoiled = bad[n]["field"] if n in bad and bad[n]["reason"] == "invalid_check_char" else ""
        for field, kind in KIND_OF_FIELD.items():
            if not row.get(field, "").strip():
                continue
            code = normalise(row[field])
            result = check(code, kind, allowlist=())
            if field == spoiled:
                broken += 1
                assert not result.valid and result.reason.endswith(".check"), (n, field)
                assert not independently_valid(kind, code, today), (n, field)
            else:
                checked += 1
                assert result.valid, (n, field, result.reason)
                assert independently_valid(kind, code, today), (n, field)
        for field in TAX_FIELDS:
            if row.get(field, "").strip():
                tax = normalise(row[field])
                assert len(tax) == 15 and org_code_ok(tax[6:]), (n, field)
    assert checked >= entry["rows"] - len(bad)
    assert broken == sum(1 for b in bad.values() if b["reason"] == "invalid_check_char") > 0


@pytest.mark.parametrize("dataset", ["xzxk_v2", "xzcf_v2", "xzcf_v1"])
def test_bad_rows_are_bad_for_the_stated_reason_and_only_they(
    generated: Generated, dataset: str
) -> None:
    (entry,) = generated.files(dataset, "csv")
    bad = bad_rows(entry)
    assert {b["reason"] for b in bad.values()} >= {
        "invalid_check_char",
        "future_decision_date",
        "missing_required_field",
    }
    today = base_date(generated.manifest["seed"])
    decision = DECISION[dataset]
    for n, row in rows_of(generated, dataset, "csv"):
        reason = bad[n]["reason"] if n in bad else ""
        if reason == "missing_required_field":
            assert bad[n]["field"] in REQUIRED[dataset] and row[bad[n]["field"]] == ""
        else:
            assert all(row[f].strip() for f in REQUIRED[dataset]), n
        decided = as_date(row[decision])
        if reason == "future_decision_date":
            assert decided is not None and decided > today + timedelta(days=20 * 365), n
        elif decided is not None:
            assert decided <= today, n
            oldest = today - timedelta(days=(10 if dataset == "xzcf_v1" else 4) * 366)
            assert decided >= oldest, n
        if dataset == "xzxk_v2":
            start, end = as_date(row["有效期自"]), as_date(row["有效期至"])
            assert start is not None and end is not None
            assert (end < start) == (reason == "validity_end_before_start"), n
        if dataset != "xzcf_v1":
            assert row["行政相对人类别"] in ("法人及非法人组织", "个体工商户", "自然人")
        named = [f for f in IDENTIFIERS if row.get(f, "").strip()]
        codes_v1 = [schemas.CODE_1, schemas.CODE_2, schemas.CODE_3, schemas.CODE_5]
        named += [f for f in codes_v1 if row.get(f, "").strip()]
        assert named, f"row {n} identifies no subject"


@pytest.mark.parametrize("dataset", ["xzxk_v2", "xzcf_v2", "xzcf_v1"])
def test_document_numbers_are_unique_natural_keys(generated: Generated, dataset: str) -> None:
    field = "行政许可决定文书号" if dataset == "xzxk_v2" else "行政处罚决定书文号"
    numbers = [row[field] for _, row in rows_of(generated, dataset, "csv") if row[field]]
    assert len(numbers) == len(set(numbers))
    assert all(n.startswith("津") and n.endswith("号") and "〔" in n for n in numbers)


def test_penalties_are_plausible(generated: Generated) -> None:
    rows = [row for _, row in rows_of(generated, "xzcf_v2", "csv")]
    allowed = {
        "警告", "通报批评", "罚款", "没收违法所得/非法财物", "暂扣或吊销许可证件", "吊销许可证件",
        "降低资质等级", "限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业", "行政拘留",
        "其他",
    }  # fmt: skip
    separators = set()
    for row in rows:
        text = row["处罚类别"].strip()
        for sep in (";", "；", "、"):
            if sep in text:
                separators.add(sep)
        categories = text.replace("；", ";").replace("、", ";").split(";")
        assert set(categories) <= allowed, categories
        fine = row[schemas.FINE]
        assert ("罚款" in categories) == bool(fine), row
        if fine:
            assert 0 < float(fine) < 10_000
        if row["行政相对人类别"] == "自然人":
            assert row["证件类型"] == "身份证" and not row["统一社会信用代码"]
    assert len(separators) >= 2  # several categories in one cell, spelled more than one way
    assert {r["处罚机关"].strip() for r in rows} > {"天津市市场监督管理委员会"}


def test_citizen_ids_appear_only_in_the_id_columns(generated: Generated) -> None:
    lines = (generated.out / "subjects.jsonl").read_text(encoding="utf-8").splitlines()
    people = [json.loads(line) for line in lines]
    ids = {p[k] for p in people for k in ("person_id", "legal_rep_id") if k in p}
    id_columns = {"证件号码", "法定代表人证件号码", schemas.CODE_5}
    found = 0
    for dataset in ("xzxk_v2", "xzcf_v2", "xzcf_v1"):
        for _, row in rows_of(generated, dataset, "csv"):
            for field, value in row.items():
                if normalise(value) in ids:
                    found += 1
                    assert field in id_columns, (dataset, field)
                elif field not in id_columns:
                    embedded = re.findall(r"\d{17}[\dX]", normalise(value))
                    assert not ids.intersection(embedded), (dataset, field)
    assert found > 100
