"""List types, scenarios and measures as policy: what Tianjin's set holds, validation on
load, and the version history that `as_of` answers from."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.catalog.conftest import Editor
from tests.lists.conftest import measure_codes
from xinyong.catalog.models import ListType, Measure, PolicyVersion, Scenario
from xinyong.catalog.schema_lists import FOUNDING_LEVELS
from xinyong.catalog.services import (
    PolicyError,
    PolicyLookupError,
    default_policy_dir,
    load_policy,
    measure_policy,
    policy_state,
)
from xinyong.core.models import AuditEntry

pytestmark = pytest.mark.django_db

SCENARIOS = {
    "administrative_licensing": "行政许可",
    "government_procurement": "政府采购",
    "public_bidding": "招标投标",
    "fiscal_funding": "财政资金补助",
    "honours": "评优评先",
    "land_transfer": "国有土地出让",
    "financing": "融资信贷",
    "professional_qualification": "职业资格",
}


def test_the_tianjin_lists_and_measures(var_dir: Path) -> None:
    load_policy(default_policy_dir())
    types = {t.code: t for t in ListType.objects.prefetch_related("deciding_departments")}
    assert {t.kind for t in types.values()} == {"punishment", "incentive"}
    assert len([t for t in types.values() if t.kind == "punishment"]) >= 5
    assert types["court_dishonest_debtor"].source == "exchanged"
    assert types["court_dishonest_debtor"].deciding_sectors == ["courts"]
    assert [o.short_name for o in types["market_serious_illegal"].deciding_departments.all()] == [
        "市市场监管委"
    ]
    assert types["market_serious_illegal"].notice_working_days == 5
    for row in types.values():
        levels = {basis["level"] for basis in row.definition["legal_basis"]}
        assert levels & FOUNDING_LEVELS, row.code
    assert (
        dict(Scenario.objects.filter(code__in=SCENARIOS).values_list("code", "name")) == SCENARIOS
    )

    measures = Measure.objects.prefetch_related("list_types", "scenarios")
    assert measures.count() >= 40 and measures.filter(kind="reward").exists()
    for measure in measures:
        definition = measure.definition
        listed = definition.get("list_types", [])  # none: it follows a grade (G01–G03)
        assert {t.code for t in measure.list_types.all()} == set(listed)
        assert {s.code for s in measure.scenarios.all()} == set(definition["scenarios"])
        wanted = "punishment" if measure.kind == "punishment" else "incentive"
        assert {t.kind for t in measure.list_types.all()} == ({wanted} if listed else set())
        assert bool(listed) != ("grade" in definition)
        assert definition["legal_basis"] and definition["source"]


def test_a_measure_never_fires_outside_its_scenarios_or_list_types(var_dir: Path) -> None:
    load_policy(default_policy_dir())
    policy = measure_policy()
    assert measure_codes(
        policy.measures_for("government_procurement", ["court_dishonest_debtor"])
    ) == ["C07"]
    assert measure_codes(policy.measures_for("land_transfer", ["tax_credit_a"])) == []
    assert measure_codes(policy.measures_for("honours", ["tax_credit_a", "customs_aeo"])) == [
        "J06",
        "J16",
    ]
    for scenario in policy.scenarios:
        for list_type in policy.list_types:
            for rule in policy.measures_for(scenario, [list_type]):
                assert scenario in rule.definition.scenarios
                assert list_type in rule.definition.list_types
    for rule in policy.measures:
        for scenario in rule.definition.scenarios:
            if rule.definition.grade is not None:
                assert rule in policy.grade_measures_in(scenario)
            else:
                assert rule in policy.measures_for(scenario, rule.definition.list_types)
    with pytest.raises(PolicyLookupError) as caught:
        policy.measures_for("everywhere", ["court_dishonest_debtor"])
    assert caught.value.reason == "lists.unknown_scenario"


def _list_type(data: Any, code: str) -> Any:
    return next(t for t in data["list_types"] if t["code"] == code)


def _measure(data: Any, code: str) -> Any:
    return next(m for m in data["measures"] if m["code"] == code)


NORMATIVE = [{"title": "某规范性文件", "level": "normative"}]

# (file, change to its data, expected path, expected reason)
Case = tuple[str, Callable[[Any], None], str, str]
CASES: dict[str, Case] = {
    "list type without legal basis": (
        "lists.yaml",
        lambda d: d["list_types"][0].pop("legal_basis"),
        "list_types[0].legal_basis",
        "schema.missing",
    ),
    "list type on a normative document alone": (
        "lists.yaml",
        lambda d: d["list_types"][0].update(legal_basis=NORMATIVE),
        "list_types[0]",
        "list_type.no_founding_basis",
    ),
    "local list without a local regulation": (
        "lists.yaml",
        lambda d: _list_type(d, "credit_honour")["legal_basis"].pop(),
        "list_types[8]",
        "list_type.local_without_regulation",
    ),
    "punishment list without a response period": (
        "lists.yaml",
        lambda d: d["list_types"][0].pop("notice_working_days"),
        "list_types[0]",
        "list_type.notice_required",
    ),
    "exchanged list with a response period": (
        "lists.yaml",
        lambda d: _list_type(d, "court_dishonest_debtor").update(notice_working_days=5),
        "list_types[2]",
        "list_type.notice_exchanged",
    ),
    "early removal no sooner than the end": (
        "lists.yaml",
        lambda d: d["list_types"][0]["early_removal"].update(minimum={"years": 3}),
        "list_types[0]",
        "list_type.early_after_end",
    ),
    "unknown deciding department": (
        "lists.yaml",
        lambda d: d["list_types"][0].update(decided_by={"departments": ["nowhere"]}),
        "list_types[0].decided_by.departments[0]",
        "ref.unknown_department",
    ),
    "unknown catalogue item": (
        "lists.yaml",
        lambda d: d["list_types"][0]["record"].update(item="NOPE"),
        "list_types[0].record.item",
        "ref.unknown_item",
    ),
    "catalogue item of the other polarity": (
        "lists.yaml",
        lambda d: _list_type(d, "tax_credit_a")["record"].update(item="YZSX_SW"),
        "list_types[6].record.item",
        "list_type.item_polarity",
    ),
    "catalogue item from another department": (
        "lists.yaml",
        lambda d: d["list_types"][0]["record"].update(item="YZSX_AQSC"),
        "list_types[0].record.item",
        "list_type.item_sources",
    ),
    "mapped field that is not a date": (
        "lists.yaml",
        lambda d: d["list_types"][0]["record"].update(removal_date="listing_reason"),
        "list_types[0].record.removal_date",
        "field.not_date",
    ),
    "measure for an unknown list type": (
        "measures.yaml",
        lambda d: _measure(d, "C01").update(list_types=["blacklist"]),
        "measures[0].list_types[0]",
        "ref.unknown_list_type",
    ),
    "measure in an unknown scenario": (
        "measures.yaml",
        lambda d: _measure(d, "C01").update(scenarios=["everywhere"]),
        "measures[0].scenarios[0]",
        "ref.unknown_scenario",
    ),
    "measure without scenarios": (
        "measures.yaml",
        lambda d: _measure(d, "C01").update(scenarios=[]),
        "measures[0].scenarios",
        "schema.too_short",
    ),
    "punishment for an incentive list": (
        "measures.yaml",
        lambda d: _measure(d, "C01").update(list_types=["tax_credit_a"]),
        "measures[0].list_types[0]",
        "measure.kind_mismatch",
    ),
    "punishment on a normative document alone": (
        "measures.yaml",
        lambda d: _measure(d, "C01").update(legal_basis=NORMATIVE),
        "measures[0]",
        "measure.no_founding_basis",
    ),
    "measure without legal basis": (
        "measures.yaml",
        lambda d: _measure(d, "J01").pop("legal_basis"),
        "measures[40].legal_basis",
        "schema.missing",
    ),
    "unknown source": (
        "measures.yaml",
        lambda d: _measure(d, "C01").update(source="nowhere"),
        "measures[0].source",
        "ref.unknown_source",
    ),
    "unknown implementing sector": (
        "measures.yaml",
        lambda d: _measure(d, "C03")["implemented_by"].update(sectors=["markets"]),
        "measures[2].implemented_by.sectors[0]",
        "ref.unknown_sector",
    ),
    "scenario code given twice": (
        "measures.yaml",
        lambda d: d["scenarios"].append(dict(d["scenarios"][0], name="另一个名称")),
        "scenarios[14].code",
        "duplicate.code",
    ),
}


def _counts() -> dict[str, int]:
    models = (ListType, Scenario, Measure, PolicyVersion, AuditEntry)
    return {m.__name__: m._default_manager.count() for m in models}


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_broken_lists_and_measures_are_rejected(
    case: Case, policy_dir: Path, edit_yaml: Editor, var_dir: Path
) -> None:
    file, change, path, reason = case
    load_policy(policy_dir)
    before = _counts()
    edit_yaml(file, change)
    with pytest.raises(PolicyError) as caught:
        load_policy(policy_dir)
    assert (file, path, reason) in [(i.file, i.path, i.reason) for i in caught.value.issues]
    assert _counts() == before


def test_a_policy_without_measures_is_incomplete(policy_dir: Path, var_dir: Path) -> None:
    (policy_dir / "measures.yaml").unlink()
    with pytest.raises(PolicyError) as caught:
        load_policy(policy_dir)
    assert ("measures.yaml", "", "file.missing") in [
        (i.file, i.path, i.reason) for i in caught.value.issues
    ]
    assert ListType.objects.count() == 0


def test_reloading_keeps_every_version_and_as_of_reads_them(
    policy_dir: Path, edit_yaml: Editor, var_dir: Path
) -> None:
    with pytest.raises(PolicyLookupError) as caught:
        measure_policy()
    assert caught.value.reason == "lists.policy_not_loaded"
    load_policy(policy_dir)
    first = policy_state()
    loaded = timezone.now()

    edit_yaml("measures.yaml", lambda d: _measure(d, "C01").update(text="修改后的措施内容"))
    edit_yaml("measures.yaml", lambda d: d["measures"].remove(_measure(d, "J19")))
    edit_yaml(
        "measures.yaml",
        lambda d: d["scenarios"].append({"code": "market_access", "name": "市场准入"}),
    )
    edit_yaml("measures.yaml", lambda d: _measure(d, "C33")["scenarios"].append("market_access"))
    report = load_policy(policy_dir)
    changes = {(c.kind, c.code): (c.status, c.version) for c in report.changes}
    assert changes[("measure", "C01")] == ("changed", 2)
    assert changes[("measure", "J19")] == ("withdrawn", 2)
    assert changes[("scenario", "market_access")] == ("new", 1)

    assert [
        v.content is None for v in PolicyVersion.objects.filter(kind="measure", code="J19")
    ] == [
        False,
        True,
    ]
    assert not Measure.objects.get(code="J19").is_active
    assert set(Measure.objects.get(code="C33").scenarios.values_list("code", flat=True)) == {
        "administrative_licensing",
        "market_access",
    }
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"measure.update", "measure.withdraw", "scenario.create"} <= actions

    now, then = measure_policy(), measure_policy(loaded)
    assert then.state == first and now.state.version > first.version
    assert now.state.fingerprint != first.fingerprint
    c01_then = next(r for r in then.measures if r.code == "C01")
    c01_now = next(r for r in now.measures if r.code == "C01")
    assert (c01_then.version, c01_now.version) == (1, 2)
    assert c01_now.definition.text == "修改后的措施内容" != c01_then.definition.text
    assert "J19" in measure_codes(list(then.measures)) and "J19" not in measure_codes(
        list(now.measures)
    )
    assert measure_codes(now.measures_for("market_access", ["wage_arrears"])) == ["C33"]
    with pytest.raises(PolicyLookupError):
        then.measures_for("market_access", ["wage_arrears"])
    with pytest.raises(PolicyLookupError):
        measure_policy(loaded - datetime.timedelta(days=1))


def test_a_load_that_leaves_lists_alone_keeps_their_state(
    policy_dir: Path, edit_yaml: Editor, var_dir: Path
) -> None:
    load_policy(policy_dir)
    before = policy_state()
    edit_yaml("catalog.yaml", lambda d: d["items"][0].update(description="改过的说明"))
    assert load_policy(policy_dir).load_id is not None
    assert policy_state() == before
