"""Loading a policy directory into the database: validated first, idempotent, versioned.

`load_policy` reads and validates every file (`read_policy`), then, in one transaction,
compares each object with its latest `PolicyVersion` and its current row. An unchanged
object writes nothing. A changed one gets a new version (old versions stay) and its row is
brought up to date; an object the policy no longer defines is withdrawn (catalogue items,
rule sets, deadlines, settings, list types, scenarios, measures; districts and
organisations are kept, since other data points at them). Every change is audited, plus one
entry for the load itself.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction
from django.utils.translation import gettext as _
from pydantic import BaseModel

from xinyong.accounts.models import Organisation
from xinyong.catalog.models import (
    CatalogItem,
    Deadline,
    ListType,
    Measure,
    PolicyLoad,
    PolicyObject,
    PolicySetting,
    PolicyVersion,
    PublicationRuleSet,
    Scenario,
    VersionKind,
)
from xinyong.catalog.services.errors import PolicyError, PolicyIssue
from xinyong.catalog.services.files import PolicyBundle, read_policy
from xinyong.core import audit
from xinyong.core.context import current_actor
from xinyong.core.models import District

NEW, CHANGED, UNCHANGED, WITHDRAWN = "new", "changed", "unchanged", "withdrawn"
MEASURE_SOURCES = "measure_sources"
"""The setting that holds measures.yaml's sources (editions of the basic list, memoranda)."""
_PG_LOCK_KEY = 0x706F6C69  # "poli": one policy load at a time on PostgreSQL


@dataclass(frozen=True)
class Change:
    """What a load did (or, checking, would do) to one policy object."""

    kind: str
    code: str
    status: str
    version: int | None


@dataclass(frozen=True)
class LoadReport:
    """The outcome of a load or a check: every object's status and the load's id, if one
    was recorded (None when nothing changed or when only checking)."""

    directory: str
    file_hashes: dict[str, str]
    changes: tuple[Change, ...]
    load_id: int | None
    dry_run: bool

    def count(self, status: str) -> int:
        return sum(1 for change in self.changes if change.status == status)

    @property
    def changed_anything(self) -> bool:
        return any(change.status != UNCHANGED for change in self.changes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "directory": self.directory,
            "file_hashes": self.file_hashes,
            "load_id": self.load_id,
            "dry_run": self.dry_run,
            "counts": {s: self.count(s) for s in (NEW, CHANGED, WITHDRAWN, UNCHANGED)},
            "changes": [vars(c) for c in self.changes if c.status != UNCHANGED],
        }


