"""Other names for catalogue fields in the column headers departments actually send.

Besides its national (v2) name and its key, a field is recognised by:

- its name in the older local "v1" templates (行政相对人代码_1…_5 and the v1 penalty and
  licence columns). The v1 code columns are numbered differently from v2's: v1's 代码_2 is
  the organisation code and 代码_3 the business registration number, where v2's order is
  工商注册号 before 组织机构代码 and some v2 templates number them 代码_2(工商注册号),
  代码_3(组织机构代码). Every spelling names its identifier in brackets, so mapping by the
  bracketed name is right for both and position is never used.
- its field code in the national 双公示 exchange standard: CF_* for 行政处罚, XK_* for 行政许可
  (v2 codes, and the v1 codes where they differ: CF_XDR_ZDM, CF_XDR_GSDJ, CF_XDR_SFZ, CF_FR,
  CF_JG, CF_XZJG, CF_CFLB1/2, XK_XDR, XK_XDR_ZDM, XK_JZQ, XK_XZJG, XK_SPLB …).

v1 columns without a v2 counterpart are deliberately absent and so kept as extra columns:
处罚名称/CF_CFMC and 项目名称/XK_XMMC (a case or project title, not the v2 违法行为类型 or
文书名称), 地方编码/DFBM, 数据更新时间戳/SJC, and the v1 penalty's 当前状态/CF_ZT (v2
penalties have no status field).

Keys are catalogue item codes, then field keys; a field of the shared subject block is listed
under SUBJECT and applies to every item that has it. Matching normalises both sides (see
mapping.header_key), so full-width brackets and spaces here do not matter.

A file with any of an item's V1_MARKERS headers is in the v1 layout, which never had a column
for the V1_ABSENT fields: they are not required as columns of such a file (cleaning then
infers the subject type from the identifiers, and leaves the rest empty).
"""

from __future__ import annotations

SUBJECT: dict[str, tuple[str, ...]] = {
    "uscc": (
        "行政相对人代码_1(统一社会信用代码)",
        "行政相对人代码-统一社会信用代码",
    ),
    "org_code": (
        "行政相对人代码_2(组织机构代码)",
        "行政相对人代码_3(组织机构代码)",
        "行政相对人代码-组织机构代码",
    ),
    "business_reg_no": (
        "行政相对人代码_3(工商登记码)",
        "行政相对人代码_3(工商注册号)",
        "行政相对人代码_2(工商注册号)",
        "行政相对人代码-工商注册号",
    ),
    "tax_reg_no": ("行政相对人代码_4(税务登记号)", "行政相对人代码-税务登记号"),
    "institution_cert_no": ("行政相对人代码_5(事业单位证书号)", "行政相对人代码-事业单位证书号"),
    "social_org_cert_no": ("行政相对人代码_6(社会组织登记证号)", "行政相对人代码-社会组织登记证号"),
    "legal_rep": ("法定代表人姓名", "法定代表人(负责人)"),
    "legal_rep_id_no": ("法定代表人身份证号",),
    "id_no": (
        "行政相对人代码_5(居民身份证号)",
        "居民身份证号",
        "行政相对人代码-相对人证件号码",
    ),
}

# The subject block's exchange codes, without their CF_ / XK_ prefix: (v2, v1 …).
_SUBJECT_CODES: dict[str, tuple[str, ...]] = {
    "subject_name": ("XDR_MC",),
    "subject_category": ("XDR_LB",),
    "uscc": ("XDR_SHXYM",),
    "business_reg_no": ("XDR_GSZC", "XDR_GSDJ"),
    "org_code": ("XDR_ZZJG", "XDR_ZDM"),
    "tax_reg_no": ("XDR_SWDJ",),
    "institution_cert_no": ("XDR_SYDW",),
    "social_org_cert_no": ("XDR_SHZZ",),
    "legal_rep": ("FRDB", "FR"),
    "legal_rep_id_type": ("FR_ZJLX",),
    "legal_rep_id_no": ("FR_ZJHM",),
    "id_type": ("XDR_ZJLX",),
    "id_no": ("XDR_ZJHM", "XDR_SFZ"),
}


