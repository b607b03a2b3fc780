"""Answers other apps need from the loaded policy: which publication period applies to a
record, which severity class a penalty has, how many working days a deadline allows.

`PublicationRules.current()` reads the policy once; ingestion computes thousands of windows
from one snapshot. The module-level functions are the one-off forms.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.catalog.models import CatalogItem, Deadline, PolicySetting, PublicationRuleSet
from xinyong.catalog.schema import Item, Period, Rule, SeverityClass, as_loose
from xinyong.catalog.services.errors import PolicyLookupError


@dataclass(frozen=True)
class AppliedRule:
    """The publication rule for one record.

    `source` is "rule_set" (periods of `rule_set`, by severity) or "item" (the item's own
    rule, or its override where a law sets another period). With `until_field`, publication
    also ends on the date the record carries in that field, whichever comes first.
    """

    item_code: str
    severity: str | None
    source: str
    rule_set: str | None
    published: bool
    repair_after: Period | None
    ends_after: Period | None
    until_field: str | None

    def ends_on(self, decision_date: datetime.date) -> datetime.date | None:
        """The day publication ends by itself (None: not by the passing of time)."""
        return self.ends_after.add_to(decision_date) if self.ends_after else None

    def repair_from(self, decision_date: datetime.date) -> datetime.date:
        """The first day repair may be applied for (the decision date when the rule sets no
        minimum period: once the obligations are met)."""
        return self.repair_after.add_to(decision_date) if self.repair_after else decision_date


@dataclass(frozen=True)
class _RuleSet:
    code: str
    effective_from: datetime.date | None
    effective_to: datetime.date | None
    sectors: frozenset[str]
    rules: dict[str, Rule]

    def covers(self, day: datetime.date) -> bool:
        after_start = self.effective_from is None or self.effective_from <= day
        return after_start and (self.effective_to is None or day <= self.effective_to)


def _setting(key: str) -> object:
    row = PolicySetting.objects.filter(key=key, is_active=True).first()
    if row is None:
        raise PolicyLookupError("policy.not_loaded", _("尚未载入政策设置 %s") % key)
    return row.definition


class PublicationRules:
    """A snapshot of the loaded publication policy."""

    def __init__(
        self,
        items: dict[str, Item],
        rule_sets: list[_RuleSet],
        severities: list[SeverityClass],
        keep_own_rule: bool,
    ) -> None:
        self.items = items
        self.rule_sets = rule_sets
        self.severities = {s.key: s for s in severities}
        self.keep_own_rule = keep_own_rule

    @classmethod
    def current(cls) -> PublicationRules:
        """Read the policy in force from the database."""
        items = {
            row.code: as_loose(Item, row.definition)
            for row in CatalogItem.objects.filter(is_active=True)
        }
        rule_sets = [
            _RuleSet(
                code=row.code,
                effective_from=row.effective_from,
                effective_to=row.effective_to,
                sectors=frozenset(row.sectors),
                rules={k: as_loose(Rule, v) for k, v in row.definition["rules"].items()},
            )
            for row in PublicationRuleSet.objects.filter(is_active=True)
        ]
        raw_severities = _setting("severities")
        if not isinstance(raw_severities, list):
            raise PolicyLookupError("policy.not_loaded", _("严重程度设置无效"))
        severities = [as_loose(SeverityClass, s) for s in raw_severities]
        keep_own = _setting("old_records_keep_own_rule") is True
        return cls(items, rule_sets, severities, keep_own)

    def item(self, code: str) -> Item:
        found = self.items.get(code)
        if found is None:
            raise PolicyLookupError("catalog.unknown_item", _("目录中没有现行的目录项 %s") % code)
        return found

    def rule_set_for(self, day: datetime.date, sector: str | None = None) -> _RuleSet:
        """The set in force on `day`: one scoped to `sector` wins over an unscoped one."""
        candidates = [r for r in self.rule_sets if r.covers(day)]
        scoped = [r for r in candidates if sector is not None and sector in r.sectors]
        general = [r for r in candidates if not r.sectors]
        chosen = scoped or general
        if not chosen:
            raise PolicyLookupError(
                "publication.no_rule_set", _("%s 没有适用的公示规则") % day.isoformat()
            )
        return chosen[0]

    def rule_for(
        self,
        item_code: str,
        severity: str | None,
        decision_date: datetime.date,
        *,
        sector: str | None = None,
        as_of: datetime.date | None = None,
    ) -> AppliedRule:
        """The rule for a record of `item_code` decided on `decision_date`.

        `severity` is required for items published by severity and must be None for the
        others. `sector` is the source department's sector (for sector-scoped rule sets).
        When the policy says old records take today's rule, the rule set in force on `as_of`
        (default: today) applies to records decided before it.
        """
        item = self.item(item_code)
        publication = item.publication
        if publication.mode != "severity":
            if severity is not None:
                raise PolicyLookupError(
                    "publication.severity_not_applicable",
                    _("目录项 %s 不按严重程度公示") % item_code,
                )
            rule = publication.rule
            if rule is None:  # the schema requires it for these modes
                raise PolicyLookupError(
                    "publication.no_rule", _("目录项 %s 没有公示规则") % item_code
                )
            return AppliedRule(
                item_code,
                None,
                "item",
                None,
                rule.published,
                rule.repair_after,
                rule.ends_after,
                publication.field,
            )
        if severity is None or severity not in publication.severities:
            raise PolicyLookupError(
                "publication.unknown_severity",
                _("目录项 %(item)s 的严重程度应为 %(allowed)s 之一")
                % {"item": item_code, "allowed": "、".join(publication.severities)},
            )
        day = decision_date
        if not self.keep_own_rule:
            day = max(decision_date, as_of or timezone.localdate())
        rule_set = self.rule_set_for(day, sector)
        override = publication.overrides.get(severity)
        rule = override or rule_set.rules[severity]
        return AppliedRule(
            item_code,
            severity,
            "item" if override else "rule_set",
            rule_set.code,
            rule.published,
            rule.repair_after,
            rule.ends_after,
            None,
        )

    def severity_of(
        self, item_code: str, values: Iterable[str], declared: str | None = None
    ) -> str:
        """The severity class of a record of `item_code` whose type field (e.g. 处罚类别)
        holds `values`: the most serious class among them, raised to the class the
        department `declared` (by its name, e.g. 严重) if that is more serious."""
        item = self.item(item_code)
        rules = item.severity
        if rules is None:
            raise PolicyLookupError(
                "severity.not_applicable", _("目录项 %s 没有严重程度认定规则") % item_code
            )
        classes = []
        for value in values:
            severity = rules.by_type.get(value, rules.default)
            if severity is None:
                raise PolicyLookupError(
                    "severity.unknown_value",
                    _("%(item)s 的取值 %(v)s 无法认定严重程度") % {"item": item_code, "v": value},
                )
            classes.append(severity)
        if declared:
            by_name = {s.name: s.key for s in self.severities.values()}
            if declared not in by_name:
                raise PolicyLookupError(
                    "severity.unknown_declared", _("未知的严重程度 %s") % declared
                )
            classes.append(by_name[declared])
        if not classes:
            raise PolicyLookupError("severity.no_values", _("没有可据以认定严重程度的取值"))
        return max(classes, key=lambda key: self.severities[key].rank)


def publication_rule_for(
    item_code: str,
    severity: str | None,
    decision_date: datetime.date,
    *,
    sector: str | None = None,
    as_of: datetime.date | None = None,
) -> AppliedRule:
    """The publication rule for one record (see `PublicationRules.rule_for`)."""
    return PublicationRules.current().rule_for(
        item_code, severity, decision_date, sector=sector, as_of=as_of
    )


def penalty_severity(item_code: str, values: Iterable[str], declared: str | None = None) -> str:
    """The severity class of one record (see `PublicationRules.severity_of`)."""
    return PublicationRules.current().severity_of(item_code, values, declared)


@dataclass(frozen=True)
class DeadlineRule:
    """A deadline in working days and the range of event dates it applies to."""

    key: str
    name: str
    working_days: int
    effective_from: datetime.date
    effective_to: datetime.date | None


def deadline_for(key: str, on: datetime.date) -> DeadlineRule:
    """The deadline `key` (e.g. `double_publicity`) in force for an event dated `on`."""
    row = (
        Deadline.objects.filter(key=key, is_active=True, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .first()
    )
    if row is None:
        raise PolicyLookupError(
            "deadline.none", _("%(d)s 没有适用的时限 %(k)s") % {"d": on.isoformat(), "k": key}
        )
    return DeadlineRule(row.key, row.name, row.working_days, row.effective_from, row.effective_to)
