"""Broken policy files: each is rejected with file, path and reason, and nothing is written."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.catalog.conftest import Editor, table_counts
from xinyong.catalog.services import PolicyError, PolicyIssue, load_policy

pytestmark = pytest.mark.django_db


def _item(data: Any, code: str) -> Any:
    return next(item for item in data["items"] if item["code"] == code)


def _field(item: Any, key: str) -> Any:
    return next(spec for spec in item["fields"] if spec["key"] == key)


def _rule_set(data: Any, code: str) -> Any:
    return next(r for r in data["rule_sets"] if r["code"] == code)


# (file, change to its data, expected path, expected reason)
Case = tuple[str, Callable[[Any], None], str, str]

CASES: dict[str, Case] = {
    "unknown key": (
        "catalog.yaml",
        lambda d: d["items"][0].update(colour="red"),
        "items[0].colour",
        "schema.extra_forbidden",
    ),
    "invalid USCC": (
        "departments.yaml",
        lambda d: d["organisations"][0].update(uscc=d["organisations"][0]["uscc"][:17] + "0"),
        "organisations[0].uscc",
        "uscc.check",
    ),
    "unknown department": (
        "catalog.yaml",
        lambda d: d["items"][2].update(source_departments=["nowhere"]),
        "items[2].source_departments[0]",
        "ref.unknown_department",
    ),
    "overlapping effective dates": (
        "publication.yaml",
        lambda d: _rule_set(d, "NDRC_ORDER_58").update(effective_to=datetime.date(2026, 6, 30)),
        "rule_sets[2].effective_from",
        "dates.overlap",
    ),
    "overlapping deadlines": (
        "publication.yaml",
        lambda d: d["deadlines"].insert(
            1, dict(d["deadlines"][0], effective_from=datetime.date(2024, 1, 1))
        ),
        "deadlines[1].effective_from",
        "dates.overlap",
    ),
    "missing legal basis": (
        "catalog.yaml",
        lambda d: d["items"][1].pop("legal_basis"),
        "items[1].legal_basis",
        "schema.missing",
    ),
    "empty legal basis": (
        "catalog.yaml",
        lambda d: d["items"][1].update(legal_basis=[]),
        "items[1].legal_basis",
        "schema.too_short",
    ),
    "zero period in an override": (
        "catalog.yaml",
        lambda d: d["items"][3]["publication"].update(
            overrides={
                "serious": {"published": True, "repair_after": None, "ends_after": {"months": 0}}
            }
        ),
        "items[3].publication.overrides.serious.ends_after",
        "period.empty",
    ),
    "repair after the end": (
        "publication.yaml",
        lambda d: d["rule_sets"][0]["rules"]["general"].update(repair_after={"years": 2}),
        "rule_sets[0].rules.general",
        "rule.repair_after_end",
    ),
    "unknown severity": (
        "catalog.yaml",
        lambda d: _item(d, "YZSX_SCJG")["publication"].update(severities=["grave"]),
        "items[3].publication.severities[0]",
        "ref.unknown_severity",
    ),
    "rule set without a severity": (
        "publication.yaml",
        lambda d: d["rule_sets"][1]["rules"].pop("minor"),
        "rule_sets[1].rules",
        "rule_set.missing_severity",
    ),
    "duplicate item code": (
        "catalog.yaml",
        lambda d: d["items"][1].update(code="XZXK"),
        "items[1].code",
        "duplicate.code",
    ),
    "unknown district": (
        "departments.yaml",
        lambda d: d["organisations"][-1].update(district="120199"),
        "organisations[56].district",
        "ref.unknown_district",
    ),
    "district code not quoted": (
        "districts.yaml",
        lambda d: d["districts"][0].update(code=120101),
        "districts[0].code",
        "schema.string_type",
    ),
    "unknown field set": (
        "catalog.yaml",
        lambda d: d["items"][0].update(field_sets=["subject", "nothing"]),
        "items[0].field_sets[1]",
        "ref.unknown_field_set",
    ),
    "decision date field not a date": (
        "catalog.yaml",
        lambda d: d["items"][0].update(decision_date_field="doc_no"),
        "items[0].decision_date_field",
        "field.not_date",
    ),
    "unknown amount field": (
        "catalog.yaml",
        lambda d: _item(d, "XZCF").update(amount_field="nothing"),
        "items[1].amount_field",
        "ref.unknown_field",
    ),
    "amount field not a decimal": (
        "catalog.yaml",
        lambda d: _item(d, "XZCF").update(amount_field="doc_no"),
        "items[1].amount_field",
        "field.not_decimal",
    ),
    "amount field not in 万元": (
        "catalog.yaml",
        lambda d: _field(_item(d, "XZCF"), "fine_amount").update(unit="元"),
        "items[1].amount_field",
        "field.amount_unit",
    ),
    "severity value not mapped": (
        "catalog.yaml",
        lambda d: _item(d, "XZCF")["severity"]["by_type"].pop("其他"),
        "items[1].severity.by_type",
        "severity.unmapped",
    ),
    "unknown subject type": (
        "catalog.yaml",
        lambda d: d["items"][0]["subject_types"].append("robot"),
        "items[0].subject_types[4]",
        "schema.literal_error",
    ),
    "enum without values": (
        "catalog.yaml",
        lambda d: d["field_sets"]["subject"][1].pop("values"),
        "field_sets.subject[1]",
        "field.values",
    ),
    "unknown sector in a rule set": (
        "publication.yaml",
        lambda d: _rule_set(d, "SAMR_ORDER_107").update(sectors=["markets"]),
        "rule_sets[1].sectors[0]",
        "ref.unknown_sector",
    ),
}


def _assert_rejected(directory: Path, expected: PolicyIssue | None = None) -> PolicyError:
    before = table_counts()
    with pytest.raises(PolicyError) as caught:
        load_policy(directory)
    assert table_counts() == before
    if expected is not None:
        found = [(i.file, i.path, i.reason) for i in caught.value.issues]
        assert (expected.file, expected.path, expected.reason) in found, found
        issue = next(i for i in caught.value.issues if i.path == expected.path)
        assert issue.message and str(issue).startswith(f"{expected.file}: {expected.path}: ")
    return caught.value


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_broken_file_is_rejected_and_nothing_written(
    case: str, policy_dir: Path, edit_yaml: Editor
) -> None:
    file, change, path, reason = CASES[case]
    edit_yaml(file, change)
    _assert_rejected(policy_dir, PolicyIssue(file, path, reason, ""))


def test_rejected_over_an_existing_load_changes_nothing(
    policy_dir: Path, edit_yaml: Editor
) -> None:
    load_policy(policy_dir)
    edit_yaml("catalog.yaml", lambda d: d["items"][0].update(name="改过的名称", colour="red"))
    _assert_rejected(policy_dir)


def test_bad_yaml_names_the_line(policy_dir: Path) -> None:
    path = policy_dir / "catalog.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - {code: [unclosed\n", encoding="utf-8")
    error = _assert_rejected(policy_dir)
    (issue,) = error.issues
    assert issue.file == "catalog.yaml" and issue.reason == "yaml.syntax"
    assert issue.path.startswith("第 ") and "行" in issue.path


def test_a_key_given_twice_is_rejected(policy_dir: Path) -> None:
    path = policy_dir / "districts.yaml"
    text = path.read_text(encoding="utf-8").replace(
        '{code: "120101", name: 和平区}', '{code: "120101", name: 和平区, name: 河平区}'
    )
    path.write_text(text, encoding="utf-8")
    (issue,) = _assert_rejected(policy_dir).issues
    assert (issue.file, issue.reason) == (
        "districts.yaml",
        "yaml.syntax",
    ) and "name" in issue.message


def test_every_file_is_reported_at_once(policy_dir: Path, edit_yaml: Editor) -> None:
    edit_yaml("districts.yaml", lambda d: d["abolished"][0].update(successor="120199"))
    edit_yaml("catalog.yaml", lambda d: d["items"][0].update(polarity="good"))
    (policy_dir / "publication.yaml").unlink()
    issues = _assert_rejected(policy_dir).issues
    found = {(i.file, i.path, i.reason) for i in issues}
    assert found >= {
        ("districts.yaml", "abolished[0].successor", "ref.unknown_district"),
        ("catalog.yaml", "items[0].polarity", "schema.literal_error"),
        ("publication.yaml", "", "file.missing"),
    }


def test_a_directory_that_does_not_exist(tmp_path: Path) -> None:
    (issue,) = _assert_rejected(tmp_path / "absent").issues
    assert issue.reason == "policy.no_directory"


def test_messages_are_in_chinese(policy_dir: Path, edit_yaml: Editor) -> None:
    edit_yaml("catalog.yaml", lambda d: d["items"][0].update(colour="red"))
    (issue,) = _assert_rejected(policy_dir).issues
    assert issue.message == "不允许的键（拼写错误或不支持的设置）"
