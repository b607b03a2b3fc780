"""One row through RowCleaner: normalisation, subject type, and every rule firing or not."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from xinyong.core.models import IrregularCode
from xinyong.records.ingest.cleaning import RowCleaner, infer_subject_type
from xinyong.records.ingest.types import Cell, ColumnMap, SourceRow

from .helpers import (
    AUTHORITY_USCC,
    BUSINESS_REG,
    CITIZEN_ID,
    INDIVIDUAL_REG,
    INDIVIDUAL_USCC,
    ORG_CODE,
    TODAY,
    USCC,
    broken,
    clean,
    codes,
    column_map,
    items,
    licence,
    penalty,
)

# -- good rows -----------------------------------------------------------------------------


def test_a_good_penalty_is_clean() -> None:
    row = clean("XZCF", penalty())
    assert row.errors == []
    assert row.subject_type == "legal_person"
    assert row.values["uscc"] == USCC
    assert row.values["penalty_types"] == ["警告", "罚款"]
    assert row.values["fine_amount"] == Decimal("0.5")
    assert row.values["decision_date"] == date(2026, 3, 2)
    assert row.values["confiscation_amount"] is None and row.values["remarks"] is None
    assert row.values["org_code"] is None
    assert set(row.values) == {spec.key for spec in items()["XZCF"].fields}
    assert row.extra == {}


def test_a_good_licence_to_a_person_is_clean() -> None:
    row = clean("XZXK", licence())
    assert row.errors == []
    assert row.subject_type == "natural_person"
    assert row.values["id_no"] == CITIZEN_ID


# -- normalisation -------------------------------------------------------------------------


def test_full_width_codes_numbers_and_amounts_are_folded() -> None:
    full = "".join(chr(ord(ch) + 0xFEE0) for ch in USCC)
    row = clean(
        "XZCF",
        penalty(
            统一社会信用代码=full + " ",
            行政处罚决定书文号="津市监罚〔２０２６〕１２号",
            罚款金额="５０００元",
            处罚决定日期="２０２６年３月２日",
        ),
    )
    assert row.errors == []
    assert row.values["uscc"] == USCC
    assert row.values["doc_no"] == "津市监罚〔2026〕12号"
    assert row.values["fine_amount"] == Decimal("0.5")
    assert row.values["decision_date"] == date(2026, 3, 2)


def test_text_is_trimmed_and_short_text_collapsed() -> None:
    facts = "当事人于2025年：\n  一、销售过期食品；\n  二、未建立台账。"
    row = clean(
        "XZCF",
        penalty(
            行政相对人名称="  天津市　海河   科技有限公司\t", 违法事实=f"  {facts}  ", 备注="   "
        ),
    )
    assert row.values["subject_name"] == "天津市 海河 科技有限公司"
    assert row.values["facts"] == facts  # long text keeps its lines and Chinese punctuation
    assert row.values["remarks"] is None


@pytest.mark.parametrize(
    ("category", "expected"),
    [("法人及非法人组织", "legal_person"), ("法人", "legal_person"), ("非法人组织", "legal_person"),
     ("个体工商户", "individual_business"), ("个体户", "individual_business"),
     (" 自然人 ", "natural_person")],
)  # fmt: skip
def test_subject_categories_and_their_variants(category: str, expected: str) -> None:
    identity = (
        {"证件类型": "身份证", "证件号码": CITIZEN_ID, "统一社会信用代码": "", "法定代表人": ""}
        if expected == "natural_person"
        else {}
    )
    row = clean("XZCF", penalty(行政相对人类别=category, **identity))
    assert row.errors == [] and row.subject_type == expected
    assert row.values["subject_category"] in ("法人及非法人组织", "个体工商户", "自然人")


@pytest.mark.parametrize(
    "cell", ["警告;罚款", "警告；罚款", "警告、罚款", "警告,罚款", "警告，罚款", "警告 罚款",
             "警告/罚款", " 警告 ; 罚款 ;", "警告;罚款;警告"],
)  # fmt: skip
def test_several_penalty_categories_in_one_cell(cell: str) -> None:
    row = clean("XZCF", penalty(处罚类别=cell))
    assert row.errors == [] and row.values["penalty_types"] == ["警告", "罚款"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("罚款、没收违法所得/非法财物", ["罚款", "没收违法所得", "没收非法财物"]),
        ("没收违法所得、没收非法财物", ["没收违法所得", "没收非法财物"]),
        ("暂扣或吊销许可证件", ["暂扣许可证件", "吊销许可证件"]),
        ("罚款;吊销营业执照", ["罚款", "吊销许可证件"]),
        ("拘留", ["行政拘留"]),
    ],
)
def test_older_spellings_of_penalty_categories(cell: str, expected: list[str]) -> None:
    row = clean("XZCF", penalty(处罚类别=cell))
    assert row.errors == [] and row.values["penalty_types"] == expected


def test_a_multiple_field_from_two_columns_is_merged_in_order() -> None:
    mapping = {"处罚类别1": "penalty_types", "处罚类别2": "penalty_types"}
    row = penalty()
    del row["处罚类别"]
    merged = clean("XZCF", row | {"处罚类别1": "罚款", "处罚类别2": "警告、罚款"}, mapping=mapping)
    assert merged.errors == [] and merged.values["penalty_types"] == ["罚款", "警告"]
    one = clean("XZCF", row | {"处罚类别1": "", "处罚类别2": "警告"}, mapping=mapping)
    assert one.values["penalty_types"] == ["警告"]
    neither = clean("XZCF", row | {"处罚类别1": "", "处罚类别2": None}, mapping=mapping)
    assert codes(neither) == [("penalty_types", "field.required")]


def test_a_single_field_may_not_have_two_columns() -> None:
    item = items()["XZCF"]
    columns = ColumnMap(("doc_no", "doc_no"), ("文号", "文号2"))
    with pytest.raises(ValueError, match="2 columns"):
        RowCleaner(item, columns, today=TODAY)
    with pytest.raises(ValueError, match="not a field"):
        RowCleaner(item, ColumnMap(("nonsense",), ("x",)), today=TODAY)


def test_unknown_columns_are_kept_as_text() -> None:
    row = clean(
        "XZCF",
        penalty(
            地方编码=120000,
            数据更新时间戳=datetime(2026, 3, 5, 9, 30),
            录入日期=date(2026, 3, 3),
            序号=7.0,
            空列="",
            另一空列=None,
            说明=" 原样保留 ",
        ),
    )
    assert row.errors == []
    assert row.extra == {
        "地方编码": "120000",
        "数据更新时间戳": "2026-03-05 09:30:00",
        "录入日期": "2026-03-03",
        "序号": "7",
        "说明": " 原样保留 ",
    }


def test_cells_past_the_header_and_short_rows() -> None:
    columns = column_map(items()["XZCF"], list(penalty()))
    cleaner = RowCleaner(items()["XZCF"], columns, today=TODAY, allowlist=frozenset())
    cells = tuple(penalty().values())
    longer = cleaner.clean(SourceRow(3, (*cells, "多出来的")))
    assert longer.errors == [] and longer.extra == {f"#{len(cells) + 1}": "多出来的"}
    shorter = cleaner.clean(SourceRow(4, cells[:-6]))
    assert ("source_unit", "field.required") in codes(shorter)


def test_a_whole_number_field() -> None:
    row: dict[str, Cell] = {
        "行政相对人名称": "天津市海河建筑工程有限公司",
        "行政相对人类别": "法人",
        "统一社会信用代码": USCC,
        "法定代表人": "李强",
        "处理决定书文号": "津人社监〔2026〕3号",
        "拖欠工资金额": "1,250,000元",
        "涉及农民工人数": "３５",
        "处理决定日期": 46000,
        "清偿情况": "已清偿",
        "数据来源单位": "天津市人力资源和社会保障局",
        "数据来源单位统一社会信用代码": AUTHORITY_USCC,
    }
    cleaned = clean("TQNMGGZ", row)
    assert cleaned.errors == []
    assert cleaned.values["workers_affected"] == Decimal(35)
    assert cleaned.values["arrears_amount"] == Decimal(125)
    assert cleaned.values["decision_date"] == date(2025, 12, 9)
    wrong = clean("TQNMGGZ", row | {"涉及农民工人数": "三十五"})
    assert codes(wrong) == [("workers_affected", "integer.invalid")]


# -- subject type and identity -------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"uscc": USCC, "id_no": CITIZEN_ID}, "legal_person"),
        ({"uscc": INDIVIDUAL_USCC}, "individual_business"),
        ({"org_code": ORG_CODE}, "legal_person"),
        ({"business_reg_no": BUSINESS_REG}, "legal_person"),
        ({"business_reg_no": INDIVIDUAL_REG}, "individual_business"),
        ({"id_no": CITIZEN_ID}, "natural_person"),
        ({"id_no": None, "uscc": None}, ""),
    ],
)
def test_subject_type_inferred_from_identifiers(values: dict[str, str], expected: str) -> None:
    assert infer_subject_type(dict(values)) == expected


def test_without_a_category_column_the_type_comes_from_the_codes() -> None:
    row = penalty()
    del row["行政相对人类别"]
    assert clean("XZCF", row).subject_type == "legal_person"
    shop = clean("XZCF", row | {"统一社会信用代码": INDIVIDUAL_USCC})
    assert shop.subject_type == "individual_business" and shop.errors == []
    person = clean(
        "XZCF", row | {"统一社会信用代码": "", "证件号码": CITIZEN_ID, "证件类型": "身份证"}
    )
    assert person.subject_type == "natural_person" and person.errors == []
    nobody = clean("XZCF", row | {"统一社会信用代码": ""})
    assert nobody.subject_type == "" and codes(nobody) == [
        ("subject_category", "subject.unknown_type")
    ]


def test_an_empty_category_is_required_but_the_type_is_still_inferred() -> None:
    row = clean("XZCF", penalty(行政相对人类别=""))
    assert row.subject_type == "legal_person"
    assert codes(row) == [("subject_category", "field.required")]
    assert "行政相对人类别" in row.errors[0].message


def test_legacy_codes_stand_in_for_the_uscc() -> None:
    for codes_given in ({"组织机构代码": ORG_CODE}, {"工商注册号": BUSINESS_REG}):
        row = clean("XZCF", penalty(统一社会信用代码="", **codes_given))
        assert row.errors == [] and row.subject_type == "legal_person"


def test_an_organisation_needs_one_of_its_codes() -> None:
    row = clean("XZCF", penalty(统一社会信用代码=""))
    assert codes(row) == [("uscc", "subject.no_org_identifier")]
    assert "统一社会信用代码" in row.errors[0].message and "组织机构代码" in row.errors[0].message
    shop = clean("XZCF", penalty(统一社会信用代码="", 行政相对人类别="个体工商户"))
    assert codes(shop) == [("uscc", "subject.no_org_identifier")]


def test_a_person_needs_an_id_number() -> None:
    row = clean("XZXK", licence(证件号码=""))
    assert codes(row) == [("id_no", "subject.no_person_identifier")]


def test_required_for_follows_the_subject_type() -> None:
    # 法定代表人 is required for legal persons only; 证件类型 for natural persons only.
    assert codes(clean("XZCF", penalty(法定代表人=""))) == [("legal_rep", "field.required")]
    shop = penalty(法定代表人="", 行政相对人类别="个体工商户", 统一社会信用代码=INDIVIDUAL_USCC)
    assert clean("XZCF", shop).errors == []
    passport = licence(证件类型="", 证件号码="E12345678")
    assert codes(clean("XZXK", passport)) == [("id_type", "field.required")]


def test_required_for_applies_without_a_column() -> None:
    row = licence(证件号码="E12345678")
    del row["证件类型"]
    assert codes(clean("XZXK", row)) == [("id_type", "field.required")]
    company = penalty()
    del company["法定代表人"]
    assert codes(clean("XZCF", company)) == [("legal_rep", "field.required")]


def test_a_valid_citizen_id_fills_its_empty_type() -> None:
    typed = clean("XZXK", licence(证件类型=""))
    assert typed.errors == [] and typed.values["id_type"] == "身份证"
    row = licence()
    del row["证件类型"]
    untyped = clean("XZXK", row)
    assert untyped.errors == [] and untyped.values["id_type"] == "身份证"
    rep = clean("XZCF", penalty(法定代表人证件号码=CITIZEN_ID))
    assert rep.errors == [] and rep.values["legal_rep_id_type"] == "身份证"
    wrong_type = clean("XZCF", penalty(法定代表人证件类型="身份", 法定代表人证件号码=CITIZEN_ID))
    assert codes(wrong_type) == [("legal_rep_id_type", "enum.invalid")]
    assert wrong_type.values["legal_rep_id_type"] is None


def test_subject_type_must_be_allowed_for_the_item() -> None:
    row = {
        "行政相对人名称": "王五",
        "行政相对人类别": "自然人",
        "证件类型": "身份证",
        "证件号码": CITIZEN_ID,
        "列入决定书文号": "津市监异〔2026〕1号",
        "列入经营异常名录原因": "未按规定期限公示年度报告",
        "列入日期": "2026-02-01",
        "作出决定机关（列入）": "天津市市场监督管理委员会",
        "数据来源单位": "天津市市场监督管理委员会",
        "数据来源单位统一社会信用代码": AUTHORITY_USCC,
    }
    cleaned = clean("JYYC", row)
    assert codes(cleaned) == [("subject_category", "subject.type_not_allowed")]
    assert "经营异常名录" in cleaned.errors[0].message and "自然人" in cleaned.errors[0].message
    company = row | {
        "行政相对人类别": "法人",
        "统一社会信用代码": USCC,
        "证件号码": "",
        "证件类型": "",
        "法定代表人": "赵六",
    }
    assert clean("JYYC", company).errors == []


# -- identifiers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "code", "field", "reason"),
    [
        ("统一社会信用代码", broken(USCC), "uscc", "uscc.check"),
        ("组织机构代码", broken(ORG_CODE), "org_code", "org_code.check"),
        ("工商注册号", broken(BUSINESS_REG), "business_reg_no", "business_reg.check"),
        ("处罚机关统一社会信用代码", broken(AUTHORITY_USCC), "authority_uscc", "uscc.check"),
        ("统一社会信用代码", "91120101MA05T8K", "uscc", "uscc.length"),
    ],
)
def test_an_invalid_code_is_rejected_with_its_reason(
    column: str, code: str, field: str, reason: str
) -> None:
    row = clean("XZCF", penalty(**{column: code}))
    assert codes(row) == [(field, reason)]
    assert row.errors[0].message.startswith(f"“{column}”：")


def test_a_broken_citizen_id_is_named_but_never_quoted() -> None:
    bad = broken(CITIZEN_ID)
    row = clean("XZXK", licence(证件号码=bad))
    assert codes(row) == [("id_no", "citizen_id.check")]
    message = row.errors[0].message
    assert "证件号码" in message and bad not in message and bad[6:14] not in message
    assert row.values["id_no"] is None


def test_id_numbers_are_checked_by_their_document_type() -> None:
    passport = clean("XZXK", licence(证件类型="护照", 证件号码="e1234 5678"))
    assert passport.errors == [] and passport.values["id_no"] == "E12345678"
    assert passport.values["id_type"] == "护照号"
    untyped = clean("XZXK", licence(证件类型="", 证件号码=broken(CITIZEN_ID)))
    assert ("id_no", "citizen_id.check") in codes(untyped)
    fifteen = CITIZEN_ID[:6] + CITIZEN_ID[8:17]
    legacy = clean("XZXK", licence(证件号码=fifteen))
    assert legacy.errors == [] and legacy.values["id_no"] == CITIZEN_ID
    rep = clean("XZCF", penalty(法定代表人证件类型="身份证", 法定代表人证件号码=broken(CITIZEN_ID)))
    assert codes(rep) == [("legal_rep_id_no", "citizen_id.check")]


def test_placeholders_in_code_columns_mean_empty() -> None:
    row = clean("XZCF", penalty(组织机构代码="/", 工商注册号="无"))
    assert row.errors == [] and row.values["org_code"] is None


@pytest.mark.django_db
def test_the_operators_allowlist_admits_an_irregular_code() -> None:
    irregular = broken(USCC)
    assert codes(clean("XZCF", penalty(统一社会信用代码=irregular), allowlist=None)) == [
        ("uscc", "uscc.check")
    ]
    IrregularCode.objects.create(code=irregular, reason="营业执照原样", admitted_by="operator")
    row = clean("XZCF", penalty(统一社会信用代码=irregular), allowlist=None)
    assert row.errors == [] and row.values["uscc"] == irregular


# -- dates ---------------------------------------------------------------------------------


def test_the_decision_date_may_be_today_but_not_later() -> None:
    assert clean("XZCF", penalty(处罚决定日期=TODAY.isoformat())).errors == []
    row = clean("XZCF", penalty(处罚决定日期="2026-05-02"))
    assert codes(row) == [("decision_date", "date.future")]
    assert "处罚决定日期" in row.errors[0].message and "2026-05-01" in row.errors[0].message


def test_no_date_before_the_republic() -> None:
    assert clean("XZCF", penalty(处罚决定日期="1949-10-01")).errors == []
    row = clean("XZCF", penalty(处罚决定日期="1949-09-30"))
    assert codes(row) == [("decision_date", "date.too_old")]


def test_validity_end_may_not_precede_its_start() -> None:
    assert clean("XZXK", licence(有效期至="2026-01-10")).errors == []
    row = clean("XZXK", licence(有效期至="2026-01-09"))
    assert codes(row) == [("valid_to", "date.order")]
    assert "有效期至" in row.errors[0].message and "有效期自" in row.errors[0].message


def test_long_term_validity_is_kept_as_its_date() -> None:
    row = clean("XZXK", licence(有效期至="2099-12-31"))
    assert row.errors == [] and row.values["valid_to"] == date(2099, 12, 31)


@pytest.mark.parametrize("column", ["处罚有效期", "公示截止期"])
def test_penalty_periods_may_not_end_before_the_decision(column: str) -> None:
    assert clean("XZCF", penalty(**{column: "2026-03-02"})).errors == []
    row = clean("XZCF", penalty(**{column: "2026-03-01"}))
    key = "penalty_valid_until" if column == "处罚有效期" else "publication_until"
    assert codes(row) == [(key, "date.order")]


def test_an_unreadable_date_is_quoted_in_the_message() -> None:
    row = clean("XZCF", penalty(处罚决定日期="2026-02-30"))
    assert codes(row) == [("decision_date", "date.invalid")]
    assert "2026-02-30" in row.errors[0].message


# -- values --------------------------------------------------------------------------------


def test_text_longer_than_its_field() -> None:
    assert clean("XZCF", penalty(行政相对人名称="名" * 200)).errors == []
    row = clean("XZCF", penalty(行政相对人名称="名" * 201))
    assert codes(row) == [("subject_name", "field.too_long")]
    assert "200" in row.errors[0].message and "201" in row.errors[0].message


def test_an_enumeration_value_out_of_range() -> None:
    row = clean("XZCF", penalty(行政相对人类别="公司"))
    assert codes(row) == [("subject_category", "enum.invalid")]
    assert "公司" in row.errors[0].message and "个体工商户" in row.errors[0].message
    several = clean("XZCF", penalty(处罚类别="罚款；打板子"))
    assert codes(several) == [("penalty_types", "enum.invalid")]
    assert "打板子" in several.errors[0].message


def test_a_quoted_value_never_shows_an_id_number() -> None:
    row = clean("XZCF", penalty(处罚类别=CITIZEN_ID))
    assert codes(row) == [("penalty_types", "enum.invalid")]
    assert CITIZEN_ID not in row.errors[0].message


@pytest.mark.parametrize(
    ("cell", "code"), [("-0.5", "amount.negative"), ("五千元", "amount.invalid")]
)
def test_a_bad_amount(cell: str, code: str) -> None:
    assert codes(clean("XZCF", penalty(罚款金额=cell))) == [("fine_amount", code)]


def test_every_error_of_a_row_is_listed_in_field_order() -> None:
    row = clean(
        "XZCF",
        penalty(
            处罚决定日期="2027-01-01",
            行政处罚决定书文号="",
            统一社会信用代码=broken(USCC),
            罚款金额="-1",
            处罚机关="",
        ),
    )
    assert codes(row) == [
        ("uscc", "uscc.check"),
        ("doc_no", "field.required"),
        ("fine_amount", "amount.negative"),
        ("decision_date", "date.future"),
        ("authority", "field.required"),
    ]
    assert all(error.message for error in row.errors)