def _codes(prefix: str, extra: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    merged = {key: tuple(prefix + code for code in codes) for key, codes in _SUBJECT_CODES.items()}
    for key, names in extra.items():
        merged[key] = merged.get(key, ()) + names
    return merged


ITEMS: dict[str, dict[str, tuple[str, ...]]] = {
    "XZCF": _codes(
        "CF_",
        {
            "doc_no": ("CF_WSH",),
            "violation_type": ("CF_WFXW",),
            "facts": ("处罚事由", "CF_SY"),
            "basis": ("CF_YJ",),
            "penalty_types": ("处罚类别1", "处罚类别2", "CF_CFLB", "CF_CFLB1", "CF_CFLB2"),
            "penalty_content": ("处罚结果", "CF_NR", "CF_JG"),
            "fine_amount": ("CF_NR_FK",),
            "confiscation_amount": ("CF_NR_WFFF",),
            "licence_revoked": ("CF_NR_ZKDX",),
            "decision_date": ("CF_JDRQ",),
            "penalty_valid_until": ("CF_YXQ",),
            "publication_until": ("CF_GSJZQ",),
            "authority": ("CF_CFJG", "CF_XZJG"),
            "authority_uscc": ("CF_CFJGDM",),
            "source_unit": ("CF_SJLY",),
            "source_unit_uscc": ("CF_SJLYDM",),
            "remarks": ("BZ",),
        },
    ),
    "XZXK": _codes(
        "XK_",
        {
            "subject_name": ("XK_XDR",),
            "doc_name": ("XK_XKWS",),
            "doc_no": ("行政许可决定书文号", "XK_WSH"),
            "licence_category": ("审批类别", "XK_XKLB", "XK_SPLB"),
            "cert_name": ("XK_XKZS",),
            "licence_no": ("XK_XKBH",),
            "content": ("XK_NR",),
            "decision_date": ("XK_JDRQ",),
            "valid_from": ("XK_YXQZ",),
            "valid_to": ("许可截止期", "XK_YXQZI", "XK_JZQ"),
            "authority": ("XK_XKJG", "XK_XZJG"),
            "authority_uscc": ("XK_XKJGDM",),
            "status": ("XK_ZT",),
            "source_unit": ("XK_LYDW",),
            "source_unit_uscc": ("XK_LYDWDM",),
            "remarks": ("BZ",),
        },
    ),
}


def aliases_for(item_code: str, field_key: str) -> tuple[str, ...]:
    """Every other name of `field_key` in item `item_code` (its v2 name and key aside)."""
    return SUBJECT.get(field_key, ()) + ITEMS.get(item_code, {}).get(field_key, ())


_V1_SUBJECT = (
    "行政相对人代码_1(统一社会信用代码)",
    "行政相对人代码_2(组织机构代码)",
    "行政相对人代码_3(工商登记码)",
    "行政相对人代码_4(税务登记号)",
    "行政相对人代码_5(居民身份证号)",
    "法定代表人姓名",
    "地方编码",
    "数据更新时间戳",
    "DFBM",
    "SJC",
)

V1_MARKERS: dict[str, tuple[str, ...]] = {
    "XZCF": (
        *_V1_SUBJECT,
        "处罚名称",
        "处罚类别1",
        "处罚类别2",
        "处罚事由",
        "处罚结果",
        "CF_CFMC",
        "CF_CFLB1",
        "CF_CFLB2",
        "CF_XDR_ZDM",
        "CF_XDR_GSDJ",
        "CF_XDR_SFZ",
        "CF_FR",
        "CF_JG",
        "CF_XZJG",
    ),
    "XZXK": (
        *_V1_SUBJECT,
        "行政许可决定书文号",
        "项目名称",
        "审批类别",
        "许可截止期",
        "XK_XMMC",
        "XK_SPLB",
        "XK_XDR",
        "XK_XDR_ZDM",
        "XK_XDR_GSDJ",
        "XK_XDR_SFZ",
        "XK_FR",
        "XK_JZQ",
        "XK_XZJG",
    ),
}
"""Headers that only the v1 layout uses."""

V1_ABSENT: dict[str, tuple[str, ...]] = {
    "XZCF": (
        "subject_category",
        "violation_type",
        "penalty_valid_until",
        "authority_uscc",
        "source_unit",
        "source_unit_uscc",
    ),
    "XZXK": (
        "subject_category",
        "doc_name",
        "valid_from",
        "authority_uscc",
        "source_unit",
        "source_unit_uscc",
    ),
}
"""The v2 fields that the v1 layout has no column for."""
