"""Columns map to catalogue fields by header name: v2 names, v1 names, CF_/XK_ codes, keys,
and a department's own names; never by position."""

from __future__ import annotations

from functools import cache

import pytest

from xinyong.accounts.models import Organisation
from xinyong.catalog.models import CatalogItem
from xinyong.catalog.schema import Item
from xinyong.catalog.services import default_policy_dir, load_policy, read_policy
from xinyong.records.ingest.aliases import ITEMS, SUBJECT, V1_ABSENT
from xinyong.records.ingest.mapping import custom_mapping, header_key, map_columns
from xinyong.records.ingest.types import FileRejected
from xinyong.records.models import HeaderMapping
from xinyong.synth import schemas

# The v2 fields a v1 penalty file has no column for (all required by the catalogue).
V1_MISSING = (
    "行政相对人类别",
    "违法行为类型",
    "处罚有效期",
    "处罚机关统一社会信用代码",
    "数据来源单位",
    "数据来源单位统一社会信用代码",
)

CF_CODES = {
    "CF_XDR_MC": "subject_name",
    "CF_XDR_LB": "subject_category",
    "CF_XDR_SHXYM": "uscc",
    "CF_XDR_GSZC": "business_reg_no",
    "CF_XDR_ZZJG": "org_code",
    "CF_XDR_SWDJ": "tax_reg_no",
    "CF_XDR_SYDW": "institution_cert_no",
    "CF_XDR_SHZZ": "social_org_cert_no",
    "CF_FRDB": "legal_rep",
    "CF_FR_ZJLX": "legal_rep_id_type",
    "CF_FR_ZJHM": "legal_rep_id_no",
    "CF_XDR_ZJLX": "id_type",
    "CF_XDR_ZJHM": "id_no",
    "CF_WSH": "doc_no",
    "CF_WFXW": "violation_type",
    "CF_SY": "facts",
    "CF_YJ": "basis",
    "CF_CFLB": "penalty_types",
    "CF_NR": "penalty_content",
    "CF_NR_FK": "fine_amount",
    "CF_NR_WFFF": "confiscation_amount",
    "CF_NR_ZKDX": "licence_revoked",
    "CF_JDRQ": "decision_date",
    "CF_YXQ": "penalty_valid_until",
    "CF_GSJZQ": "publication_until",
    "CF_CFJG": "authority",
    "CF_CFJGDM": "authority_uscc",
    "CF_SJLY": "source_unit",
    "CF_SJLYDM": "source_unit_uscc",
    "BZ": "remarks",
}
XK_CODES = {
    "XK_XDR_MC": "subject_name",
    "XK_XDR_LB": "subject_category",
    "XK_XDR_SHXYM": "uscc",
    "XK_XKWS": "doc_name",
    "XK_WSH": "doc_no",
    "XK_XKLB": "licence_category",
    "XK_XKZS": "cert_name",
    "XK_XKBH": "licence_no",
    "XK_NR": "content",
    "XK_JDRQ": "decision_date",
    "XK_YXQZ": "valid_from",
    "XK_YXQZI": "valid_to",
    "XK_XKJG": "authority",
    "XK_XKJGDM": "authority_uscc",
    "XK_ZT": "status",
    "XK_LYDW": "source_unit",
    "XK_LYDWDM": "source_unit_uscc",
}


@cache
def items() -> dict[str, Item]:
    bundle = read_policy(default_policy_dir())
    return {
        item.code: item.model_copy(
            update={"fields": bundle.item_fields(i), "field_sets": [], "trailing_field_sets": []}
        )
        for i, item in enumerate(bundle.catalog.items)
    }


def mapped(headers: tuple[str, ...], code: str = "XZCF", **custom: str) -> dict[str, str | None]:
    columns = map_columns(headers, items()[code], custom)
    assert columns.headers == headers
    return dict(zip(headers, columns.fields, strict=True))


def refused(headers: tuple[str, ...], code: str = "XZCF", **custom: str) -> FileRejected:
    with pytest.raises(FileRejected) as caught:
        map_columns(headers, items()[code], custom)
    return caught.value


def test_v2_names_map_every_field() -> None:
    for code, headers in (("XZCF", schemas.PENALTY_V2), ("XZXK", schemas.LICENCE_V2)):
        by_name = {spec.name: spec.key for spec in items()[code].fields}
        result = mapped(headers, code)
        assert None not in result.values()
        for header, field in result.items():
            assert by_name.get(header, field) == field
        assert len(set(result.values())) == len(headers)


