"""The audit chain: appends, verification, and detection of edits and removals."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command
from django.db import connection

from xinyong.core import audit
from xinyong.core.context import Actor, acting_as
from xinyong.core.models import AuditEntry
from xinyong.core.models.audit import AppendOnlyError

pytestmark = pytest.mark.django_db


def _append(n: int) -> None:
    with acting_as(Actor(label="clerk", user_id=7, organisation_id=3, request_id="r1")):
        audit.record_many(
            [
                audit.AuditEvent("thing.change", "thing", str(i), {"v": i}, {"v": i + 1})
                for i in range(n)
            ]
        )


def test_entries_chain_and_carry_the_actor() -> None:
    _append(3)
    audit.record("thing.read", "thing", 1, purpose="核查")
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert entries[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.entry_hash for a, b in itertools.pairwise(entries))
    assert entries[0].actor_label == "clerk" and entries[0].organisation_id == 3
    assert entries[3].actor_label == "system" and entries[3].purpose == "核查"
    assert audit.verify() == (4, None)


def test_orm_refuses_changes() -> None:
    _append(1)
    entry = AuditEntry.objects.get()
    entry.action = "forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def _raw(sql: str, params: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_edited_row_is_named() -> None:
    _append(5)
    _raw(f"UPDATE {AuditEntry._meta.db_table} SET after = %s WHERE seq = 3", ['{"v": 99}'])
    checked, broken = audit.verify()
    assert checked == 2 and broken is not None and broken.seq == 3
    assert "hash" in broken.reason


def test_deleted_row_is_named() -> None:
    _append(5)
    _raw(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = 2", [])
    _, broken = audit.verify()
    assert broken is not None and broken.seq == 2 and "missing" in broken.reason


def test_deleted_tail_is_caught_by_the_head() -> None:
    _append(5)
    _raw(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = 5", [])
    _, broken = audit.verify()
    assert broken is not None and broken.seq == 5


def test_command_exits_non_zero_on_a_broken_chain(capsys: pytest.CaptureFixture[str]) -> None:
    _append(3)
    call_command("audit", "verify")
    assert "3" in capsys.readouterr().out
    _raw(f"UPDATE {AuditEntry._meta.db_table} SET action = %s WHERE seq = 2", ["forged"])
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    assert "#2" in capsys.readouterr().err
