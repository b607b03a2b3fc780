"""Loading the Tianjin policy: what it holds, idempotence, versions, withdrawal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.catalog.conftest import Editor, table_counts
from xinyong.accounts.models import Organisation, OrganisationKind
from xinyong.catalog.models import (
    CatalogItem,
    PolicyLoad,
    PolicyVersion,
    VersionKind,
)
from xinyong.catalog.services import default_policy_dir, item_definition, list_items, load_policy
from xinyong.core import audit
from xinyong.core.context import Actor, acting_as
from xinyong.core.identifiers import IdKind, check, make_uscc
from xinyong.core.models import AuditEntry, District
from xinyong.core.models.audit import AppendOnlyError

pytestmark = pytest.mark.django_db

REQUIRED_ITEMS = {
    "XZXK",  # 行政许可
    "XZCF",  # 行政处罚
    "JYYC",  # 经营异常名录
    "YZSX_SCJG",  # 严重失信主体名单: 市场监管
    "YZSX_SW",  # 税务
    "YZSX_AQSC",  # 安全生产
    "YZSX_LDBZ",  # 劳动保障
    "SXBZX",  # 失信被执行人
    "NSXY_A",  # 纳税信用A级
    "SXJL",  # 守信激励名单
    "XYCN",  # 信用承诺
    "TQNMGGZ",  # 拖欠农民工工资
    "SHBXQJ",  # 社会保险欠缴
    "NSXYPJ",  # 纳税信用评价结果 (授权查询)
    "SBJF",  # 社会保险参保缴费情况 (授权查询)
    "WBXYCN",  # 违背信用承诺
    "ZYZG_DX",  # 职业资格吊销
}


def test_tianjin_policy_loads_whole() -> None:
    with acting_as(Actor(label="operator")):
        report = load_policy(default_policy_dir())
    assert report.load_id is not None and report.count("new") == len(report.changes)

    assert District.objects.filter(is_current=True).count() == 16
    abolished = {
        d.code: d.successor.code for d in District.objects.filter(is_current=False) if d.successor
    }
    assert abolished["120107"] == abolished["120108"] == abolished["120109"] == "120116"
    assert abolished["120225"] == "120119" and abolished["120221"] == "120117"

    orgs = Organisation.objects.all()
    municipal = [o for o in orgs if o.kind in (OrganisationKind.DEPARTMENT, OrganisationKind.COURT)]
    assert len(municipal) >= 30
    assert orgs.filter(kind=OrganisationKind.CREDIT_OFFICE).count() == 1
    governments = orgs.filter(kind=OrganisationKind.DISTRICT).select_related("district")
    assert sorted(g.district.code for g in governments if g.district) == sorted(
        District.objects.filter(is_current=True).values_list("code", flat=True)
    )
    assert all(check(o.uscc, IdKind.USCC).valid for o in orgs)
    assert all(o.uscc[:2] == "11" for o in orgs)
    assert orgs.filter(kind=OrganisationKind.COURT).count() >= 4

    items = {item.code: item for item in list_items()}
    assert items.keys() >= REQUIRED_ITEMS
    for code in REQUIRED_ITEMS:
        summary, definition = items[code], item_definition(code)
        assert definition.legal_basis and all(b.title for b in definition.legal_basis)
        assert summary.source_departments or summary.source_kinds
        assert summary.subject_types and summary.disclosure and summary.polarity
        assert summary.version == 1
        assert definition.fields and all(f.name and f.key for f in definition.fields)
        assert {f.key for f in definition.fields} >= set(definition.natural_key)

    xzcf = item_definition("XZCF")
    assert xzcf.publication.severities == ["minor", "general", "serious"]
    assert xzcf.severity is not None and xzcf.severity.by_type["吊销许可证件"] == "serious"
    names = [f.name for f in xzcf.fields]
    assert names[0] == "行政相对人名称" and names[-1] == "备注" and "罚款金额" in names
    # The amount evaluation filters on (Record.amount): the fine, or the arrears owed.
    amounts = {code: item_definition(code).amount_field for code in items}
    assert {code: key for code, key in amounts.items() if key} == {
        "XZCF": "fine_amount",
        "YZSX_LDBZ": "arrears_amount",
        "TQNMGGZ": "arrears_amount",
        "SHBXQJ": "arrears_amount",
    }

    revoked = item_definition("ZYZG_DX")
    assert revoked.subject_types == ["natural_person"]
    name_field = next(f for f in revoked.fields if f.key == "person_name")
    assert name_field.mask is not None and name_field.mask.style == "person_name"
    assert all(f.personal for f in revoked.fields if f.key == "id_no")
    assert items["SXBZX"].source_departments and all(
        Organisation.objects.get(uscc=d.uscc).kind == OrganisationKind.COURT
        for d in items["SXBZX"].source_departments
    )
    # Every disclosure class is in use: 授权查询 by the items lenders read with consent.
    assert {i.disclosure for i in items.values()} == {"public", "authorised", "government"}
    assert items["NSXYPJ"].disclosure == items["SBJF"].disclosure == "authorised"
    assert {i.polarity for i in items.values()} == {"positive", "negative", "neutral"}


def test_each_change_and_the_load_are_audited() -> None:
    with acting_as(Actor(label="operator", user_id=None)):
        report = load_policy(default_policy_dir())
    entries = list(AuditEntry.objects.order_by("seq"))
    assert len(entries) == len(report.changes) + 1
    assert entries[-1].action == "policy.load" and entries[-1].object_id == str(report.load_id)
    created = [e for e in entries if e.action == "catalog_item.create"]
    assert len(created) == CatalogItem.objects.count()
    assert all(e.actor_label == "operator" for e in entries)
    load = PolicyLoad.objects.get()
    assert load.actor_label == "operator" and set(load.file_hashes) == {
        "districts.yaml",
        "departments.yaml",
        "catalog.yaml",
        "publication.yaml",
        "lists.yaml",
        "measures.yaml",
    }
    assert audit.verify() == (len(entries), None)


def test_loading_twice_changes_nothing(policy_dir: Path) -> None:
    load_policy(policy_dir)
    before = table_counts()
    again = load_policy(policy_dir)
    assert not again.changed_anything and again.load_id is None
    assert again.count("unchanged") == len(again.changes)
    assert table_counts() == before


def test_an_edited_item_gets_a_new_version_and_keeps_the_old(
    policy_dir: Path, edit_yaml: Editor
) -> None:
    load_policy(policy_dir)
    before = table_counts()

    def rename(data: Any) -> None:
        item = next(i for i in data["items"] if i["code"] == "XZCF")
        item["name"] = "行政处罚信息"

    edit_yaml("catalog.yaml", rename)
    report = load_policy(policy_dir)
    changed = [c for c in report.changes if c.status != "unchanged"]
    assert [(c.kind, c.code, c.status, c.version) for c in changed] == [
        (VersionKind.CATALOG_ITEM, "XZCF", "changed", 2)
    ]
    versions = PolicyVersion.objects.filter(kind="catalog_item", code="XZCF").order_by("version")
    assert [(v.version, (v.content or {})["name"]) for v in versions] == [
        (1, "行政处罚"),
        (2, "行政处罚信息"),
    ]
    item = CatalogItem.objects.get(code="XZCF")
    assert item.name == "行政处罚信息" and item.current_version.version == 2
    after = table_counts()
    assert after["PolicyVersion"] == before["PolicyVersion"] + 1
    assert after["PolicyLoad"] == before["PolicyLoad"] + 1
    assert after["AuditEntry"] == before["AuditEntry"] + 2  # the item, and the load
    entry = audit.entries_for("catalog.catalogitem", item.pk)[-1]
    assert entry.action == "catalog_item.update"
    assert entry.before is not None and entry.before["definition"]["name"] == "行政处罚"
    assert entry.after is not None and entry.after["definition"]["name"] == "行政处罚信息"


def test_a_shared_field_set_change_versions_every_item_using_it(
    policy_dir: Path, edit_yaml: Editor
) -> None:
    load_policy(policy_dir)
    edit_yaml("catalog.yaml", lambda data: data["field_sets"]["source"][2].update(max_length=800))
    report = load_policy(policy_dir)
    changed = {c.code for c in report.changes if c.status == "changed"}
    assert changed == {i.code for i in list_items()}  # every item closes with the source block


def test_a_removed_item_is_withdrawn_and_can_come_back(policy_dir: Path, edit_yaml: Editor) -> None:
    load_policy(policy_dir)
    original = (policy_dir / "catalog.yaml").read_text(encoding="utf-8")
    edit_yaml("catalog.yaml", lambda data: data["items"].pop())  # ZYZG_DX is last
    report = load_policy(policy_dir)
    assert [(c.code, c.status) for c in report.changes if c.status != "unchanged"] == [
        ("ZYZG_DX", "withdrawn")
    ]
    item = CatalogItem.objects.get(code="ZYZG_DX")
    assert not item.is_active and item.current_version.content is None
    assert "ZYZG_DX" not in {i.code for i in list_items()}
    assert "ZYZG_DX" in {i.code for i in list_items(include_withdrawn=True)}

    (policy_dir / "catalog.yaml").write_text(original, encoding="utf-8")
    back = load_policy(policy_dir)
    assert [(c.code, c.status, c.version) for c in back.changes if c.status != "unchanged"] == [
        ("ZYZG_DX", "new", 3)
    ]
    assert CatalogItem.objects.get(code="ZYZG_DX").is_active


def test_a_real_code_replaces_a_synthetic_one_in_place(policy_dir: Path, edit_yaml: Editor) -> None:
    load_policy(policy_dir)
    tax = Organisation.objects.get(short_name="市税务局")
    real = make_uscc("1", "1", "120000", "MA05T0K1")

    def replace(data: Any) -> None:
        next(o for o in data["organisations"] if o["key"] == "tax")["uscc"] = real

    edit_yaml("departments.yaml", replace)
    report = load_policy(policy_dir)
    assert [(c.code, c.status) for c in report.changes if c.status != "unchanged"] == [
        ("tax", "changed")
    ]
    tax.refresh_from_db()
    assert tax.uscc == real
    assert set(CatalogItem.objects.get(code="NSXY_A").source_departments.all()) == {tax}


def test_a_drifted_row_is_restored_without_a_new_version(policy_dir: Path) -> None:
    load_policy(policy_dir)
    Organisation.objects.filter(short_name="市统计局").update(name="改名")
    versions = PolicyVersion.objects.count()
    report = load_policy(policy_dir)
    assert [(c.code, c.status) for c in report.changes if c.status != "unchanged"] == [
        ("statistics", "changed")
    ]
    assert Organisation.objects.get(short_name="市统计局").name == "天津市统计局"
    assert PolicyVersion.objects.count() == versions


def test_an_existing_organisation_is_adopted() -> None:
    seeded = Organisation.objects.create(
        uscc="11120000MB0011113Y", name="市场监管", kind=OrganisationKind.DEPARTMENT
    )
    load_policy(default_policy_dir())
    seeded.refresh_from_db()
    assert seeded.name == "天津市市场监督管理委员会" and seeded.sector == "market_regulation"
    assert Organisation.objects.filter(uscc=seeded.uscc).count() == 1
    assert audit.entries_for("accounts.organisation", seeded.pk)[-1].action == "organisation.update"


def test_yaml_anchors_and_merge_keys_are_allowed(policy_dir: Path) -> None:
    path = policy_dir / "catalog.yaml"
    rule = "rule: {published: true, repair_after: null, ends_after: null}"
    text = path.read_text(encoding="utf-8")
    assert text.count(rule) == 3
    first = text.index(rule)
    text = text[:first] + "rule: &open " + text[first + 6 :]
    text = text.replace(rule, "rule: {<<: *open}")
    path.write_text(text, encoding="utf-8")
    assert load_policy(policy_dir).count("new") == load_policy(default_policy_dir()).count(
        "unchanged"
    )


def test_versions_cannot_be_rewritten() -> None:
    load_policy(default_policy_dir())
    version = PolicyVersion.objects.filter(kind="catalog_item").first()
    assert version is not None
    version.content = {"forged": True}
    with pytest.raises(AppendOnlyError):
        version.save()
    with pytest.raises(AppendOnlyError):
        version.delete()