def test_v1_names_map_to_the_same_fields_as_v2() -> None:
    v2 = mapped(schemas.PENALTY_V2)
    v1 = mapped(schemas.PENALTY_V1 + V1_MISSING)
    for v2_name, v1_name in schemas.V2_TO_V1.items():
        assert v1[v1_name] == v2[v2_name], v1_name
    assert v1[schemas.CODE_2] == "org_code" and v1[schemas.CODE_3] == "business_reg_no"
    assert v1["处罚类别1"] == v1["处罚类别2"] == "penalty_types"
    assert v1["处罚事由"] == "facts" and v1["处罚结果"] == "penalty_content"
    unknown = {h for h, f in v1.items() if f is None}
    assert unknown == {"处罚名称", "当前状态", "地方编码", "数据更新时间戳"}


def test_a_v1_file_needs_only_the_columns_v1_had() -> None:
    columns = map_columns(schemas.PENALTY_V1, items()["XZCF"])
    assert "penalty_types" in columns.fields and "subject_category" not in columns.fields
    error = refused(tuple(h for h in schemas.PENALTY_V1 if h != "处罚决定日期"))
    assert (error.code, error.message) == ("header.missing", "缺少必填列：处罚决定日期")
    v2 = tuple(h for h in schemas.PENALTY_V2 if h not in V1_MISSING)
    error = refused(v2)  # a v2 file owes every required column
    assert error.message == "缺少必填列：" + "、".join(V1_MISSING)
    licence_v1 = (
        "行政许可决定书文号", "项目名称", "审批类别", "许可内容", "行政相对人名称",
        schemas.CODE_1, schemas.CODE_2, schemas.CODE_3, schemas.CODE_4, schemas.CODE_5,
        "法定代表人姓名", "许可决定日期", "许可截止期", "许可机关", "当前状态", "地方编码",
        "数据更新时间戳", "备注",
    )  # fmt: skip
    result = mapped(licence_v1, "XZXK")
    assert result["审批类别"] == "licence_category" and result["许可截止期"] == "valid_to"
    assert result["项目名称"] is None


def test_v2_templates_numbering_codes_the_other_way() -> None:
    headers = ("行政相对人代码_2(工商注册号)", "行政相对人代码_3(组织机构代码)")
    result = mapped(schemas.PENALTY_V2[:2] + headers + schemas.PENALTY_V2[13:])
    assert [result[h] for h in headers] == ["business_reg_no", "org_code"]


def test_field_codes_map() -> None:
    assert mapped(tuple(CF_CODES)) == CF_CODES
    legacy = ("CF_XDR_ZDM", "CF_XDR_GSDJ", "CF_XDR_SFZ", "CF_CFLB1", "CF_CFLB2", "CF_XZJG")
    replaced = ("CF_XDR_ZZJG", "CF_XDR_GSZC", "CF_XDR_ZJHM", "CF_CFLB", "CF_CFJG")
    with_legacy = mapped(tuple(c for c in CF_CODES if c not in replaced) + legacy)
    assert [with_legacy[c] for c in legacy] == [
        "org_code", "business_reg_no", "id_no", "penalty_types", "penalty_types", "authority",
    ]  # fmt: skip
    licence = mapped(tuple(XK_CODES), "XZXK")
    assert licence == XK_CODES


def test_keys_and_spelling_variants_map() -> None:
    keys = tuple(spec.key for spec in items()["XZCF"].fields)
    assert mapped(keys) == {k: k for k in keys}
    variants = {
        " 行政处罚决定书文号 ": "doc_no",
        "*行政相对人名称": "subject_name",
        "处罚内容：": "penalty_content",
        "行政相对人代码_1（统一社会信用代码）": "uscc",
        "罚款金额【单位：万元】": "fine_amount",
        "没收违法所得、没收非法财物的金额": "confiscation_amount",
        "cf_jdrq": "decision_date",
        "处罚\n类别": "penalty_types",
    }
    rest = tuple(h for h in CF_CODES if CF_CODES[h] not in variants.values())
    result = mapped(tuple(variants) + rest)
    assert {h: result[h] for h in variants} == variants
    rest = tuple(h for h in CF_CODES if h != "CF_NR_FK")
    for spelling in ("罚款金额（万元）", "罚款金额(人民币万元)", "罚款金额"):
        assert mapped((spelling, *rest))[spelling] == "fine_amount"


