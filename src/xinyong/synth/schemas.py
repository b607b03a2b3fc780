"""Header rows of the files departments send, and what kind of value each column holds.

v2 is the current national (Credit China) field set; v1 the older local template, whose
代码_2/代码_3 hold the organisation code and the registration number — the reverse of the
order of v2's 工商注册号 and 组织机构代码 columns.
"""

from __future__ import annotations

from dataclasses import dataclass

SUBJECT_V2 = (
    "行政相对人名称",
    "行政相对人类别",
    "统一社会信用代码",
    "工商注册号",
    "组织机构代码",
    "税务登记号",
    "事业单位证书号",
    "社会组织登记证号",
    "法定代表人",
    "法定代表人证件类型",
    "法定代表人证件号码",
    "证件类型",
    "证件号码",
)

LICENCE_V2 = (
    *SUBJECT_V2,
    "行政许可决定文书名称",
    "行政许可决定文书号",
    "许可类别",
    "许可证书名称",
    "许可编号",
    "许可内容",
    "许可决定日期",
    "有效期自",
    "有效期至",
    "许可机关",
    "许可机关统一社会信用代码",
    "当前状态",
    "数据来源单位",
    "数据来源单位统一社会信用代码",
    "备注",
)

FINE = "罚款金额（万元）"
CONFISCATED = "没收违法所得、没收非法财物的金额（万元）"

PENALTY_V2 = (
    *SUBJECT_V2,
    "行政处罚决定书文号",
    "违法行为类型",
    "违法事实",
    "处罚依据",
    "处罚类别",
    "处罚内容",
    FINE,
    CONFISCATED,
    "暂扣或吊销证照名称及编号",
    "处罚决定日期",
    "处罚有效期",
    "公示截止期",
    "处罚机关",
    "处罚机关统一社会信用代码",
    "数据来源单位",
    "数据来源单位统一社会信用代码",
    "备注",
)

CODE_1 = "行政相对人代码_1(统一社会信用代码)"
CODE_2 = "行政相对人代码_2(组织机构代码)"
CODE_3 = "行政相对人代码_3(工商登记码)"
CODE_4 = "行政相对人代码_4(税务登记号)"
CODE_5 = "行政相对人代码_5(居民身份证号)"

PENALTY_V1 = (
    "行政处罚决定书文号",
    "处罚名称",
    "处罚类别1",
    "处罚类别2",
    "处罚事由",
    "处罚依据",
    "行政相对人名称",
    CODE_1,
    CODE_2,
    CODE_3,
    CODE_4,
    CODE_5,
    "法定代表人姓名",
    "处罚结果",
    "处罚决定日期",
    "处罚机关",
    "当前状态",
    "地方编码",
    "数据更新时间戳",
    "备注",
)

# Where each v2 field of a penalty lands in a v1 file (fields without a v1 column are dropped).
V2_TO_V1 = {
    "行政处罚决定书文号": "行政处罚决定书文号",
    "违法事实": "处罚事由",
    "处罚依据": "处罚依据",
    "行政相对人名称": "行政相对人名称",
    "统一社会信用代码": CODE_1,
    "组织机构代码": CODE_2,
    "工商注册号": CODE_3,
    "税务登记号": CODE_4,
    "证件号码": CODE_5,
    "法定代表人": "法定代表人姓名",
    "处罚内容": "处罚结果",
    "处罚决定日期": "处罚决定日期",
    "处罚机关": "处罚机关",
}

DATE_FIELDS = frozenset(
    {"许可决定日期", "有效期自", "有效期至", "处罚决定日期", "处罚有效期", "公示截止期"}
)
AMOUNT_FIELDS = frozenset({FINE, CONFISCATED})
CODE_FIELDS = frozenset(
    {
        "统一社会信用代码",
        "工商注册号",
        "组织机构代码",
        "税务登记号",
        "法定代表人证件号码",
        "证件号码",
        "许可机关统一社会信用代码",
        "处罚机关统一社会信用代码",
        "数据来源单位统一社会信用代码",
        CODE_1,
        CODE_2,
        CODE_3,
        CODE_4,
        CODE_5,
    }
)
# Free text that people type, where trailing spaces creep in.
TYPED_FIELDS = frozenset(
    {
        "行政相对人名称",
        "法定代表人",
        "法定代表人姓名",
        "许可内容",
        "处罚内容",
        "处罚结果",
        "违法行为类型",
    }
)


@dataclass(frozen=True, slots=True)
class Schema:
    """One file layout: its name in the manifest and its header row."""

    name: str
    headers: tuple[str, ...]


LICENCE_V2_SCHEMA = Schema("xzxk_v2", LICENCE_V2)
PENALTY_V2_SCHEMA = Schema("xzcf_v2", PENALTY_V2)
PENALTY_V1_SCHEMA = Schema("xzcf_v1", PENALTY_V1)