def content_hash(content: Any) -> str:
    """SHA-256 of the canonical JSON form, so key order and spacing never count as change."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# -- what the policy defines ---------------------------------------------------------------


@dataclass(frozen=True)
class _Desired:
    kind: str
    code: str
    content: Any


def _json(model: BaseModel, **options: Any) -> Any:
    """A policy object as stored: values left at their defaults are omitted, so a release
    that adds an optional setting does not make every unchanged object a new version."""
    return model.model_dump(mode="json", exclude_defaults=True, **options)


def _desired_objects(bundle: PolicyBundle) -> list[_Desired]:
    """Every object of the policy as JSON, in the order rows must be written."""
    city = bundle.districts.city
    out = [_Desired(VersionKind.SETTING, "city", city.model_dump(mode="json"))]
    for d in bundle.districts.districts:
        content = {"code": d.code, "name": d.name, "is_current": True, "successor": None}
        out.append(_Desired(VersionKind.DISTRICT, d.code, content))
    for gone in bundle.districts.abolished:
        content = {"code": gone.code, "name": gone.name, "is_current": False}
        out.append(
            _Desired(VersionKind.DISTRICT, gone.code, content | {"successor": gone.successor})
        )
    for org in bundle.departments.organisations:
        out.append(_Desired(VersionKind.ORGANISATION, org.key, org.model_dump(mode="json")))
    publication = bundle.publication
    severities = [_json(s) for s in publication.severities]
    out.append(_Desired(VersionKind.SETTING, "severities", severities))
    keep_own = publication.old_records_keep_own_rule
    out.append(_Desired(VersionKind.SETTING, "old_records_keep_own_rule", keep_own))
    for rule_set in publication.rule_sets:
        out.append(_Desired(VersionKind.RULE_SET, rule_set.code, _json(rule_set)))
    for deadline in publication.deadlines:
        code = f"{deadline.key}@{deadline.effective_from.isoformat()}"
        out.append(_Desired(VersionKind.DEADLINE, code, _json(deadline)))
    for index, item in enumerate(bundle.catalog.items):
        content = _json(item, exclude={"field_sets", "trailing_field_sets"})
        content["fields"] = [_json(spec) for spec in bundle.item_fields(index)]
        out.append(_Desired(VersionKind.CATALOG_ITEM, item.code, content))
    for list_type in bundle.lists.list_types:
        out.append(_Desired(VersionKind.LIST_TYPE, list_type.code, _json(list_type)))
    measures = bundle.measures
    for scenario in measures.scenarios:
        out.append(_Desired(VersionKind.SCENARIO, scenario.code, _json(scenario)))
    sources = [_json(source) for source in measures.sources]
    out.append(_Desired(VersionKind.SETTING, MEASURE_SOURCES, sources))
    for measure in measures.measures:
        out.append(_Desired(VersionKind.MEASURE, measure.code, _json(measure)))
    return out


# -- the rows of each kind -----------------------------------------------------------------


def _date(value: str | None) -> datetime.date | None:
    return None if value is None else datetime.date.fromisoformat(value)


_POLICY_COLUMNS: dict[str, Callable[[str, Any], dict[str, Any]]] = {
    VersionKind.CATALOG_ITEM: lambda code, c: {
        "code": code,
        "name": c["name"],
        "disclosure": c["disclosure"],
        "polarity": c["polarity"],
        "subject_types": c["subject_types"],
        "source_kinds": c.get("source_kinds", []),
    },
    VersionKind.RULE_SET: lambda code, c: {
        "code": code,
        "name": c["name"],
        "effective_from": _date(c["effective_from"]),
        "effective_to": _date(c["effective_to"]),
        "sectors": c.get("sectors", []),
    },
    VersionKind.DEADLINE: lambda code, c: {
        "code": code,
        "key": c["key"],
        "name": c["name"],
        "working_days": c["working_days"],
        "effective_from": _date(c["effective_from"]),
        "effective_to": _date(c["effective_to"]),
    },
    VersionKind.SETTING: lambda code, c: {"key": code},
    VersionKind.LIST_TYPE: lambda code, c: {
        "code": code,
        "name": c["name"],
        "kind": c["kind"],
        "source": c["source"],
        "scope": c.get("scope", "national"),
        "subject_types": c["subject_types"],
        "deciding_sectors": c["decided_by"].get("sectors", []),
        "notice_working_days": c.get("notice_working_days"),
        "catalog_item": c.get("record", {}).get("item", ""),
    },
    VersionKind.SCENARIO: lambda code, c: {"code": code, "name": c["name"]},
    VersionKind.MEASURE: lambda code, c: {
        "code": code,
        "kind": c["kind"],
        "obligation": c["obligation"],
        "text": c["text"],
        "source": c["source"],
        "implementing_sectors": c["implemented_by"].get("sectors", []),
        "implementing_kinds": c["implemented_by"].get("kinds", []),
    },
}
_POLICY_MODELS: dict[str, type[PolicyObject]] = {
    VersionKind.CATALOG_ITEM: CatalogItem,
    VersionKind.RULE_SET: PublicationRuleSet,
    VersionKind.DEADLINE: Deadline,
    VersionKind.SETTING: PolicySetting,
    VersionKind.LIST_TYPE: ListType,
    VersionKind.SCENARIO: Scenario,
    VersionKind.MEASURE: Measure,
}
_RELATED: dict[str, tuple[str, ...]] = {
    VersionKind.CATALOG_ITEM: ("source_departments",),
    VersionKind.LIST_TYPE: ("deciding_departments",),
    VersionKind.MEASURE: ("list_types", "scenarios"),
}
"""The many-to-many fields of each kind's rows, set from the policy's references."""


def _code_of(row: models.Model) -> str:
    code = getattr(row, "code", None) or getattr(row, "key", "")
    return str(code)


@dataclass
class _Rows:
    """The current rows, read once per load, keyed as the policy names them."""

    districts: dict[str, District]
    organisations: dict[str, Organisation]  # by USCC
    policy: dict[str, dict[str, PolicyObject]]
    by_key: dict[str, Organisation] = field(default_factory=dict)  # policy key → row

    @classmethod
    def read(cls) -> _Rows:
        policy: dict[str, dict[str, PolicyObject]] = {}
        for kind, model in _POLICY_MODELS.items():
            queryset = model._default_manager.select_related("current_version")
            queryset = queryset.prefetch_related(*_RELATED.get(kind, ()))
            policy[kind] = {_code_of(row): row for row in queryset}
        return cls(
            districts={d.code: d for d in District.objects.select_related("successor")},
            organisations={o.uscc: o for o in Organisation.objects.select_related("district")},
            policy=policy,
        )

    def related(self, kind: str, content: Any) -> dict[str, list[int | None]]:
        """The rows each many-to-many field of a `kind` object should point at, by the keys
        and codes its content names (None for a row not yet written)."""
        if kind == VersionKind.CATALOG_ITEM:
            return {"source_departments": self._orgs(content.get("source_departments", []))}
        if kind == VersionKind.LIST_TYPE:
            keys = content["decided_by"].get("departments", [])
            return {"deciding_departments": self._orgs(keys)}
        if kind == VersionKind.MEASURE:
            return {
                "list_types": self._rows(VersionKind.LIST_TYPE, content.get("list_types", [])),
                "scenarios": self._rows(VersionKind.SCENARIO, content["scenarios"]),
            }
        return {}

    def _orgs(self, keys: Iterable[str]) -> list[int | None]:
        found = (self.by_key.get(key) for key in keys)
        return [org.pk if org else None for org in found]

    def _rows(self, kind: str, codes: Iterable[str]) -> list[int | None]:
        found = (self.policy[kind].get(code) for code in codes)
        return [row.pk if row else None for row in found]


def _snapshot(row: models.Model | None) -> Any:
    """The row as the audit log shows it, before or after a change."""
    if row is None:
        return None
    if isinstance(row, District):
        successor = row.successor.code if row.successor_id and row.successor else None
        return {
            "code": row.code,
            "name": row.name,
            "is_current": row.is_current,
            "successor": successor,
        }
    if isinstance(row, Organisation):
        return {
            "uscc": row.uscc,
            "name": row.name,
            "short_name": row.short_name,
            "kind": row.kind,
            "sector": row.sector,
            "district": row.district.code if row.district else None,
        }
    if isinstance(row, PolicyObject):
        version = row.current_version.version if row.current_version_id else None
        return {"is_active": row.is_active, "version": version, "definition": row.definition}
    raise TypeError(type(row).__name__)


def _expected_snapshot(kind: str, content: Any) -> Any:
    """What `_snapshot` of an up-to-date row gives, minus the version (compared apart)."""
    if kind == VersionKind.DISTRICT:
        return content
    if kind == VersionKind.ORGANISATION:
        return {k: content[k] for k in ("uscc", "name", "short_name", "kind", "sector", "district")}
    return {"is_active": True, "definition": content}


def _matches(kind: str, row: models.Model, content: Any, rows: _Rows) -> bool:
    current = _snapshot(row)
    if isinstance(row, PolicyObject):
        current.pop("version")
    if current != _expected_snapshot(kind, content):
        return False
    for attr, wanted in rows.related(kind, content).items():
        if {r.pk for r in getattr(row, attr).all()} != set(wanted):
            return False
    return True


# -- planning: what would change -----------------------------------------------------------


@dataclass
class _Step:
    kind: str
    code: str
    status: str
    content: Any
    prev: PolicyVersion | None
    row: models.Model | None
    new_version: bool
    version: PolicyVersion | None = field(default=None)

    @property
    def next_number(self) -> int:
        return self.prev.version + 1 if self.prev else 1

    @property
    def number(self) -> int | None:
        """The version the object has after this step (the next one if a new is written)."""
        if self.new_version:
            return self.next_number
        return self.prev.version if self.prev else None


def _latest_versions() -> dict[tuple[str, str], PolicyVersion]:
    newest = (
        PolicyVersion.objects.filter(kind=models.OuterRef("kind"), code=models.OuterRef("code"))
        .order_by("-version")
        .values("version")[:1]
    )
    latest = PolicyVersion.objects.filter(version=models.Subquery(newest))
    return {(v.kind, v.code): v for v in latest}


def _find_row(
    kind: str, code: str, content: Any, prev: PolicyVersion | None, rows: _Rows
) -> models.Model | None:
    if kind == VersionKind.DISTRICT:
        return rows.districts.get(code)
    if kind == VersionKind.ORGANISATION:
        # A deployment replaces a synthetic code with the real one under the same key: the
        # organisation is found by the code of its previous version and updated in place.
        previous = prev.content["uscc"] if prev is not None and prev.content else None
        by_previous = rows.organisations.get(previous) if previous else None
        return by_previous or rows.organisations.get(content["uscc"])
    return rows.policy[kind].get(code)


def _organisation_conflicts(
    bundle: PolicyBundle, steps: Iterable[_Step], rows: _Rows
) -> list[PolicyIssue]:
    """A key whose new USCC already belongs to another organisation cannot take it."""
    index = {org.key: i for i, org in enumerate(bundle.departments.organisations)}
    issues = []
    for step in steps:
        if step.kind != VersionKind.ORGANISATION or step.row is None:
            continue
        holder = rows.organisations.get(step.content["uscc"])
        if holder is not None and holder.pk != step.row.pk:
            issues.append(
                PolicyIssue(
                    "departments.yaml",
                    f"organisations[{index[step.code]}].uscc",
                    "organisation.uscc_taken",
                    _("统一社会信用代码已属于另一机构（%s）") % holder.name,
                )
            )
    return issues


def _plan(bundle: PolicyBundle, rows: _Rows) -> list[_Step]:
    latest = _latest_versions()
    desired = _desired_objects(bundle)
    steps: list[_Step] = []
    for d in desired:
        prev = latest.get((d.kind, d.code))
        row = _find_row(d.kind, d.code, d.content, prev, rows)
        if isinstance(row, Organisation):
            rows.by_key[d.code] = row
        if prev is None or prev.content is None:
            status, new_version = NEW, True
        elif prev.content_hash != content_hash(d.content):
            status, new_version = CHANGED, True
        elif row is None or not _matches(d.kind, row, d.content, rows):
            status, new_version = CHANGED, False  # the row drifted: restore it, same version
        else:
            status, new_version = UNCHANGED, False
        steps.append(_Step(d.kind, d.code, status, d.content, prev, row, new_version))
    defined = {(d.kind, d.code) for d in desired}
    for (kind, code), prev in sorted(latest.items()):
        if kind in _POLICY_MODELS and prev.content is not None and (kind, code) not in defined:
            row = rows.policy[kind].get(code)
            steps.append(_Step(kind, code, WITHDRAWN, None, prev, row, True))
    issues = _organisation_conflicts(bundle, steps, rows)
    if issues:
        raise PolicyError(issues)
    return steps


# -- writing -------------------------------------------------------------------------------


def _apply(step: _Step, rows: _Rows) -> models.Model | None:
    """Bring the step's row up to date (creating it if needed); return it."""
    content, version = step.content, step.version
    assert version is not None
    if step.status == WITHDRAWN:
        if isinstance(step.row, PolicyObject):
            step.row.is_active = False
            step.row.current_version = version
            step.row.save(update_fields=["is_active", "current_version", "updated_at"])
        return step.row
    if step.kind == VersionKind.DISTRICT:
        district = step.row if isinstance(step.row, District) else District(code=step.code)
        district.name, district.is_current = content["name"], content["is_current"]
        successor = content["successor"]
        district.successor = rows.districts[successor] if successor else None
        district.save()
        rows.districts[district.code] = district
        return district
    if step.kind == VersionKind.ORGANISATION:
        org = step.row if isinstance(step.row, Organisation) else Organisation()
        rows.organisations.pop(org.uscc, None)
        for attr in ("uscc", "name", "short_name", "kind", "sector"):
            setattr(org, attr, content[attr])
        org.district = rows.districts[content["district"]] if content["district"] else None
        org.save()
        rows.organisations[org.uscc] = org
        rows.by_key[step.code] = org
        return org
    model = _POLICY_MODELS[step.kind]
    row = step.row if isinstance(step.row, model) else model()
    for attr, value in _POLICY_COLUMNS[step.kind](step.code, content).items():
        setattr(row, attr, value)
    row.definition, row.is_active, row.current_version = content, True, version
    row.save()
    rows.policy[step.kind][step.code] = row
    for attr, pks in rows.related(step.kind, content).items():
        getattr(row, attr).set(pks)
    return row


