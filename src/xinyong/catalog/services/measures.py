"""The list and measure policy in force at a moment, read from the policy version history.

A check must say which measures applied when it was made, and answer again `as_of` a past
moment with the policy of that moment. Both come from `PolicyVersion`, which is
append-only: the state at moment T is, for every list type, scenario and measure, its
latest version written by a load at or before T (nothing, if that version withdrew it).
The state is named by `PolicyState`: the id of the last load that changed it (a number
that only grows) and a SHA-256 fingerprint of what was in force.

Checks run at a thousand a second, so a state is read from the database once per process
and kept (`measure_policy`); asking which state is in force costs one small aggregate over
the policy loads.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from threading import Lock
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xinyong.catalog.models import PolicyLoad, PolicyVersion, VersionKind
from xinyong.catalog.schema import as_loose
from xinyong.catalog.schema_lists import ListTypeEntry, MeasureEntry, MeasureSource, ScenarioEntry
from xinyong.catalog.services.errors import PolicyLookupError
from xinyong.catalog.services.loading import MEASURE_SOURCES
from xinyong.core import rows

_KINDS = Q(kind__in=[VersionKind.LIST_TYPE, VersionKind.SCENARIO, VersionKind.MEASURE]) | Q(
    kind=VersionKind.SETTING, code=MEASURE_SOURCES
)
_CACHE_SIZE = 16


@dataclass(frozen=True)
class PolicyState:
    """Which list and measure policy a result was computed from: `version` is the id of
    the last policy load that changed it, `fingerprint` the SHA-256 of every (kind, code,
    version, content hash) then in force, `loaded_at` when that load ran."""

    version: int
    fingerprint: str
    loaded_at: datetime.datetime


@dataclass(frozen=True)
class ListTypeRule:
    """A list type as a version of the policy defined it."""

    version: int
    definition: ListTypeEntry

    @property
    def code(self) -> str:
        return self.definition.code

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def kind(self) -> str:
        return self.definition.kind


@dataclass(frozen=True)
class MeasureRule:
    """A measure as a version of the policy defined it, with the source it comes from."""

    version: int
    definition: MeasureEntry
    source: MeasureSource

    @property
    def code(self) -> str:
        return self.definition.code


@dataclass(frozen=True)
class MeasurePolicy:
    """List types, scenarios and measures in force in one `PolicyState`."""

    state: PolicyState
    list_types: dict[str, ListTypeRule]
    scenarios: dict[str, ScenarioEntry]
    measures: tuple[MeasureRule, ...]
    _by_pair: dict[tuple[str, str], tuple[MeasureRule, ...]] = field(repr=False)
    _by_grade: dict[str, tuple[MeasureRule, ...]] = field(repr=False)

    def list_type(self, code: str) -> ListTypeRule:
        found = self.list_types.get(code)
        if found is None:
            raise PolicyLookupError("lists.unknown_list_type", _("没有现行的名单类型 %s") % code)
        return found

    def scenario(self, code: str) -> ScenarioEntry:
        found = self.scenarios.get(code)
        if found is None:
            raise PolicyLookupError("lists.unknown_scenario", _("没有应用场景 %s") % code)
        return found

    def measures_for(self, scenario: str, list_types: Iterable[str]) -> list[MeasureRule]:
        """The measures that apply in `scenario` to a subject on `list_types`, in code
        order, each once; an unknown scenario is an error, never an empty answer."""
        self.scenario(scenario)
        found: dict[str, MeasureRule] = {}
        for code in list_types:
            for rule in self._by_pair.get((scenario, code), ()):
                found.setdefault(rule.code, rule)
        return [found[code] for code in sorted(found)]

    def grade_measures_in(self, scenario: str) -> tuple[MeasureRule, ...]:
        """The measures of `scenario` that follow an evaluation grade, in code order (none
        for most scenarios: then a check reads no grade)."""
        return self._by_grade.get(scenario, ())

    def measures_of(self, list_type: str) -> list[MeasureRule]:
        """Every measure that follows `list_type`, in any scenario (what a listing decision
        names)."""
        return [m for m in self.measures if list_type in m.definition.list_types]


def _load_key(at: datetime.datetime | None) -> tuple[int, object, int] | None:
    """The last policy load by `at` (any load: a few rows, read with one small aggregate on
    every check), its time and the number of loads; None before the first."""
    table = connection.ops.quote_name(PolicyLoad._meta.db_table)
    sql = f"SELECT MAX(id), MAX(loaded_at), COUNT(*) FROM {table}"  # noqa: S608 - no input
    params: list[Any] = []
    if at is not None:
        sql += " WHERE loaded_at <= %s"
        params.append(connection.ops.adapt_datetimefield_value(at))
    with rows.prepared_cursor() as cursor:
        cursor.execute(sql, params)
        last, when, count = cursor.fetchone() or (None, None, 0)
    return None if last is None else (int(last), when, int(count))


def _build(load_id: int) -> MeasurePolicy | None:
    """The list policy as it stood after load `load_id` (None: not loaded by then)."""
    latest: dict[tuple[str, str], tuple[int, Any, str]] = {}
    rows = PolicyVersion.objects.filter(_KINDS, load_id__lte=load_id).order_by("version")
    last_change = 0
    for kind, code, number, content, digest, load in rows.values_list(
        "kind", "code", "version", "content", "content_hash", "load_id"
    ):
        latest[(kind, code)] = (number, content, digest)
        last_change = max(last_change, load)
    if not last_change:
        return None
    loaded_at = PolicyLoad.objects.get(pk=last_change).loaded_at
    in_force = {key: value for key, value in latest.items() if value[1] is not None}
    parts = sorted((kind, code, n, digest) for (kind, code), (n, _c, digest) in in_force.items())
    fingerprint = hashlib.sha256(json.dumps(parts, separators=(",", ":")).encode()).hexdigest()
    setting = in_force.get((VersionKind.SETTING, MEASURE_SOURCES))
    loaded_sources = (as_loose(MeasureSource, raw) for raw in (setting[1] if setting else []))
    sources = {source.code: source for source in loaded_sources}
    list_types: dict[str, ListTypeRule] = {}
    scenarios: dict[str, ScenarioEntry] = {}
    measures: list[MeasureRule] = []
    for (kind, code), (number, content, _digest) in sorted(in_force.items()):
        if kind == VersionKind.LIST_TYPE:
            list_types[code] = ListTypeRule(number, as_loose(ListTypeEntry, content))
        elif kind == VersionKind.SCENARIO:
            scenarios[code] = as_loose(ScenarioEntry, content)
        elif kind == VersionKind.MEASURE:
            entry = as_loose(MeasureEntry, content)
            measures.append(MeasureRule(number, entry, sources[entry.source]))
    by_pair: dict[tuple[str, str], list[MeasureRule]] = {}
    by_grade: dict[str, list[MeasureRule]] = {}
    for rule in measures:
        for scenario in rule.definition.scenarios:
            for list_type in rule.definition.list_types:
                by_pair.setdefault((scenario, list_type), []).append(rule)
            if rule.definition.grade is not None:
                by_grade.setdefault(scenario, []).append(rule)
    return MeasurePolicy(
        state=PolicyState(last_change, fingerprint, loaded_at),
        list_types=list_types,
        scenarios=scenarios,
        measures=tuple(measures),
        _by_pair={key: tuple(rules) for key, rules in by_pair.items()},
        _by_grade={key: tuple(rules) for key, rules in by_grade.items()},
    )


_cache: dict[tuple[int, object, int], MeasurePolicy | None] = {}
_lock = Lock()


def measure_policy(at: datetime.datetime | None = None) -> MeasurePolicy:
    """The list and measure policy in force at moment `at` (now by default).

    Raises `PolicyLookupError` when no list policy had been loaded by then. A state is
    built once per process and kept, keyed by the last load, its time and the number of
    loads (ids alone can repeat after a rolled-back load on SQLite).
    """
    if at is not None and timezone.is_naive(at):
        raise ValueError("pass an aware datetime")
    key = _load_key(at)
    built = None
    if key is not None:
        with _lock:
            known, built = key in _cache, _cache.get(key)
        if not known:
            built = _build(key[0])
            with _lock:
                if len(_cache) >= _CACHE_SIZE:
                    _cache.pop(next(iter(_cache)))
                _cache[key] = built
    if built is None:
        raise PolicyLookupError(
            "lists.policy_not_loaded",
            _("%s 时尚未载入名单与奖惩措施政策") % (at or timezone.now()).isoformat(),
        )
    return built


def policy_state(at: datetime.datetime | None = None) -> PolicyState:
    """The `PolicyState` of the list and measure policy in force at `at` (now by default)."""
    return measure_policy(at).state
