"""Checks across objects and files of a policy directory, after each file parsed on its own.

Every check names the file and the path of the offending value. A check that needs a file
which did not parse is skipped: that file's own issues are already reported.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from django.utils.translation import gettext as _
from pydantic import BaseModel

from xinyong.catalog.schema import (
    AMOUNT_UNIT,
    CatalogFile,
    DepartmentsFile,
    DistrictsFile,
    FieldSpec,
    Item,
    PublicationFile,
)
from xinyong.catalog.services.errors import PolicyIssue
from xinyong.core import identifiers, regions

DISTRICTS, DEPARTMENTS, CATALOG, PUBLICATION = (
    "districts.yaml",
    "departments.yaml",
    "catalog.yaml",
    "publication.yaml",
)


@dataclass
class _Issues:
    found: list[PolicyIssue] = field(default_factory=list)

    def add(self, file: str, path: str, reason: str, message: str) -> None:
        self.found.append(PolicyIssue(file, path, reason, message))


_T = TypeVar("_T", bound=BaseModel)


def _get(parsed: dict[str, BaseModel], name: str, kind: type[_T]) -> _T | None:
    value = parsed.get(name)
    return value if isinstance(value, kind) else None


def _duplicates(issues: _Issues, file: str, entries: Iterable[tuple[str, str]], what: str) -> None:
    """Report every (value, path) whose value was seen before."""
    seen: dict[str, str] = {}
    for value, path in entries:
        if value in seen:
            issues.add(
                file,
                path,
                "duplicate.code",
                _("%(what)s %(value)s 重复（已见于 %(first)s）")
                % {"what": what, "value": value, "first": seen[value]},
            )
        else:
            seen[value] = path


# -- districts.yaml ----------------------------------------------------------------------------


def _check_districts(issues: _Issues, districts: DistrictsFile) -> None:
    city = districts.city
    if not city.code.endswith("0000"):
        issues.add(DISTRICTS, "city.code", "district.city_code", _("城市代码应以 0000 结尾"))
    entries = [(city.code, "city.code")]
    entries += [(d.code, f"districts[{i}].code") for i, d in enumerate(districts.districts)]
    entries += [(d.code, f"abolished[{i}].code") for i, d in enumerate(districts.abolished)]
    _duplicates(issues, DISTRICTS, entries, _("区划代码"))
    for code, path in entries[1:]:
        if code[:2] != city.code[:2]:
            issues.add(DISTRICTS, path, "district.outside_city", _("区划代码 %s 不属于本市") % code)
        elif not regions.is_known_division(code):
            issues.add(
                DISTRICTS,
                path,
                "district.unknown_division",
                _("区划代码 %s 不在 GB/T 2260 中") % code,
            )
    current = {d.code for d in districts.districts}
    for i, gone in enumerate(districts.abolished):
        if gone.successor not in current:
            issues.add(
                DISTRICTS,
                f"abolished[{i}].successor",
                "ref.unknown_district",
                _("并入的区 %s 不是现行区划") % gone.successor,
            )


# -- departments.yaml --------------------------------------------------------------------------


def _check_departments(
    issues: _Issues, departments: DepartmentsFile, districts: DistrictsFile | None
) -> None:
    orgs = departments.organisations
    _duplicates(
        issues, DEPARTMENTS, ((o.key, f"organisations[{i}].key") for i, o in enumerate(orgs)), "key"
    )
    _duplicates(
        issues,
        DEPARTMENTS,
        ((identifiers.normalise(o.uscc), f"organisations[{i}].uscc") for i, o in enumerate(orgs)),
        _("统一社会信用代码"),
    )
    _duplicates(
        issues,
        DEPARTMENTS,
        (
            (o.short_name, f"organisations[{i}].short_name")
            for i, o in enumerate(orgs)
            if o.short_name
        ),
        _("简称"),
    )
    current = {d.code for d in districts.districts} if districts else None
    for i, org in enumerate(orgs):
        path = f"organisations[{i}]"
        result = identifiers.check(org.uscc, identifiers.IdKind.USCC)
        if not result.valid:
            issues.add(DEPARTMENTS, f"{path}.uscc", result.reason, result.message)
        elif result.normalised != org.uscc:
            issues.add(
                DEPARTMENTS,
                f"{path}.uscc",
                "uscc.not_normalised",
                _("请写规范形式 %s（半角、大写、无空格）") % result.normalised,
            )
        if org.district is not None and current is not None and org.district not in current:
            issues.add(
                DEPARTMENTS,
                f"{path}.district",
                "ref.unknown_district",
                _("区划代码 %s 不是 districts.yaml 中的现行区") % org.district,
            )
        if org.kind == "district" and (org.district is None or org.uscc[2:8] != org.district):
            issues.add(
                DEPARTMENTS,
                f"{path}.district",
                "organisation.district_region",
                _("区人民政府须给出所在区，且其统一社会信用代码第 3–8 位应为该区代码"),
            )
    if not any(org.kind == "credit_office" for org in orgs):
        issues.add(
            DEPARTMENTS,
            "organisations",
            "organisation.no_credit_office",
            _("至少需要一个信用办（kind: credit_office）"),
        )


# -- publication.yaml --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Span:
    """A date range, and the group within which ranges must not overlap (rule sets of
    sharing sectors, or both unscoped; deadlines of one key)."""

    start: datetime.date | None
    end: datetime.date | None
    label: str
    path: str
    group: frozenset[str]


def _overlaps(a: _Span, b: _Span) -> bool:
    a_start, b_start = a.start or datetime.date.min, b.start or datetime.date.min
    a_end, b_end = a.end or datetime.date.max, b.end or datetime.date.max
    return a_start <= b_end and b_start <= a_end


def _check_spans(issues: _Issues, spans: list[_Span]) -> None:
    """Report each span that overlaps an earlier one it may not overlap."""
    for later_index, later in enumerate(spans):
        for earlier in spans[:later_index]:
            shared = earlier.group & later.group or earlier.group == later.group == frozenset()
            if shared and _overlaps(earlier, later):
                issues.add(
                    PUBLICATION,
                    later.path,
                    "dates.overlap",
                    _("生效期间与 %(other)s 重叠") % {"other": earlier.label},
                )


def _check_publication(
    issues: _Issues, publication: PublicationFile, departments: DepartmentsFile | None
) -> None:
    severities = publication.severities
    for attr, what in (("key", "key"), ("name", _("名称")), ("rank", _("等级"))):
        _duplicates(
            issues,
            PUBLICATION,
            ((str(getattr(s, attr)), f"severities[{i}].{attr}") for i, s in enumerate(severities)),
            what,
        )
    keys = {s.key for s in severities}
    sectors = {o.sector for o in departments.organisations} if departments else None
    sets = publication.rule_sets
    _duplicates(
        issues, PUBLICATION, ((r.code, f"rule_sets[{i}].code") for i, r in enumerate(sets)), "code"
    )
    spans: list[_Span] = []
    for i, rule_set in enumerate(sets):
        path = f"rule_sets[{i}]"
        for key in rule_set.rules.keys() - keys:
            issues.add(
                PUBLICATION,
                f"{path}.rules.{key}",
                "ref.unknown_severity",
                _("未定义的严重程度 %s") % key,
            )
        missing = sorted(keys - rule_set.rules.keys())
        if missing:
            issues.add(
                PUBLICATION,
                f"{path}.rules",
                "rule_set.missing_severity",
                _("缺少严重程度 %s 的公示规则") % "、".join(missing),
            )
        for j, sector in enumerate(rule_set.sectors):
            if sectors is not None and sector not in sectors:
                issues.add(
                    PUBLICATION,
                    f"{path}.sectors[{j}]",
                    "ref.unknown_sector",
                    _("departments.yaml 中没有领域 %s") % sector,
                )
        spans.append(
            _Span(
                rule_set.effective_from,
                rule_set.effective_to,
                rule_set.code,
                f"{path}.effective_from",
                frozenset(rule_set.sectors),
            )
        )
    _check_spans(issues, spans)
    _check_spans(
        issues,
        [
            _Span(
                d.effective_from,
                d.effective_to,
                f"{d.key}@{d.effective_from}",
                f"deadlines[{i}].effective_from",
                frozenset({d.key}),
            )
            for i, d in enumerate(publication.deadlines)
        ],
    )


# -- catalog.yaml ------------------------------------------------------------------------------


def expand_fields(catalog: CatalogFile, index: int) -> Iterator[tuple[FieldSpec, str]]:
    """The fields of item `index` in order (leading field sets, own fields, trailing field
    sets), each with its path in catalog.yaml; unknown field sets are skipped (reported
    elsewhere)."""
    item = catalog.items[index]
    for name in item.field_sets:
        for j, spec in enumerate(catalog.field_sets.get(name, [])):
            yield spec, f"field_sets.{name}[{j}]"
    for j, spec in enumerate(item.fields):
        yield spec, f"items[{index}].fields[{j}]"
    for name in item.trailing_field_sets:
        for j, spec in enumerate(catalog.field_sets.get(name, [])):
            yield spec, f"field_sets.{name}[{j}]"


def _ref(issues: _Issues, path: str, reason: str, message: str) -> None:
    issues.add(CATALOG, path, reason, message)


def _check_item_fields(
    issues: _Issues, catalog: CatalogFile, index: int, path: str
) -> dict[str, FieldSpec]:
    item = catalog.items[index]
    for attr in ("field_sets", "trailing_field_sets"):
        for j, name in enumerate(getattr(item, attr)):
            if name not in catalog.field_sets:
                _ref(
                    issues,
                    f"{path}.{attr}[{j}]",
                    "ref.unknown_field_set",
                    _("未定义的字段组 %s") % name,
                )
    fields: dict[str, FieldSpec] = {}
    for spec, spec_path in expand_fields(catalog, index):
        if spec.key in fields:
            _ref(
                issues,
                f"{spec_path}.key",
                "field.duplicate_key",
                _("目录项 %(item)s 的字段 key %(key)s 重复") % {"item": item.code, "key": spec.key},
            )
        fields.setdefault(spec.key, spec)
    return fields


def _need_field(
    issues: _Issues, fields: dict[str, FieldSpec], key: str, path: str, kind: str | None = None
) -> FieldSpec | None:
    spec = fields.get(key)
    if spec is None:
        _ref(issues, path, "ref.unknown_field", _("目录项中没有字段 %s") % key)
        return None
    if kind is not None and spec.type != kind:
        _ref(
            issues,
            path,
            f"field.not_{kind}",
            _("字段 %(key)s 的类型应为 %(kind)s") % {"key": key, "kind": kind},
        )
        return None
    return spec


def _check_severity_rules(
    issues: _Issues,
    item: Item,
    fields: dict[str, FieldSpec],
    path: str,
    publication: PublicationFile | None,
) -> None:
    rules = item.severity
    if rules is None:
        return
    allowed = set(item.publication.severities)
    classes = list(rules.by_type.items())
    if rules.default is not None:
        classes.append(("default", rules.default))
    for value, severity in classes:
        where = f"{path}.default" if value == "default" else f"{path}.by_type.{value}"
        if severity not in allowed:
            _ref(
                issues,
                where,
                "ref.unknown_severity",
                _("严重程度 %s 不在本目录项的 severities 中") % severity,
            )
    spec = _need_field(issues, fields, rules.type_field, f"{path}.type_field", "enum")
    if spec is not None:
        for value in rules.by_type.keys() - set(spec.values):
            _ref(
                issues,
                f"{path}.by_type.{value}",
                "severity.unknown_value",
                _("字段 %(f)s 没有取值 %(v)s") % {"f": spec.key, "v": value},
            )
        unmapped = [v for v in spec.values if v not in rules.by_type]
        if unmapped and rules.default is None:
            _ref(
                issues,
                f"{path}.by_type",
                "severity.unmapped",
                _("以下取值未对应严重程度，且没有 default：%s") % "、".join(unmapped),
            )
    if rules.declared_field is not None:
        declared = _need_field(
            issues, fields, rules.declared_field, f"{path}.declared_field", "enum"
        )
        names = {s.name for s in publication.severities} if publication else None
        if declared is not None and names is not None and not set(declared.values) <= names:
            _ref(
                issues,
                f"{path}.declared_field",
                "severity.declared_values",
                _("字段 %s 的取值应为严重程度的名称") % declared.key,
            )


def _check_amount_field(
    issues: _Issues, item: Item, fields: dict[str, FieldSpec], path: str
) -> None:
    """The amount field must be a decimal in 万元: `Record.amount` is compared and summed
    across items, so one unit for all."""
    if item.amount_field is None:
        return
    spec = _need_field(issues, fields, item.amount_field, path, "decimal")
    if spec is not None and spec.unit != AMOUNT_UNIT:
        _ref(
            issues,
            path,
            "field.amount_unit",
            _("金额字段 %(key)s 的单位应为%(unit)s") % {"key": spec.key, "unit": AMOUNT_UNIT},
        )


def _check_item(
    issues: _Issues,
    catalog: CatalogFile,
    index: int,
    departments: DepartmentsFile | None,
    publication: PublicationFile | None,
) -> None:
    from xinyong.accounts.models import OrganisationKind

    item = catalog.items[index]
    path = f"items[{index}]"
    keys = {o.key for o in departments.organisations} if departments else None
    _duplicates(
        issues,
        CATALOG,
        ((k, f"{path}.source_departments[{j}]") for j, k in enumerate(item.source_departments)),
        _("来源部门"),
    )
    for j, key in enumerate(item.source_departments):
        if keys is not None and key not in keys:
            _ref(
                issues,
                f"{path}.source_departments[{j}]",
                "ref.unknown_department",
                _("departments.yaml 中没有部门 %s") % key,
            )
    for j, kind in enumerate(item.source_kinds):
        if kind not in OrganisationKind.values:
            _ref(
                issues,
                f"{path}.source_kinds[{j}]",
                "ref.unknown_kind",
                _("未知的机构类型 %s") % kind,
            )
    _duplicates(
        issues,
        CATALOG,
        ((t, f"{path}.subject_types[{j}]") for j, t in enumerate(item.subject_types)),
        _("主体类型"),
    )
    fields = _check_item_fields(issues, catalog, index, path)
    for j, key in enumerate(item.natural_key):
        _need_field(issues, fields, key, f"{path}.natural_key[{j}]")
    _need_field(issues, fields, item.decision_date_field, f"{path}.decision_date_field", "date")
    _check_amount_field(issues, item, fields, f"{path}.amount_field")
    pub = item.publication
    severities = {s.key for s in publication.severities} if publication else None
    for j, severity in enumerate(pub.severities):
        if severities is not None and severity not in severities:
            _ref(
                issues,
                f"{path}.publication.severities[{j}]",
                "ref.unknown_severity",
                _("publication.yaml 中没有严重程度 %s") % severity,
            )
    for severity in pub.overrides.keys() - set(pub.severities):
        _ref(
            issues,
            f"{path}.publication.overrides.{severity}",
            "ref.unknown_severity",
            _("严重程度 %s 不在本目录项的 severities 中") % severity,
        )
    if pub.field is not None:
        _need_field(issues, fields, pub.field, f"{path}.publication.field", "date")
    _check_severity_rules(issues, item, fields, f"{path}.severity", publication)


def _check_catalog(
    issues: _Issues,
    catalog: CatalogFile,
    departments: DepartmentsFile | None,
    publication: PublicationFile | None,
) -> None:
    _duplicates(
        issues,
        CATALOG,
        ((item.code, f"items[{i}].code") for i, item in enumerate(catalog.items)),
        "code",
    )
    for index in range(len(catalog.items)):
        _check_item(issues, catalog, index, departments, publication)


def cross_check(parsed: dict[str, BaseModel]) -> list[PolicyIssue]:
    """Every cross-object and cross-file issue among the files that parsed."""
    issues = _Issues()
    districts = _get(parsed, DISTRICTS, DistrictsFile)
    departments = _get(parsed, DEPARTMENTS, DepartmentsFile)
    catalog = _get(parsed, CATALOG, CatalogFile)
    publication = _get(parsed, PUBLICATION, PublicationFile)
    if districts is not None:
        _check_districts(issues, districts)
    if departments is not None:
        _check_departments(issues, departments, districts)
    if publication is not None:
        _check_publication(issues, publication, departments)
    if catalog is not None:
        _check_catalog(issues, catalog, departments, publication)
    return issues.found
