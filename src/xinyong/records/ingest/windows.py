"""The facts a record derives from its content and the policy: severity, amount, publication
window, earliest repair date, and timeliness (working days from decision to receipt).

One `Deriver` per run takes a snapshot of the publication policy and of the working-day
calendar, so thousands of rows cost no query; the timeliness deadline is looked up once per
effective-dated rule, not per row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from xinyong.catalog.schema import Item
from xinyong.catalog.services import (
    AppliedRule,
    DeadlineRule,
    PolicyLookupError,
    PublicationRules,
    deadline_for,
)
from xinyong.core.calendar import WorkingCalendar
from xinyong.records.ingest.types import RowError, Value

LONG_TERM = date(2099, 12, 31)
"""`有效期至 2099-12-31` means long-term (RULES.md): no end of publication by that date."""

TIMELINESS_DEADLINES = {"XZXK": "double_publicity", "XZCF": "double_publicity"}
"""Catalogue item → the deadline (publication.yaml `deadlines`) its records are measured
against. 双公示 (licences and penalties) must be published within 7 working days; the
other items have no receipt deadline in the policy yet."""


AMOUNT_QUANTUM = Decimal("0.0001")
"""`Record.amount`'s precision: 0.0001 万元 is one yuan."""
AMOUNT_LIMIT = Decimal(10) ** 12
"""`Record.amount` holds 12 integer digits (万元): a larger amount, which cleaning lets
through as a number but no real fine reaches, is left out (NULL) rather than fail the batch."""


def record_amount(value: object) -> Decimal | None:
    """`Record.amount` for the value of an item's amount field (a cleaned Decimal, or its
    stored decimal text): to the yuan, None when absent or out of range."""
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except ArithmeticError:
            return None
    if not isinstance(value, Decimal) or not value.is_finite() or abs(value) >= AMOUNT_LIMIT:
        return None
    rounded = value.quantize(AMOUNT_QUANTUM, ROUND_HALF_UP)
    return rounded if abs(rounded) < AMOUNT_LIMIT else None


@dataclass(frozen=True, slots=True)
class Derived:
    """What a record's version implies (stored on `Record`)."""

    decision_date: date
    severity: str
    published: bool
    publication_ends: date | None
    repair_from: date | None
    timeliness_days: int
    timeliness_provisional: bool
    late: bool
    amount: Decimal | None = None


MAX_DERIVED = 50_000
"""Cached derivations per run before the cache starts over: bounds memory on huge files."""


class DerivationError(Exception):
    """The policy has no answer for this row: the row is rejected with `error`."""

    def __init__(self, error: RowError) -> None:
        super().__init__(error.message)
        self.error = error


class Deriver:
    """Computes `Derived` for the rows of one submission."""

    def __init__(
        self,
        item: Item,
        *,
        sector: str | None,
        received: date,
        rules: PublicationRules,
        calendar: WorkingCalendar,
    ) -> None:
        self.item = item
        self.sector = sector or None
        self.received = received
        self.rules = rules
        self.calendar = calendar
        self.deadline_key = TIMELINESS_DEADLINES.get(item.code)
        self._deadlines: list[DeadlineRule] = []
        self._no_deadline: set[date] = set()
        # A file holds a few type combinations and a few hundred decision dates: each answer
        # of the policy is computed once (errors are not cached: they reject their row).
        self._severities: dict[tuple[tuple[str, ...], str | None], str | None] = {}
        self._rules: dict[tuple[str | None, date], AppliedRule] = {}
        self._derived: dict[tuple[Any, ...], Derived] = {}
        # The only field besides the decision date and the penalty types that a rule reads.
        self._until_fields = [item.publication.field] if item.publication.field else []

    def _deadline(self, decided: date) -> int | None:
        """Working days allowed for a decision of `decided` (None: no deadline applies)."""
        if self.deadline_key is None or decided in self._no_deadline:
            return None
        for rule in self._deadlines:
            if rule.effective_from <= decided and (
                rule.effective_to is None or decided <= rule.effective_to
            ):
                return rule.working_days
        try:
            rule = deadline_for(self.deadline_key, decided)
        except PolicyLookupError:
            self._no_deadline.add(decided)
            return None
        self._deadlines.append(rule)
        return rule.working_days

    def _severity(self, values: Mapping[str, Value]) -> str | None:
        rules = self.item.severity
        if self.item.publication.mode != "severity":
            return None
        if rules is None:  # severity-published items without a type field: one class
            return self.item.publication.severities[0]
        raw = values.get(rules.type_field)
        types = tuple(raw) if isinstance(raw, list) else ((str(raw),) if raw else ())
        value = values.get(rules.declared_field) if rules.declared_field else None
        declared = str(value) if value else None
        cached = self._severities.get((types, declared), "")
        if cached == "":
            cached = self.rules.severity_of(self.item.code, types, declared)
            self._severities[(types, declared)] = cached
        return cached

    def _rule(self, severity: str | None, decided: date) -> AppliedRule:
        rule = self._rules.get((severity, decided))
        if rule is None:
            rule = self.rules.rule_for(
                self.item.code, severity, decided, sector=self.sector, as_of=self.received
            )
            self._rules[(severity, decided)] = rule
        return rule

    def derive(self, values: Mapping[str, Value], first_received: date) -> Derived:
        """The record's derived facts; DerivationError when the policy cannot answer.

        Timeliness is measured to `first_received`, the day the record first arrived: a
        correction sent later does not make a prompt record late."""
        field = self.item.decision_date_field
        decided = values.get(field)
        if not isinstance(decided, date):
            raise DerivationError(RowError(field, "row.decision_date", _("缺少决定日期")))
        # The answer depends on these inputs only; a file repeats few combinations of them.
        key = self._inputs(values, decided, first_received)
        derived = self._derived.get(key)
        if derived is None:
            derived = self._compute(values, decided, first_received)
            if len(self._derived) >= MAX_DERIVED:
                self._derived.clear()
            self._derived[key] = derived
        # The amount is the row's own: outside the cache, whose keys would rarely repeat.
        amount_field = self.item.amount_field
        amount = record_amount(values.get(amount_field)) if amount_field else None
        return derived if amount is None else replace(derived, amount=amount)

    def _inputs(
        self, values: Mapping[str, Value], decided: date, first_received: date
    ) -> tuple[Any, ...]:
        severity = self.item.severity
        types = values.get(severity.type_field) if severity else None
        declared = (
            values.get(severity.declared_field) if severity and severity.declared_field else None
        )
        until = [values.get(f) for f in self._until_fields]
        return (
            decided,
            first_received,
            tuple(types) if isinstance(types, list) else types,
            declared,
            *until,
        )

    def _compute(self, values: Mapping[str, Value], decided: date, first_received: date) -> Derived:
        field = self.item.decision_date_field
        try:
            severity = self._severity(values)
            rule = self._rule(severity, decided)
        except PolicyLookupError as exc:
            key = self.item.severity.type_field if self.item.severity else field
            raise DerivationError(RowError(key, exc.reason, exc.message)) from exc
        ends = rule.ends_on(decided)
        if rule.until_field:
            until = values.get(rule.until_field)
            if isinstance(until, date) and until < LONG_TERM:
                ends = until if ends is None else min(ends, until)
        days, provisional = self.calendar.working_days_between_provisional(decided, first_received)
        allowed = self._deadline(decided)
        return Derived(
            decision_date=decided,
            severity=severity or "",
            published=rule.published,
            publication_ends=ends,
            repair_from=rule.repair_from(decided),
            timeliness_days=days,
            timeliness_provisional=provisional,
            late=allowed is not None and days > allowed,
        )
