"""Catalogue items read from the Tianjin policy files (no database), valid codes, good rows,
and a helper that cleans one row given as {header: cell}."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache

from xinyong.catalog.schema import Item
from xinyong.catalog.services import default_policy_dir, read_policy
from xinyong.core.identifiers import (
    business_reg_check_digit,
    citizen_id_check_char,
    make_uscc,
    org_code_check_char,
)
from xinyong.records.ingest.cleaning import RowCleaner
from xinyong.records.ingest.types import Cell, CleanRow, ColumnMap, SourceRow

TODAY = date(2026, 5, 1)
USCC = make_uscc("9", "1", "120101", "MA05T8K3")
INDIVIDUAL_USCC = make_uscc("9", "2", "120104", "MA06A1B2")
AUTHORITY_USCC = make_uscc("1", "1", "120000", "MB001592")
ORG_CODE = "70012345" + org_code_check_char("70012345")
BUSINESS_REG = "12010100001234" + business_reg_check_digit("12010100001234")
INDIVIDUAL_REG = "12010460001234" + business_reg_check_digit("12010460001234")
CITIZEN_ID = "12010119900307123" + citizen_id_check_char("12010119900307123")


def broken(code: str) -> str:
    """`code` with a wrong last character."""
    return code[:-1] + ("1" if code[-1] != "1" else "2")


@cache
def items() -> dict[str, Item]:
    """Every catalogue item with its field sets expanded, as `item_definition` gives it."""
    bundle = read_policy(default_policy_dir())
    return {
        item.code: item.model_copy(
            update={"fields": bundle.item_fields(i), "field_sets": [], "trailing_field_sets": []}
        )
        for i, item in enumerate(bundle.catalog.items)
    }


def column_map(item: Item, headers: Sequence[str], extra: Mapping[str, str] = {}) -> ColumnMap:
    """Headers mapped by national field name (or by `extra`); anything else is unknown."""
    by_name = {spec.name: spec.key for spec in item.fields} | dict(extra)
    return ColumnMap(tuple(by_name.get(h) for h in headers), tuple(headers))


def clean(
    code: str,
    row: Mapping[str, Cell],
    *,
    today: date = TODAY,
    mapping: Mapping[str, str] = {},
    allowlist: frozenset[str] | None = frozenset(),
) -> CleanRow:
    item = items()[code]
    cleaner = RowCleaner(
        item, column_map(item, list(row), mapping), today=today, allowlist=allowlist
    )
    return cleaner.clean(SourceRow(1, tuple(row.values())))


def codes(row: CleanRow) -> list[tuple[str, str]]:
    return [(error.field, error.code) for error in row.errors]


PENALTY: dict[str, Cell] = {
    "行政相对人名称": "天津市海河科技有限公司",
    "行政相对人类别": "法人及非法人组织",
    "统一社会信用代码": USCC,
    "工商注册号": "",
    "组织机构代码": "",
    "法定代表人": "张伟",
    "证件类型": "",
    "证件号码": "",
    "行政处罚决定书文号": "津市监罚〔2026〕12号",
    "违法行为类型": "虚假宣传",
    "违法事实": "当事人在其网站发布虚假广告，宣称产品“全国销量第一”。",
    "处罚依据": "《中华人民共和国反不正当竞争法》第二十条",
    "处罚类别": "警告;罚款",
    "处罚内容": "警告，罚款人民币5000元",
    "罚款金额": "0.5",
    "没收违法所得、没收非法财物的金额": "",
    "处罚决定日期": "2026-03-02",
    "处罚有效期": "2027-03-02",
    "公示截止期": "2027-03-02",
    "处罚机关": "天津市市场监督管理委员会",
    "处罚机关统一社会信用代码": AUTHORITY_USCC,
    "数据来源单位": "天津市市场监督管理委员会",
    "数据来源单位统一社会信用代码": AUTHORITY_USCC,
    "备注": "",
}

LICENCE: dict[str, Cell] = {
    "行政相对人名称": "张三",
    "行政相对人类别": "自然人",
    "证件类型": "身份证",
    "证件号码": CITIZEN_ID,
    "行政许可决定文书名称": "准予行政许可决定书",
    "行政许可决定文书号": "津交许〔2026〕7号",
    "许可类别": "普通",
    "许可证书名称": "道路运输从业人员从业资格证",
    "许可编号": "津交从2026000123",
    "许可内容": "道路旅客运输驾驶员",
    "许可决定日期": "2026-01-10",
    "有效期自": "2026-01-10",
    "有效期至": "2032-01-09",
    "许可机关": "天津市交通运输委员会",
    "许可机关统一社会信用代码": AUTHORITY_USCC,
    "当前状态": "有效",
    "数据来源单位": "天津市交通运输委员会",
    "数据来源单位统一社会信用代码": AUTHORITY_USCC,
}


def penalty(**changes: Cell) -> dict[str, Cell]:
    return PENALTY | changes


def licence(**changes: Cell) -> dict[str, Cell]:
    return LICENCE | changes
