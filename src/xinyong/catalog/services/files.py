"""Reading a policy directory: YAML into typed models, every problem named by file and path.

Nothing here touches the database except the identifier allowlist that USCC validation
consults; `read_policy` either returns a whole, cross-checked policy or raises `PolicyError`
with every issue it found (in all files, not only the first).
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.utils.translation import gettext as _
from pydantic import BaseModel, ValidationError

from xinyong.catalog.schema import (
    CatalogFile,
    DepartmentsFile,
    DistrictsFile,
    FieldSpec,
    PublicationFile,
)
from xinyong.catalog.schema_lists import ListsFile, MeasuresFile
from xinyong.catalog.services.errors import PolicyError, PolicyIssue
from xinyong.catalog.services.list_validation import check_lists, evaluation_grades
from xinyong.catalog.services.validation import cross_check, expand_fields
from xinyong.reports.policy import FILE_NAME as REPORTS_FILE
from xinyong.reports.policy import ReportsPolicy, catalogue_problems

FILE_MODELS: dict[str, type[BaseModel]] = {
    "districts.yaml": DistrictsFile,
    "departments.yaml": DepartmentsFile,
    "catalog.yaml": CatalogFile,
    "publication.yaml": PublicationFile,
    "lists.yaml": ListsFile,
    "measures.yaml": MeasuresFile,
}
"""The files of a policy directory, all required, and the model of each."""


@dataclass(frozen=True)
class PolicyBundle:
    """A parsed and validated policy directory."""

    directory: Path
    file_hashes: dict[str, str]
    districts: DistrictsFile
    departments: DepartmentsFile
    catalog: CatalogFile
    publication: PublicationFile
    lists: ListsFile
    measures: MeasuresFile

    def item_fields(self, index: int) -> list[FieldSpec]:
        """The fields of item `index` in order, its field sets expanded."""
        return [spec for spec, _path in expand_fields(self.catalog, index)]


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key given twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, Hashable) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, _("键 %(key)s 重复") % {"key": key}, key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


# Chinese messages for pydantic's error types; the context fills the placeholders.
_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不允许的键（拼写错误或不支持的设置）",
    "string_type": "应为字符串（纯数字的代码请加引号）",
    "int_type": "应为整数",
    "bool_type": "应为 true 或 false",
    "date_type": "应为日期（YYYY-MM-DD）",
    "list_type": "应为列表",
    "dict_type": "应为映射（键: 值）",
    "model_type": "应为映射（键: 值）",
    "model_attributes_type": "应为映射（键: 值）",
    "literal_error": "取值无效，应为 %(expected)s 之一",
    "string_pattern_mismatch": "格式不正确（应匹配 %(pattern)s）",
    "string_too_short": "不能为空",
    "string_too_long": "过长（最多 %(max_length)s 个字符）",
    "too_short": "至少需要 %(min_length)s 项",
    "too_long": "最多 %(max_length)s 项",
    "greater_than_equal": "应不小于 %(ge)s",
    "less_than_equal": "应不大于 %(le)s",
}


def format_path(loc: Sequence[int | str]) -> str:
    """`("items", 3, "publication", "rule")` → `items[3].publication.rule`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part == "[key]":
            path += "[key]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _issues_from_pydantic(file: str, error: ValidationError) -> list[PolicyIssue]:
    issues = []
    for detail in error.errors(include_url=False):
        kind = detail["type"]
        if "." in kind:  # our own PydanticCustomError: the type is a reason code
            reason, message = kind, detail["msg"]
        else:
            reason = f"schema.{kind}"
            template = _MESSAGES.get(kind)
            context = {k: str(v) for k, v in (detail.get("ctx") or {}).items()}
            message = _(template) % context if template else detail["msg"]
        issues.append(PolicyIssue(file, format_path(detail["loc"]), reason, message))
    return issues


def _parse_file(
    path: Path, model: type[BaseModel]
) -> tuple[str, BaseModel | None, list[PolicyIssue]]:
    """The file's SHA-256, its model (None on failure) and what is wrong with it."""
    name = path.name
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        issue = PolicyIssue(name, "", "file.encoding", _("文件不是 UTF-8 编码：%s") % exc.reason)
        return digest, None, [issue]
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _("第 %(line)d 行第 %(column)d 列") % {
            "line": mark.line + 1 if mark else 0,
            "column": mark.column + 1 if mark else 0,
        }
        return digest, None, [PolicyIssue(name, where, "yaml.syntax", str(exc.problem))]
    except yaml.YAMLError as exc:
        return digest, None, [PolicyIssue(name, "", "yaml.syntax", str(exc))]
    try:
        return digest, model.model_validate({} if data is None else data), []
    except ValidationError as exc:
        return digest, None, _issues_from_pydantic(name, exc)


def read_policy(directory: Path | str) -> PolicyBundle:
    """Parse and validate every file of `directory` as a whole; raise `PolicyError` listing
    every issue found, or return the policy."""
    root = Path(directory)
    if not root.is_dir():
        raise PolicyError([PolicyIssue(str(root), "", "policy.no_directory", _("目录不存在"))])
    issues: list[PolicyIssue] = []
    hashes: dict[str, str] = {}
    parsed: dict[str, BaseModel] = {}
    for name, model in FILE_MODELS.items():
        path = root / name
        if not path.is_file():
            issues.append(PolicyIssue(name, "", "file.missing", _("缺少文件")))
            continue
        hashes[name], result, problems = _parse_file(path, model)
        issues.extend(problems)
        if result is not None:
            parsed[name] = result
    issues.extend(cross_check(parsed))
    issues.extend(check_lists(parsed, evaluation_grades(root)))
    issues.extend(_report_issues(root, parsed.get("catalog.yaml")))
    if issues:
        order = list(FILE_MODELS)
        issues.sort(key=lambda i: order.index(i.file) if i.file in order else len(order))
        raise PolicyError(issues)
    return PolicyBundle(
        directory=root.resolve(),
        file_hashes=hashes,
        districts=_as(parsed["districts.yaml"], DistrictsFile),
        departments=_as(parsed["departments.yaml"], DepartmentsFile),
        catalog=_as(parsed["catalog.yaml"], CatalogFile),
        publication=_as(parsed["publication.yaml"], PublicationFile),
        lists=_as(parsed["lists.yaml"], ListsFile),
        measures=_as(parsed["measures.yaml"], MeasuresFile),
    )


def _report_issues(root: Path, catalog: BaseModel | None) -> list[PolicyIssue]:
    """What is wrong with the report types (reports.yaml, read by the reports app when
    present), its catalogue items checked against the catalogue when that parsed."""
    path = root / REPORTS_FILE
    if not path.is_file():
        return []
    _digest, reports, issues = _parse_file(path, ReportsPolicy)
    if isinstance(reports, ReportsPolicy) and isinstance(catalog, CatalogFile):
        issues += [
            PolicyIssue(REPORTS_FILE, where, reason, message)
            for where, reason, message in catalogue_problems(reports, catalog)
        ]
    return issues


_T = TypeVar("_T", bound=BaseModel)


def _as(value: BaseModel, kind: type[_T]) -> _T:
    if not isinstance(value, kind):
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value
