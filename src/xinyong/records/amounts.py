"""`Record.amount` for records stored before their item named its amount field.

The pipeline derives each version's amount from the item version its submission was made
against (`ingest.windows`). Records stored before the policy gave their item an
`amount_field`, or while it named another field, get theirs here from their current
version's data: after a policy load that changed an item's amount field (`xinyong policy
load` calls `follow_policy`), and once by the migration that added the column.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from xinyong.catalog.models import CatalogItem
from xinyong.core import audit, bulk
from xinyong.records.ingest.windows import record_amount
from xinyong.records.models import Record

CHUNK = 5_000
"""Records read and written per transaction: bounded memory and short locks on a big table."""
ACTION = "record.refill_amounts"


def amount_fields() -> dict[int, str | None]:
    """Each catalogue item's amount field as the current policy names it, by item id."""
    return {
        pk: (definition or {}).get("amount_field")
        for pk, definition in CatalogItem.objects.values_list("pk", "definition")
    }


def fill_amounts(
    record_model: type[models.Model], fields: Mapping[int, str | None], chunk: int = CHUNK
) -> int:
    """Set the amount of every record of the items in `fields` (item id → amount field, None:
    no amount) from its current version; returns how many records changed. Takes the record
    model so that the migration can pass its historical one."""
    changed = 0
    for item_id, key in fields.items():
        last = 0
        while True:
            rows = list(
                record_model._default_manager.filter(item_id=item_id, pk__gt=last)
                .order_by("pk")
                .values_list("pk", "amount", "current_version__data")[:chunk]
            )
            if not rows:
                break
            last = rows[-1][0]
            updates = _updates(rows, key)
            with transaction.atomic():
                bulk.update_by_id(record_model, ("amount",), updates)
            changed += len(updates)
    return changed


def _updates(rows: list[tuple[Any, ...]], key: str | None) -> list[list[object]]:
    updates: list[list[object]] = []
    for pk, stored, data in rows:
        amount: Decimal | None = record_amount((data or {}).get(key)) if key else None
        if amount != stored:
            updates.append([pk, amount])
    return updates


def follow_policy(before: Mapping[int, str | None]) -> int:
    """Refill the items whose amount field the policy changed since `before` (what
    `amount_fields` returned ahead of the load); one audit entry per item whose records
    changed."""
    now = amount_fields()
    moved = {pk: key for pk, key in now.items() if before.get(pk) != key}
    changed = 0
    codes = dict(CatalogItem.objects.filter(pk__in=moved).values_list("pk", "code"))
    for item_id, key in moved.items():
        count = fill_amounts(Record, {item_id: key})
        if not count:
            continue
        audit.record(
            ACTION,
            "catalog_item",
            codes[item_id],
            before={"amount_field": before.get(item_id)},
            after={"amount_field": key, "records_changed": count},
        )
        changed += count
    return changed
