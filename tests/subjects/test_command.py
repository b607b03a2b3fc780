"""`xinyong subject find`: any code finds its subject; a person's number is never printed."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from .codes import citizen_id, org_code, uscc
from .helpers import link_ids

pytestmark = pytest.mark.django_db


def test_find_prints_masked_summaries(capsys: pytest.CaptureFixture[str]) -> None:
    org = link_ids("天津甲乙贸易有限公司", uscc=uscc(1)).subject
    person = link_ids("张三丰", citizen_id=citizen_id(2)).subject
    assert org is not None and person is not None
    call_command("subject", "find", org_code(1), citizen_id(2), "--json")
    out = capsys.readouterr().out
    found = json.loads(out)
    assert [f["subject"]["public_id"] for f in found] == [org.public_id, person.public_id]
    assert found[1]["code"] == citizen_id(2)[:6] + "*" * 8 + citizen_id(2)[-4:]
    assert found[1]["subject"]["name"] == "张**"
    assert found[1]["subject"]["citizen_id"] == found[1]["code"]
    assert found[1]["subject"]["names"][0]["name"] == "张**"
    assert {i["scheme"] for i in found[0]["subject"]["identifiers"]} == {"uscc", "org_code"}
    assert citizen_id(2) not in out and "张三丰" not in out and person.citizen_id_hash not in out


def test_find_exits_non_zero_when_a_code_is_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    link_ids(uscc=uscc(3))
    with pytest.raises(SystemExit) as exit_:
        call_command("subject", "find", uscc(3), uscc(4))
    assert exit_.value.code == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(uscc(3)) and lines[1] == f"{uscc(4)}\t未找到"
