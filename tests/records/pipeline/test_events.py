"""Record events reach their handlers in order, once, and stay pending when a handler fails."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

import pytest

from xinyong.accounts.models import Organisation
from xinyong.records import events
from xinyong.records.ingest.storage import Run, store_batch
from xinyong.records.ingest.types import CleanRow
from xinyong.records.models import RecordEvent

from .helpers import penalty, submission


@pytest.fixture
def seen() -> Iterator[list[tuple[str, int]]]:
    got: list[tuple[str, int]] = []

    def handler(batch: Sequence[RecordEvent]) -> None:
        got.extend((event.kind, event.record_id) for event in batch)

    saved = {kind: list(handlers) for kind, handlers in events._handlers.items()}
    for kind in ("record.created", "record.versioned"):
        events.register(kind, handler)
    yield got
    events._handlers.clear()
    events._handlers.update(saved)


def _land(organisation: Organisation, rows: list[CleanRow]) -> None:
    run = Run.start(submission(organisation, received=date(2026, 5, 7)), rerun=False)
    store_batch(run, rows)


def test_events_are_handled_in_order_and_once(
    department: Organisation, seen: list[tuple[str, int]]
) -> None:
    _land(department, [penalty(n, subject=n) for n in range(1, 4)])
    _land(department, [penalty(1, fine="3")])
    assert events.process_pending() == 4
    created = [e for e in seen if e[0] == "record.created"]
    assert len(created) == 3 and seen[-1][0] == "record.versioned"
    assert [pk for pk in RecordEvent.objects.order_by("pk").values_list("record", flat=True)] == [
        record for _kind, record in seen
    ]
    assert events.process_pending() == 0
    assert not RecordEvent.objects.filter(processed_at__isnull=True).exists()


def test_a_failing_handler_leaves_its_events_pending(department: Organisation) -> None:
    def broken(batch: Sequence[RecordEvent]) -> None:
        raise RuntimeError("handler failed")

    saved = {kind: list(handlers) for kind, handlers in events._handlers.items()}
    events.register("record.created", broken)
    try:
        _land(department, [penalty(1)])
        with pytest.raises(RuntimeError):
            events.process_pending()
        assert RecordEvent.objects.filter(processed_at__isnull=True).count() == 1
    finally:
        events._handlers.clear()
        events._handlers.update(saved)


def test_unknown_kinds_cannot_be_registered() -> None:
    with pytest.raises(ValueError, match="unknown record event kind"):
        events.register("record.exploded", lambda batch: None)
