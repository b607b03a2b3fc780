"""`xinyong policy load|check` and `xinyong catalog list`, as an operator runs them."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.catalog.conftest import Editor, table_counts

pytestmark = pytest.mark.django_db


def _run(*args: str, verbosity: int = 1) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, verbosity=verbosity)
    return out.getvalue(), err.getvalue()


def test_check_then_load_then_load_again() -> None:
    before = table_counts()
    out, _ = _run("policy", "check")
    assert "would be 198 new, 0 changed, 0 withdrawn, 0 unchanged" in out
    assert table_counts() == before

    out, _ = _run("policy", "load")
    assert "198 new, 0 changed, 0 withdrawn, 0 unchanged (load #" in out
    out, _ = _run("policy", "load")
    assert "0 new, 0 changed, 0 withdrawn, 198 unchanged" in out and "load #" not in out


def test_load_lists_changes_when_verbose(policy_dir: Path, edit_yaml: Editor) -> None:
    _run("policy", "load", str(policy_dir))
    edit_yaml("publication.yaml", lambda d: d["deadlines"][1].update(working_days=5))
    out, _ = _run("policy", "load", str(policy_dir), verbosity=2)
    assert "changed   deadline:objection_response@2023-05-01 v2" in out
    assert "0 new, 1 changed" in out


def test_load_json(policy_dir: Path) -> None:
    out, _ = _run("policy", "load", str(policy_dir), "--json")
    report = json.loads(out)
    assert report["ok"] and report["counts"]["new"] == 198 and report["load_id"]
    assert set(report["file_hashes"]) == {
        "districts.yaml",
        "departments.yaml",
        "catalog.yaml",
        "publication.yaml",
        "lists.yaml",
        "measures.yaml",
    }


def test_invalid_policy_exits_non_zero_with_every_issue(
    policy_dir: Path, edit_yaml: Editor
) -> None:
    edit_yaml("catalog.yaml", lambda d: d["items"][0].update(colour="red"))
    edit_yaml("departments.yaml", lambda d: d["organisations"][0].update(uscc="11120000MB0010372X"))
    before = table_counts()
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as caught:
        call_command("policy", "load", str(policy_dir), stdout=out, stderr=err)
    assert caught.value.code == 1
    assert table_counts() == before
    text = err.getvalue()
    assert "nothing loaded" in text
    assert "catalog.yaml: items[0].colour: " in text and "[schema.extra_forbidden]" in text
    assert "departments.yaml: organisations[0].uscc: " in text and "[uscc.check]" in text

    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("policy", "check", str(policy_dir), "--json", stdout=out, stderr=err)
    report = json.loads(out.getvalue())
    assert not report["ok"]
    places = [(i["file"], i["path"], i["reason"]) for i in report["issues"]]
    assert places == [
        ("departments.yaml", "organisations[0].uscc", "uscc.check"),
        ("catalog.yaml", "items[0].colour", "schema.extra_forbidden"),
    ]


def test_catalog_list() -> None:
    _run("policy", "load")
    out, _ = _run("catalog", "list")
    assert "XZCF" in out and "行政处罚" in out and "社会公开" in out and "17 items" in out
    assert "市级部门（全部）" in out

    listing = json.loads(_run("catalog", "list", "--json")[0])
    by_code = {item["code"]: item for item in listing}
    court = by_code["SXBZX"]
    assert court["disclosure"] == "public" and court["polarity"] == "negative"
    assert court["version"] == 1 and "natural_person" in court["subject_types"]
    assert {d["short_name"] for d in court["source_departments"]} >= {"市高级法院", "市一中院"}
    assert by_code["XZXK"]["source_kinds"] == ["department", "district"]
