"""Checks across lists.yaml, measures.yaml and the files they refer to.

A list type names its deciders (departments.yaml) and, when its decisions also land as
records, the catalogue item and fields that carry them (catalog.yaml); a measure names its
list types (or an evaluation model and grades, `evaluation/*.yaml`), scenarios, source and
implementers. Every reference must resolve, and a measure may only follow lists of its own
kind (punishments for punishment lists, rewards for incentive lists) and never punish the
best grade or reward the worst. Like `validation`, a check that needs a file which did not
parse is skipped.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.utils.translation import gettext as _
from pydantic import BaseModel

from xinyong.catalog.schema import CatalogFile, DepartmentsFile, FieldSpec
from xinyong.catalog.schema_lists import (
    MEASURE_KIND_FOR,
    ListsFile,
    ListTypeEntry,
    MeasureEntry,
    MeasuresFile,
)
from xinyong.catalog.services.errors import PolicyIssue
from xinyong.catalog.services.validation import (
    CATALOG,
    DEPARTMENTS,
    _duplicates,
    _get,
    _Issues,
    expand_fields,
)

LISTS, MEASURES = "lists.yaml", "measures.yaml"
_ITEM_POLARITY = {"punishment": "negative", "incentive": "positive"}


def _check_deciders(
    issues: _Issues, list_type: ListTypeEntry, path: str, departments: DepartmentsFile | None
) -> None:
    if departments is None:
        return
    keys = {o.key for o in departments.organisations}
    sectors = {o.sector for o in departments.organisations}
    for j, key in enumerate(list_type.decided_by.departments):
        if key not in keys:
            issues.add(
                LISTS,
                f"{path}.decided_by.departments[{j}]",
                "ref.unknown_department",
                _("departments.yaml 中没有部门 %s") % key,
            )
    for j, sector in enumerate(list_type.decided_by.sectors):
        if sector not in sectors:
            issues.add(
                LISTS,
                f"{path}.decided_by.sectors[{j}]",
                "ref.unknown_sector",
                _("departments.yaml 中没有领域 %s") % sector,
            )


def _check_record(
    issues: _Issues,
    list_type: ListTypeEntry,
    path: str,
    catalog: CatalogFile,
    departments: DepartmentsFile | None,
) -> None:
    """The catalogue item behind a list: it exists, has the list's polarity, comes only
    from the list's deciders, concerns only subjects the list may hold, and has the mapped
    fields with the right types (never a personal identifier)."""
    mapping = list_type.record
    if mapping is None:
        return
    where = f"{path}.record"
    index = next((i for i, item in enumerate(catalog.items) if item.code == mapping.item), None)
    if index is None:
        issues.add(
            LISTS,
            f"{where}.item",
            "ref.unknown_item",
            _("catalog.yaml 中没有目录项 %s") % mapping.item,
        )
        return
    item = catalog.items[index]
    if item.polarity != _ITEM_POLARITY[list_type.kind]:
        issues.add(
            LISTS,
            f"{where}.item",
            "list_type.item_polarity",
            _("目录项 %(item)s 的信息性质（%(polarity)s）与名单类别不符")
            % {"item": item.code, "polarity": item.polarity},
        )
    outsiders = [k for k in item.source_departments if not _decides(list_type, k, departments)]
    if item.source_kinds or outsiders:
        issues.add(
            LISTS,
            f"{where}.item",
            "list_type.item_sources",
            _("目录项 %s 的来源单位须都是本名单的认定部门") % item.code,
        )
    extra = sorted(set(item.subject_types) - set(list_type.subject_types))
    if extra:
        issues.add(
            LISTS,
            f"{path}.subject_types",
            "list_type.item_subject_types",
            _("目录项 %(item)s 还涉及名单不收录的主体类型：%(types)s")
            % {"item": item.code, "types": "、".join(extra)},
        )
    fields: dict[str, FieldSpec] = {spec.key: spec for spec, _p in expand_fields(catalog, index)}
    wanted = [(attr, key, "text") for attr, key in mapping.text_fields().items()]
    wanted += [(attr, key, "date") for attr, key in mapping.date_fields().items()]
    for attr, key, kind in wanted:
        spec = fields.get(key)
        if spec is None:
            issues.add(
                LISTS, f"{where}.{attr}", "ref.unknown_field", _("目录项中没有字段 %s") % key
            )
        elif spec.type != kind or spec.personal:
            issues.add(
                LISTS,
                f"{where}.{attr}",
                f"field.not_{kind}",
                _("字段 %(key)s 的类型应为 %(kind)s，且不能是个人信息")
                % {"key": key, "kind": kind},
            )


def _decides(list_type: ListTypeEntry, key: str, departments: DepartmentsFile | None) -> bool:
    if key in list_type.decided_by.departments:
        return True
    if departments is None:
        return True  # reported with departments.yaml's own issues
    sector = next((o.sector for o in departments.organisations if o.key == key), None)
    return sector in list_type.decided_by.sectors


def _check_list_types(
    issues: _Issues,
    lists: ListsFile,
    departments: DepartmentsFile | None,
    catalog: CatalogFile | None,
) -> None:
    types = lists.list_types
    _duplicates(
        issues, LISTS, ((t.code, f"list_types[{i}].code") for i, t in enumerate(types)), "code"
    )
    _duplicates(
        issues, LISTS, ((t.name, f"list_types[{i}].name") for i, t in enumerate(types)), _("名称")
    )
    _duplicates(
        issues,
        LISTS,
        ((t.record.item, f"list_types[{i}].record.item") for i, t in enumerate(types) if t.record),
        _("目录项"),
    )
    for i, list_type in enumerate(types):
        path = f"list_types[{i}]"
        _check_deciders(issues, list_type, path, departments)
        if catalog is not None:
            _check_record(issues, list_type, path, catalog, departments)


def evaluation_grades(policy_dir: Path) -> dict[str, list[str]]:
    """Model code → its grades, best first, from the evaluation model files of
    `policy_dir` (read loosely: a model's own validation is `xinyong evaluate`'s job, and a
    file that does not read names no model here)."""
    found: dict[str, list[str]] = {}
    for path in sorted((policy_dir / "evaluation").glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            grades = [str(row["grade"]) for row in data["grades"]]
            found.setdefault(str(data["code"]), grades)
        except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError):
            continue
    return found


def _check_grade(
    issues: _Issues, measure: MeasureEntry, path: str, models: dict[str, list[str]]
) -> None:
    """A grade measure names a model of the policy's `evaluation/` and grades it has;
    punishing its best grade or rewarding its worst is refused."""
    condition = measure.grade
    if condition is None:
        return
    grades = models.get(condition.model)
    if grades is None:
        issues.add(
            MEASURES,
            f"{path}.grade.model",
            "ref.unknown_model",
            _("evaluation/ 中没有评价模型 %s") % condition.model,
        )
        return
    wrong = grades[0] if measure.kind == "punishment" else grades[-1]
    for j, grade in enumerate(condition.grades):
        if grade not in grades:
            issues.add(
                MEASURES,
                f"{path}.grade.grades[{j}]",
                "ref.unknown_grade",
                _("评价模型 %(model)s 没有等级 %(grade)s")
                % {"model": condition.model, "grade": grade},
            )
        elif grade == wrong:
            issues.add(
                MEASURES,
                f"{path}.grade.grades[{j}]",
                "measure.kind_mismatch",
                _("惩戒措施不能适用于最高等级，激励措施不能适用于最低等级（%s）") % grade,
            )


def _check_measures(
    issues: _Issues,
    measures: MeasuresFile,
    lists: ListsFile | None,
    departments: DepartmentsFile | None,
    models: dict[str, list[str]],
) -> None:
    from xinyong.accounts.models import OrganisationKind

    for attr in ("sources", "scenarios", "measures"):
        rows = getattr(measures, attr)
        _duplicates(
            issues, MEASURES, ((r.code, f"{attr}[{i}].code") for i, r in enumerate(rows)), "code"
        )
    _duplicates(
        issues,
        MEASURES,
        ((s.name, f"scenarios[{i}].name") for i, s in enumerate(measures.scenarios)),
        _("名称"),
    )
    sources = {s.code for s in measures.sources}
    scenarios = {s.code for s in measures.scenarios}
    kinds = {t.code: t.kind for t in lists.list_types} if lists else None
    sectors = {o.sector for o in departments.organisations} if departments else None
    for i, measure in enumerate(measures.measures):
        path = f"measures[{i}]"
        if measure.source not in sources:
            issues.add(
                MEASURES,
                f"{path}.source",
                "ref.unknown_source",
                _("未定义的措施来源 %s") % measure.source,
            )
        for attr in ("list_types", "scenarios"):
            refs = getattr(measure, attr)
            _duplicates(
                issues, MEASURES, ((r, f"{path}.{attr}[{j}]") for j, r in enumerate(refs)), attr
            )
        for j, code in enumerate(measure.scenarios):
            if code not in scenarios:
                issues.add(
                    MEASURES,
                    f"{path}.scenarios[{j}]",
                    "ref.unknown_scenario",
                    _("未定义的应用场景 %s") % code,
                )
        for j, code in enumerate(measure.list_types):
            if kinds is None:
                break
            if code not in kinds:
                issues.add(
                    MEASURES,
                    f"{path}.list_types[{j}]",
                    "ref.unknown_list_type",
                    _("lists.yaml 中没有名单类型 %s") % code,
                )
            elif MEASURE_KIND_FOR[kinds[code]] != measure.kind:
                issues.add(
                    MEASURES,
                    f"{path}.list_types[{j}]",
                    "measure.kind_mismatch",
                    _("惩戒措施只能适用于失信名单，激励措施只能适用于守信名单（%s）") % code,
                )
        _check_grade(issues, measure, path, models)
        for j, sector in enumerate(measure.implemented_by.sectors):
            if sectors is not None and sector not in sectors:
                issues.add(
                    MEASURES,
                    f"{path}.implemented_by.sectors[{j}]",
                    "ref.unknown_sector",
                    _("departments.yaml 中没有领域 %s") % sector,
                )
        for j, kind in enumerate(measure.implemented_by.kinds):
            if kind not in OrganisationKind.values:
                issues.add(
                    MEASURES,
                    f"{path}.implemented_by.kinds[{j}]",
                    "ref.unknown_kind",
                    _("未知的机构类型 %s") % kind,
                )


def check_lists(parsed: dict[str, BaseModel], models: dict[str, list[str]]) -> list[PolicyIssue]:
    """Every cross-object and cross-file issue of lists.yaml and measures.yaml; `models`
    are the evaluation models' grades (`evaluation_grades`) that grade measures name."""
    issues = _Issues()
    departments = _get(parsed, DEPARTMENTS, DepartmentsFile)
    catalog = _get(parsed, CATALOG, CatalogFile)
    lists = _get(parsed, LISTS, ListsFile)
    measures = _get(parsed, MEASURES, MeasuresFile)
    if lists is not None:
        _check_list_types(issues, lists, departments, catalog)
    if measures is not None:
        _check_measures(issues, measures, lists, departments, models)
    return issues.found
