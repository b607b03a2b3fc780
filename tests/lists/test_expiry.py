"""The daily removal: idempotent, correct when late, and the command that runs it."""

from __future__ import annotations

import datetime
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from tests.lists.conftest import D, Staff, company, decision, notice
from xinyong.core import audit
from xinyong.lists.models import ListEntry, ListEntryStep
from xinyong.lists.services import (
    ListError,
    daily,
    decide,
    entries_in_force,
    expire_entries,
    notify,
)

pytestmark = pytest.mark.django_db
MARKET = "market_serious_illegal"


class _Undo(Exception):
    pass


def _world(staff: Staff) -> dict[str, str]:
    """Entries ending on 2026-01-05 and 2026-03-10, and one in force until 2029."""
    made = {}
    for n, (served, decided) in enumerate(
        [("2022-12-20", "2023-01-05"), ("2023-02-24", "2023-03-10"), ("2026-09-30", "2026-10-14")],
        start=1,
    ):
        entry = notify(staff.market, subject=company(n), list_type=MARKET, notice=notice(served))
        entry = decide(staff.market, entry, decision(decided, doc_no=f"期满-{n}"))
        made[decided] = entry.public_id
    return made


def _outcome() -> dict[str, Any]:
    rows = ListEntry.objects.values_list("public_id", "state", "removal_kind", "removed_on")
    steps = ListEntryStep.objects.filter(kind="removal").values_list("entry__public_id", "on")
    return {"entries": sorted(rows), "steps": sorted(steps)}


def test_run_late_or_twice_gives_the_same_lists(staff: Staff) -> None:
    made = _world(staff)
    with pytest.raises(_Undo), transaction.atomic():
        # On time: each day as it comes.
        assert expire_entries(D("2026-01-04")).removed == ()
        assert expire_entries(D("2026-01-05")).removed == (made["2023-01-05"],)
        assert expire_entries(D("2026-03-10")).removed == (made["2023-03-10"],)
        on_time = _outcome()
        raise _Undo
    assert ListEntry.objects.filter(removed_at__isnull=False).count() == 0

    late = expire_entries()  # today: months after both ends
    assert set(late.removed) == {made["2023-01-05"], made["2023-03-10"]}
    assert _outcome() == on_time
    assert dict(
        ListEntry.objects.filter(removal_kind="expired").values_list("public_id", "removed_on")
    ) == {made["2023-01-05"]: D("2026-01-05"), made["2023-03-10"]: D("2026-03-10")}

    again = expire_entries()
    assert again.removed == () and _outcome() == on_time
    remaining = entries_in_force(ListEntry.objects.values_list("subject_id", flat=True))
    assert [e.public_id for found in remaining.values() for e in found] == [made["2026-10-14"]]
    actions = [e.action for e in audit.entries_for("lists.listentry", made["2023-01-05"])]
    assert actions[-1] == "list_entry.expire"


def test_expiry_refuses_a_day_in_the_future(staff: Staff) -> None:
    _world(staff)
    with pytest.raises(ListError) as caught:
        expire_entries(timezone.localdate() + datetime.timedelta(days=1))
    assert caught.value.reason == "lists.future_date"
    assert ListEntry.objects.filter(removed_at__isnull=False).count() == 0


def test_the_command_and_the_daily_job(staff: Staff) -> None:
    made = _world(staff)
    out = StringIO()
    call_command("lists", "expire", "--as-of", "2026-01-05", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"as_of": "2026-01-05", "removed": [made["2023-01-05"]]}
    out = StringIO()
    call_command("lists", "expire", stdout=out)
    assert "1 removed" in out.getvalue()
    assert daily(timezone.localdate()) == {"expired": 0, "deadlines_settled": 0}
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("lists", "expire", "--as-of", "05/01/2026")
    with pytest.raises(CommandError, match=r"lists\.future_date"):
        call_command("lists", "expire", "--as-of", "2999-01-01")