def test_unit_other_than_the_fields_is_refused() -> None:
    error = refused(("罚款金额(元)", *CF_CODES))
    assert error.code == "header.unit"
    assert "万元" in error.message


def test_unknown_headers_are_kept_as_extra() -> None:
    columns = map_columns(("序号", *CF_CODES, "经办人"), items()["XZCF"])
    assert columns.fields[0] is None and columns.fields[-1] is None
    assert columns.unknown == ("序号", "经办人")


def test_duplicates() -> None:
    twice = refused(("CF_WSH", *CF_CODES))
    assert twice.code == "header.duplicate"
    two_columns = refused(("行政处罚决定书文号", *CF_CODES))
    assert two_columns.code == "header.duplicate"
    assert "行政处罚决定书文号" in two_columns.message and "CF_WSH" in two_columns.message
    same_header = refused((*CF_CODES, "序号", "序号 "))
    assert same_header.code == "header.duplicate"
    multiple = mapped((*CF_CODES, "处罚类别1", "处罚类别2"))  # a multiple field: allowed
    assert multiple["处罚类别1"] == multiple["CF_CFLB"] == "penalty_types"


def test_nothing_recognised() -> None:
    error = refused(("甲", "乙", "丙"))
    assert error.code == "header.unrecognised"
    assert "行政处罚" in error.message
    assert refused(tuple(CF_CODES), "XZXK").code == "header.missing"


def test_required_for_fields_may_be_absent_as_columns() -> None:
    subject_specific = ("uscc", "id_no", "id_type", "legal_rep")
    without = tuple(c for c in CF_CODES if CF_CODES[c] not in subject_specific)
    assert "uscc" not in mapped(without).values()


def test_a_departments_own_names_come_first() -> None:
    headers = (*(h for h in CF_CODES if h not in ("CF_WSH", "BZ")), "决定书编号", "CF_WSH")
    result = mapped(headers, **{"决定书编号": "doc_no", "CF_WSH": "remarks", "未出现": "facts"})
    assert (result["决定书编号"], result["CF_WSH"]) == ("doc_no", "remarks")
    error = refused((*CF_CODES, "自编列"), **{"自编列": "no_such_field"})
    assert error.code == "header.custom_invalid"


def test_alias_data_names_real_fields_without_clashes() -> None:
    for code, fields in ITEMS.items():
        keys = {spec.key for spec in items()[code].fields}
        assert set(fields) <= keys, code
        assert set(SUBJECT) <= keys, code
        assert set(V1_ABSENT[code]) <= keys, code
        assert all(spec.required for spec in items()[code].fields if spec.key in V1_ABSENT[code])
    assert header_key("（万元） ") == "(万元)"
    assert header_key("cf_wsh*") == "CF_WSH"


def test_every_catalogue_item_maps_its_own_names() -> None:
    for item in items().values():
        names = tuple(spec.name for spec in item.fields)
        columns = map_columns(names, item)
        assert columns.fields == tuple(spec.key for spec in item.fields), item.code


@pytest.mark.django_db
def test_custom_mapping_reads_the_organisations_rows() -> None:
    load_policy(default_policy_dir())
    organisation = Organisation.objects.filter(kind="department").order_by("pk")[0]
    other = Organisation.objects.filter(kind="department").order_by("pk")[1]
    penalties = CatalogItem.objects.get(code="XZCF")
    licences = CatalogItem.objects.get(code="XZXK")
    HeaderMapping.objects.create(
        organisation=organisation, item=penalties, header="决定书编号", field_key="doc_no"
    )
    HeaderMapping.objects.create(
        organisation=organisation, item=licences, header="许可文号", field_key="doc_no"
    )
    HeaderMapping.objects.create(
        organisation=other, item=penalties, header="案号", field_key="doc_no"
    )
    own = custom_mapping(organisation.pk, "XZCF")
    assert own == {"决定书编号": "doc_no"}
    headers = (*(h for h in CF_CODES if h != "CF_WSH"), "决定书编号")
    assert mapped(headers, **own)["决定书编号"] == "doc_no"
