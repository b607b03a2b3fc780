"""Handing record events to whatever reacts to them: lists, evaluation, notices, peer feeds.

The pipeline writes a `RecordEvent` for every record it creates or versions, in the same
transaction as the record. `process_pending` gives pending events, in id order, to the
handlers registered for their kind, and marks them processed in the same transaction as the
handlers' own writes: a handler that fails leaves its events pending (the transaction rolls
back) and the next run retries them. A handler receives consecutive events of one kind at a
time, so it can work in sets too.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import groupby

from django.db import connection, transaction
from django.utils import timezone

from xinyong.records.models import EventKind, RecordEvent

logger = logging.getLogger(__name__)

Handler = Callable[[Sequence[RecordEvent]], None]

CHUNK = 900

_handlers: dict[str, list[Handler]] = {}


def register(kind: str, handler: Handler) -> None:
    """Call `handler` with the pending events of `kind` (in order). Registering the same
    handler twice for a kind is harmless."""
    if kind not in EventKind.values:
        raise ValueError(f"unknown record event kind {kind!r}")
    handlers = _handlers.setdefault(kind, [])
    if handler not in handlers:
        handlers.append(handler)


def handlers_for(kind: str) -> list[Handler]:
    return list(_handlers.get(kind, ()))


def log_events(events: Sequence[RecordEvent]) -> None:
    """The handler every kind has until later stages add theirs: one log line per run."""
    by_submission = Counter(event.submission_id for event in events)
    for submission_id, count in sorted(by_submission.items(), key=lambda kv: kv[0] or 0):
        logger.info("%s: %d event(s) of submission %s", events[0].kind, count, submission_id)


def register_logging_handlers() -> None:
    for kind in EventKind.values:
        register(kind, log_events)


def _pending_chunk() -> list[RecordEvent]:
    query = RecordEvent.objects.filter(processed_at__isnull=True).order_by("pk")
    if connection.vendor == "postgresql":
        # Two workers never take the same events; each takes the oldest it can.
        query = query.select_for_update(skip_locked=True)
    return list(query[:CHUNK])


def process_pending(limit: int | None = None) -> int:
    """Process pending events in order, a chunk per transaction; returns how many."""
    done = 0
    while limit is None or done < limit:
        with transaction.atomic():
            events = _pending_chunk()
            if not events:
                break
            for kind, group in groupby(events, key=lambda event: event.kind):
                run = list(group)
                for handler in handlers_for(kind):
                    handler(run)
            ids = [event.pk for event in events]
            RecordEvent.objects.filter(pk__in=ids).update(processed_at=timezone.now())
        done += len(events)
    return done