def _write(bundle: PolicyBundle, steps: list[_Step], rows: _Rows) -> PolicyLoad:
    actor = current_actor()
    load = PolicyLoad.objects.create(
        actor_label=actor.label[:150],
        actor_user_id=actor.user_id,
        directory=str(bundle.directory)[:500],
        file_hashes=bundle.file_hashes,
        created_count=sum(1 for s in steps if s.status == NEW),
        changed_count=sum(1 for s in steps if s.status == CHANGED),
        withdrawn_count=sum(1 for s in steps if s.status == WITHDRAWN),
        unchanged_count=sum(1 for s in steps if s.status == UNCHANGED),
    )
    fresh = [
        PolicyVersion(
            kind=s.kind,
            code=s.code,
            version=s.next_number,
            content=s.content,
            content_hash=content_hash(s.content),
            load=load,
        )
        for s in steps
        if s.new_version
    ]
    PolicyVersion.objects.bulk_create(fresh)
    by_key = {(v.kind, v.code): v for v in fresh}
    purpose = f"政策载入 #{load.pk}"
    events: list[audit.AuditEvent] = []
    for step in steps:
        if step.status == UNCHANGED:
            continue
        step.version = by_key.get((step.kind, step.code), step.prev)
        before = _snapshot(step.row)
        verb = "withdraw" if step.status == WITHDRAWN else "update" if step.row else "create"
        row = _apply(step, rows)
        events.append(
            audit.AuditEvent(
                action=f"{step.kind}.{verb}",
                object_type=row._meta.label_lower if row is not None else f"policy.{step.kind}",
                object_id=str(row.pk) if row is not None else step.code,
                before=before,
                after=_snapshot(row),
                purpose=purpose,
            )
        )
    summary = {
        "directory": load.directory,
        "file_hashes": load.file_hashes,
        "new": load.created_count,
        "changed": load.changed_count,
        "withdrawn": load.withdrawn_count,
        "unchanged": load.unchanged_count,
    }
    events.append(
        audit.AuditEvent("policy.load", "catalog.policyload", str(load.pk), after=summary)
    )
    audit.record_many(events)
    return load


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def load_policy(directory: Path | str, *, dry_run: bool = False) -> LoadReport:
    """Validate the policy in `directory` as a whole and load it (or, with `dry_run`, only
    say what loading would change). Raises `PolicyError`, having written nothing, if any
    file or cross-reference is wrong."""
    bundle = read_policy(directory)
    with transaction.atomic():
        _lock()
        rows = _Rows.read()
        steps = _plan(bundle, rows)
        load_id = None
        if not dry_run and any(step.status != UNCHANGED for step in steps):
            load_id = _write(bundle, steps, rows).pk
    changes = tuple(Change(s.kind, s.code, s.status, s.number) for s in steps)
    return LoadReport(str(bundle.directory), bundle.file_hashes, changes, load_id, dry_run)


def check_policy(directory: Path | str) -> LoadReport:
    """Validate `directory` and say what loading it would change, writing nothing."""
    return load_policy(directory, dry_run=True)
