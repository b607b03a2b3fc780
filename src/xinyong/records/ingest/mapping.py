"""Which catalogue field each column of a file fills, decided by its header, never its position.

A header is recognised (after `header_key` normalisation) as, in this order:

1. the submitting department's own name for a field (`HeaderMapping` rows: data, not code);
2. the field's national v2 name, its key, its v1 names or its CF_*/XK_* code (aliases.py).

A header may end in a unit, such as `罚款金额（万元）`: the unit is checked against the field's
(`FieldSpec.unit`) and a different one is refused, since an amount in 元 read as 万元 would be
ten thousand times wrong. Unknown headers map to None and their cells are kept as extra.

Columns: a `multiple` field (处罚类别) may be filled by several columns (v1's 处罚类别1 and
处罚类别2), and cleaning joins their values; any other field by one column at most. The same
header twice is refused, since its cells could not be told apart. Fields with `required: true`
must have a column, except, in a file of the older v1 layout, the fields v1 never had
(aliases.V1_ABSENT); `required_for` fields may be absent when no row is of those subject
types, so cleaning checks them per row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _

from xinyong.catalog.schema import FieldSpec, Item
from xinyong.records.ingest.aliases import V1_ABSENT, V1_MARKERS, aliases_for
from xinyong.records.ingest.types import ColumnMap, FileRejected
from xinyong.records.models import HeaderMapping

_BRACKETS = str.maketrans({"[": "(", "]": ")", "【": "(", "】": ")", "〔": "(", "〕": ")"})
_UNIT = re.compile(r"\((?:单位[:：]?)?(?:人民币)?(?P<unit>万元|元)(?:人民币)?\)$")


def header_key(header: str) -> str:
    """A header as matching sees it: NFKC, no whitespace, round brackets, no `*` marks or
    trailing colons, ASCII letters upper-cased."""
    text = "".join(unicodedata.normalize("NFKC", header).split()).translate(_BRACKETS)
    return text.strip("*:").upper()


def _standard_index(item: Item) -> dict[str, str]:
    """Every recognised name of each of the item's fields → the field key."""
    index: dict[str, str] = {}
    for spec in item.fields:
        for name in (spec.name, spec.key, *aliases_for(item.code, spec.key)):
            key = header_key(name)
            unit = _UNIT.search(key)
            if unit is not None and spec.unit == unit.group("unit"):
                key = key[: unit.start()]
            if index.setdefault(key, spec.key) != spec.key:
                raise ValueError(f"{item.code}: {name!r} names both {index[key]} and {spec.key}")
    return index


def _lookup(
    header: str,
    custom: Mapping[str, str],
    standard: Mapping[str, str],
    specs: Mapping[str, FieldSpec],
) -> str | None:
    key = header_key(header)
    unit = _UNIT.search(key)
    candidates = [key] if unit is None else [key, key[: unit.start()]]
    field = next((f for c in candidates if (f := custom.get(c) or standard.get(c))), None)
    if field is None:
        return None
    spec = specs.get(field)
    if spec is None:
        raise FileRejected(
            "header.custom_invalid",
            _("本单位登记的表头映射“%(header)s”指向的字段 %(field)s 不在目录项中；请更新表头映射")
            % {"header": header, "field": field},
        )
    if unit is not None and spec.unit and unit.group("unit") != spec.unit:
        raise FileRejected(
            "header.unit",
            _(
                "列“%(header)s”的单位是%(unit)s，而“%(name)s”应以%(expected)s填报；"
                "请换算后把表头改为“%(name)s”"
            )
            % {
                "header": header,
                "unit": unit.group("unit"),
                "name": spec.name,
                "expected": spec.unit,
            },
        )
    return field


def map_columns(headers: Sequence[str], item: Item, custom: Mapping[str, str] = {}) -> ColumnMap:
    """Map a file's headers to `item`'s fields (see the module docstring); raise FileRejected
    when no header is recognised, a header repeats, two columns fill a single-valued field, a
    unit differs, or a required field has no column."""
    specs = {spec.key: spec for spec in item.fields}
    standard = _standard_index(item)
    own = {header_key(header): field for header, field in custom.items()}
    fields: list[str | None] = []
    seen_headers: set[str] = set()
    seen_fields: dict[str, str] = {}
    for header in headers:
        key = header_key(header)
        if key in seen_headers:
            raise FileRejected(
                "header.duplicate",
                _("表头“%(header)s”出现了不止一次；请删除或改名重复的列") % {"header": header},
            )
        seen_headers.add(key)
        field = _lookup(header, own, standard, specs)
        if field is not None:
            if field in seen_fields and not specs[field].multiple:
                raise FileRejected(
                    "header.duplicate",
                    _("列“%(a)s”和“%(b)s”都对应字段“%(name)s”；请只保留一列")
                    % {"a": seen_fields[field], "b": header, "name": specs[field].name},
                )
            seen_fields.setdefault(field, header)
        fields.append(field)
    if not seen_fields:
        raise FileRejected(
            "header.unrecognised",
            _(
                "没有一列表头能对应到目录项“%(item)s”的字段；请确认选择的目录项是否正确，"
                "以及表头是否在第一行"
            )
            % {"item": item.name},
        )
    markers = {header_key(name) for name in V1_MARKERS.get(item.code, ())}
    excused = V1_ABSENT.get(item.code, ()) if markers & seen_headers else ()
    missing = [
        spec.name
        for spec in item.fields
        if spec.required and spec.key not in seen_fields and spec.key not in excused
    ]
    if missing:
        raise FileRejected(
            "header.missing",
            _("缺少必填列：%(names)s") % {"names": "、".join(missing)},
        )
    return ColumnMap(tuple(fields), tuple(headers))


def custom_mapping(organisation_id: int, item_code: str) -> dict[str, str]:
    """The organisation's own header names for item `item_code`: header → field key."""
    rows = HeaderMapping.objects.filter(organisation_id=organisation_id, item__code=item_code)
    return dict(rows.values_list("header", "field_key"))
