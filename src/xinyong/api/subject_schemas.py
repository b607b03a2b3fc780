"""Response bodies of the subjects read API (`/api/v1/subjects`): what a caller may see of a
subject, documented field by field in the OpenAPI schema.

Every value here has already been through the visibility rules and the masks of
`xinyong.records.public` and `xinyong.lists.public`: natural persons' names and ID numbers
are masked, whoever asks.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

View = Literal["public", "shared"]
ListKindCode = Literal["punishment", "incentive"]


class SubjectLinks(BaseModel):
    """Where a subject can be read: this API and the portal page."""

    api: str = Field(description="本接口中该主体的地址")
    page: str = Field(description="门户网站上该主体的信用信息页")


class SubjectHit(BaseModel):
    """One search result."""

    name: str = Field(description="名称；自然人姓名已脱敏")
    kind: str = Field(description="主体类别（中文名称）")
    kind_code: str = Field(
        description="主体类别代码：legal_person、individual_business、natural_person、"
        "government_organ、other_org"
    )
    code: str = Field(
        description="代码：统一社会信用代码，无则为旧代码；自然人为脱敏的公民身份号码"
    )
    code_label: str = Field(description="代码的名称，如“统一社会信用代码”")
    district: str = Field(description="所属行政区")
    status: str = Field(description="登记状态（吊销、注销）；正常时为空")
    public_records: int = Field(
        description="社会公开的信用记录条数（按公示规则，已到期、撤销的不计）"
    )
    uscc: str | None = Field(description="统一社会信用代码；自然人和无代码的主体为 null")
    public_id: str = Field(description="主体的公开编号（不含任何身份信息），可作为详情接口的 key")
    match: str = Field(
        description="命中原因：code、person、exact、prefix、substring、code_prefix、fuzzy"
    )
    on_lists: list[ListKindCode] = Field(
        description="主体当前所在的已公布名单类别：punishment 失信惩戒名单、"
        "incentive 守信激励名单；不在任何名单上时为空"
    )
    under_objection: bool = Field(
        description="主体有公示中的记录正在异议处理中（记录内容以异议处理结果为准）"
    )
    links: SubjectLinks


class PageLinks(BaseModel):
    """Neighbouring pages of the same search (null at either end)."""

    next: str | None = Field(description="下一页的地址")
    previous: str | None = Field(description="上一页的地址")


class SearchPage(BaseModel):
    """One page of search results, best matches first."""

    query: str = Field(description="实际查询的文本（去除首尾空白，最多 100 个字符）")
    page: int = Field(description="页码，从 1 开始")
    page_size: int = Field(description="每页条数")
    pages: int = Field(description="总页数")
    total: int = Field(description="结果总数；total_capped 为 true 时表示“至少”这么多")
    total_capped: bool = Field(description="结果超过 1000 条时为 true，此时只能翻阅前 1000 条")
    results: list[SubjectHit]
    links: PageLinks


class RecordField(BaseModel):
    """One catalogue field of a record, as shown (masked where the catalogue asks)."""

    key: str = Field(description="目录字段代码")
    name: str = Field(description="目录字段名称")
    value: str = Field(description="字段值（文本；个人信息已脱敏）")


class RecordOut(BaseModel):
    """One credit record."""

    doc_no: str = Field(description="决定文书号")
    department: str = Field(description="来源部门")
    decision_date: date = Field(description="决定日期")
    published_until: date | None = Field(description="公示（共享）截止日期；null 为长期")
    legal_basis: str = Field(description="法律依据")
    summary: str = Field(description="摘要")
    fields: list[RecordField] = Field(description="目录规定的各字段（主体身份字段除外）")
    under_objection: bool = Field(
        description="异议处理中：主体对该记录提出的异议尚未处理完毕（内容以处理结果为准）"
    )


class ItemRecords(BaseModel):
    """A subject's records under one catalogue item: `total` of them, the most recent
    `records` (at most 50)."""

    code: str = Field(description="目录项代码，如 XZCF")
    name: str = Field(description="目录项名称，如 行政处罚")
    disclosure: Literal["public", "authorised", "government"] = Field(
        description="公开方式：public 社会公开、authorised 授权查询、government 政务共享"
    )
    polarity: str = Field(description="信息性质：positive 守信、negative 失信、neutral 中性")
    description: str = Field(description="目录项说明")
    total: int = Field(description="该目录项下可见记录的总数")
    records: list[RecordOut] = Field(description="最近的记录，按决定日期倒序，最多 50 条")


class ListEntryOut(BaseModel):
    """One list membership: in force and published (entries that expired, were removed early,
    repaired or withdrawn, or are not yet published, are never here)."""

    list_type: str = Field(description="名单类型代码，如 market_serious_illegal")
    list_name: str = Field(description="名单名称，如 市场监督管理严重违法失信名单")
    kind: ListKindCode = Field(
        description="名单类别：punishment 失信惩戒名单、incentive 守信激励名单"
    )
    department: str = Field(description="认定部门")
    doc_no: str = Field(description="列入决定书文号")
    decision_date: date | None = Field(description="决定日期")
    starts_on: date = Field(description="列入日期")
    ends_on: date | None = Field(description="期满日期（当日起不再列入）；null 为未定期限")
    published_on: date = Field(description="公布日期")
    reason: str = Field(description="列入事由（认定的事实）")
    decision_basis: str = Field(description="列入决定援引的依据；未载明时为空")
    legal_basis: list[str] = Field(
        description="名单设立的法律依据（法律、法规、规章等的标题及条款）"
    )


class SubjectInfo(BaseModel):
    """A subject's basic information."""

    name: str = Field(description="名称；自然人姓名已脱敏")
    kind: str = Field(description="主体类别（中文名称）")
    kind_code: str = Field(description="主体类别代码")
    uscc: str | None = Field(description="统一社会信用代码；自然人和无代码的主体为 null")
    public_id: str = Field(description="主体的公开编号")
    masked_id: str | None = Field(description="自然人的脱敏公民身份号码（前 6 位和后 4 位）")
    district: str = Field(description="所属行政区")
    status: str = Field(description="登记状态（正常、吊销、注销）；自然人为空")
    former_names: list[str] = Field(description="曾用名")


class SubjectOut(BaseModel):
    """A subject and the records the caller may see, grouped by catalogue item."""

    view: View = Field(
        description="public：社会公开视图（匿名或一般令牌）；shared：政务共享视图"
        "（政府部门令牌，含授权查询和政务共享类记录，每次查询记入审计日志）"
    )
    subject: SubjectInfo
    records_total: int = Field(description="可见记录总数")
    items: list[ItemRecords] = Field(
        description="按目录项分组的记录：该类主体适用的每个可见目录项各一组（可能为空组）"
    )
    lists: list[ListEntryOut] = Field(
        description="主体当前所在的已公布名单条目，失信惩戒名单在前、列入日期近的在前"
        "（两种视图相同）"
    )
    links: SubjectLinks
