"""Normalise and validate one row: `RowCleaner(item, columns, today=…).clean(row)`.

Everything that can be decided once per file is decided in `__init__` (which parser each
column gets, which fields are required for which subject type, the enumeration lookups), so
`clean` is a loop over precomputed steps, and each column remembers what the cells it has
read parse to (VALUE_MEMO_SIZE): a repeated cell costs a look-up. It touches no database;
identifier checks may read the operator's allowlist of irregular codes (cached by
`core.identifiers`) when a code fails, unless the caller passes `allowlist`.

Decisions a reader should know (see also `values.py` for the accepted spellings):

- **Width**: codes, dates, amounts and enumeration values are NFKC-folded; free text has only
  its full-width letters, digits and spaces folded (`values.fold_text`), so the department's
  Chinese punctuation stays as written. Short text (names, numbers) has whitespace runs
  collapsed; every value is trimmed, and an empty one is None.
- **Required fields**: a `required` field is checked when the file has a column for it;
  whether a file may lack the column at all is `mapping.map_columns`'s decision, taken once
  per file (older layouts, v1, have no column for several fields v2 requires). A
  `required_for` field is checked on every row of those subject types, column or not, since
  only the row says what its subject is.
- **Subject type** comes from 行政相对人类别 when the item has that field and the cell holds a
  value; otherwise it is inferred from the subject's own identifiers (`infer_subject_type`).
- **Identity**: an organisation (legal person, other organisation, individual business) must
  carry a USCC, an organisation code or a business registration number; a natural person an
  ID number. A USCC required for an organisation is satisfied by one of the legacy codes:
  records from before the USCC (2015–2017) and subjects never converted carry only those.
- **ID numbers** without an identifier kind (证件号码, 法定代表人证件号码) are checked as
  citizen IDs when their type field says 身份证, or says nothing and the number has a citizen
  ID's shape (then a valid number fills the empty type with 身份证: v1's 代码_5 column is
  the citizen ID and has no type column); numbers of other documents (passports …) are kept
  normalised, unchecked.
- **Dates**: the decision date may not be after `today`; no date may be before 1949-10-01;
  the pairs of `DATE_ORDER` must be in order. 2099-12-31 stays a date (`is_long_term`).
- **Messages** name the national field name and never quote a value of a personal field;
  quoted values of other fields go through `mask_in_text`, so a number shaped like an ID
  that landed in the wrong column is masked too.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import date
from enum import Enum
from typing import Any, Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xinyong.catalog.schema import FieldSpec, Item
from xinyong.core.identifiers import IdentifierCheck, IdKind, check, normalise
from xinyong.core.privacy import mask_in_text
from xinyong.records.ingest.types import Cell, CleanRow, ColumnMap, RowError, SourceRow, Value
from xinyong.records.ingest.values import (
    PLACEHOLDERS,
    SHORT_TEXT,
    BadPiece,
    BadValue,
    Parse,
    TooLong,
    cell_text,
    field_parser,
    is_long_term,
)
from xinyong.subjects.models import SubjectKind

__all__ = ["RowCleaner", "infer_subject_type", "is_long_term"]

SUBJECT_CATEGORY = "subject_category"
CATEGORY_SUBJECT_TYPES = {
    "法人及非法人组织": "legal_person",
    "个体工商户": "individual_business",
    "自然人": "natural_person",
}
"""行政相对人类别 → catalogue subject type. 法人及非法人组织 is `legal_person`: linking
refines it from the USCC (a government organ, a social organisation) when it knows better."""

ORGANISATION_TYPES = frozenset(
    {"legal_person", "other_org", "individual_business", "government_organ"}
)
ORG_IDENTIFIER_KEYS = ("uscc", "org_code", "business_reg_no")
"""The subject's own organisation codes (not the authority's `authority_uscc`)."""
PERSON_IDENTIFIER_KEYS = ("id_no",)
REQUIRED_ALTERNATIVES = {"uscc": ("org_code", "business_reg_no")}
"""A required field that another field may stand in for (legacy codes for the USCC)."""

ID_TYPE_FIELDS = {"id_no": "id_type", "legal_rep_id_no": "legal_rep_id_type"}
"""ID number field → the field naming its document type."""
CITIZEN_ID_TYPE = "身份证"
_CITIZEN_ID_SHAPE = re.compile(r"\d{17}[\dX]|\d{15}", re.ASCII)

DECISION = "@decision"
"""In DATE_ORDER: the item's decision date field, whatever its key."""
DATE_ORDER: tuple[tuple[str, str], ...] = (
    ("valid_from", "valid_to"),  # 有效期自 / 有效期至
    ("period_from", "period_to"),  # 欠缴所属期起 / 止
    ("listing_date", "removal_date"),  # 列入日期 / 移出日期
    (DECISION, "penalty_valid_until"),  # 处罚决定日期 / 处罚有效期
    (DECISION, "publication_until"),  # 处罚决定日期 / 公示截止期
)
"""(earlier, later) date fields by key: the later may not precede the earlier. A pair whose
fields an item does not have is skipped."""

EARLIEST_DATE = date(1949, 10, 1)
MESSAGES: dict[str, Promise] = {
    "field.required": _("缺少必填项“%(field)s”"),
    "field.too_long": _("“%(field)s”过长：最多 %(max)d 个字，实际 %(n)d 个字"),
    "enum.invalid": _("“%(field)s”的取值“%(value)s”不在允许范围内（%(allowed)s）"),
    "date.invalid": _(
        "“%(field)s”不是有效日期（“%(value)s”）；可写作 2016-11-25、2016/11/25、"
        "2016.11.25、2016年11月25日、20161125 或 Excel 日期"
    ),
    "date.future": _("“%(field)s”晚于今天（%(today)s）"),
    "date.too_old": _("“%(field)s”早于 1949年10月1日"),
    "date.order": _("“%(later)s”早于“%(earlier)s”"),
    "amount.invalid": _("“%(field)s”不是有效金额（“%(value)s”）"),
    "amount.negative": _("“%(field)s”不能为负数"),
    "amount.too_large": _("“%(field)s”数额过大（“%(value)s”），请检查单位"),
    "amount.unit": _("“%(field)s”的单位无法换算（“%(value)s”）"),
    "integer.invalid": _("“%(field)s”应为整数（“%(value)s”）"),
    "integer.negative": _("“%(field)s”不能为负数"),
    "identifier": _("“%(field)s”：%(reason)s"),
    "subject.unknown_type": _("无法确定行政相对人类别：请填写行政相对人类别，或填写主体的代码"),
    "subject.type_not_allowed": _("目录项“%(item)s”不收录%(type)s的信息"),
    "subject.no_org_identifier": _("%(type)s须至少填写以下代码之一：%(fields)s"),
    "subject.no_person_identifier": _("自然人须填写%(fields)s"),
}


def _message(code: str, **params: Any) -> str:
    """The Chinese message for `code` in the active language, its placeholders filled."""
    return str(MESSAGES[code]) % params


def _shown(text: str) -> str:
    """A value as it may be quoted in a message: short, and ID-shaped numbers masked."""
    text = text.strip()
    return mask_in_text(text if len(text) <= 40 else text[:40] + "…")


def infer_subject_type(values: dict[str, Value]) -> str:
    """The subject type that a row's own identifiers imply, "" when they imply none.

    A USCC of registration authority 9, category 2, and a business registration number
    whose 7th digit is 6–9 (GS 15) belong to an individual business; other organisation
    codes to a legal person; an ID number alone to a natural person.
    """
    uscc = values.get("uscc")
    if isinstance(uscc, str) and uscc:
        return "individual_business" if uscc.startswith("92") else "legal_person"
    if values.get("org_code"):
        return "legal_person"
    business_reg = values.get("business_reg_no")
    if isinstance(business_reg, str) and business_reg:
        return "individual_business" if business_reg[6:7] in "6789" else "legal_person"
    if any(values.get(key) for key in PERSON_IDENTIFIER_KEYS):
        return "natural_person"
    return ""


class _BadCode(BadValue):
    """An identifier that fails its check: the check's reason and message are reported."""

    def __init__(self, result: IdentifierCheck) -> None:
        super().__init__(result.reason)
        self.result = result


def _identifier_parser(kind: IdKind | None, allowlist: Collection[str] | None) -> Parse:
    """A code of a known kind, checked; or, of no kind (a document number), normalised."""

    def parse(cell: Cell) -> Value:
        text = cell_text(cell).strip()
        if not text or text in PLACEHOLDERS:
            return None
        if kind is None:
            return normalise(text)
        result = check(text, kind, allowlist=allowlist)
        if not result.valid:
            raise _BadCode(result)
        return result.normalised

    return parse


def _parser(spec: FieldSpec, allowlist: Collection[str] | None) -> Parse:
    if spec.type == "identifier":
        kind = IdKind(spec.identifier_kind) if spec.identifier_kind else None
        return _identifier_parser(kind, allowlist)
    return field_parser(spec)


VALUE_MEMO_SIZE = 4096
MEMO_CELL_LENGTH = SHORT_TEXT
"""Each column of a RowCleaner remembers up to VALUE_MEMO_SIZE distinct cells of up to
MEMO_CELL_LENGTH characters with the value they parse to, and is emptied when full: a file
repeats its dates, amounts, enumeration values, authorities and the codes and names of its
subjects.

It is safe because a cell's value depends on nothing but the cell: not the row, not `today`
(compared after parsing), not the language (refusals raise BadValue and are not
remembered; their messages are made afterwards). Only text cells are remembered: the cells
1, 1.0 and True are equal keys but different cells. Values are immutable (str, date,
Decimal), except the list of a multiple enumeration, which is not remembered. A valid code
stays remembered for the rest of the file, as the file's codes are checked against the
allowlist as it was when they were first seen."""


class _Memo(Enum):
    UNSEEN = "unseen"


_UNSEEN: Final = _Memo.UNSEEN
"""A cell the column's memo does not hold (None is a value). A module constant: looking
a member up on its Enum class costs more than the lookup it guards."""


class RowCleaner:
    """Turns the `SourceRow`s of one file into `CleanRow`s for one catalogue item."""

    def __init__(
        self,
        item: Item,
        columns: ColumnMap,
        *,
        today: date,
        allowlist: Collection[str] | None = None,
    ) -> None:
        """`allowlist` (normalised codes) replaces the database's list of irregular codes,
        for callers that must not read the database."""
        self.item = item
        self.today = today
        self._allowlist = allowlist
        specs = {spec.key: spec for spec in item.fields}
        self._specs = specs
        self._order = {key: position for position, key in enumerate(specs)}
        self._empty: dict[str, Value] = dict.fromkeys(specs)
        indices: dict[str, list[int]] = {}
        self._extra: list[tuple[int, str]] = []
        seen_headers: dict[str, int] = {}
        for index, (header, key) in enumerate(zip(columns.headers, columns.fields, strict=True)):
            if key is None:
                count = seen_headers[header] = seen_headers.get(header, 0) + 1
                self._extra.append((index, header if count == 1 else f"{header}#{count}"))
                continue
            if key not in specs:
                raise ValueError(f"column {header!r} maps to {key!r}, not a field of {item.code}")
            indices.setdefault(key, []).append(index)
        self._width = len(columns.headers)
        self._padding: tuple[None, ...] = (None,) * self._width
        # (key, spec, column, parse, memo, the longest cell remembered: 0 for none)
        self._singles: list[tuple[str, FieldSpec, int, Parse, dict[Cell, Value], int]] = []
        self._merged: list[tuple[str, FieldSpec, tuple[int, ...], Parse]] = []
        self._id_numbers: list[tuple[str, FieldSpec, int, IdKind | None, str]] = []
        for key, spec in specs.items():
            where = indices.get(key)
            if where is None:
                continue
            if len(where) > 1 and not spec.multiple:
                raise ValueError(f"field {key!r} of {item.code} has {len(where)} columns")
            kind = IdKind(spec.identifier_kind) if spec.identifier_kind else None
            type_key = ID_TYPE_FIELDS.get(key)
            if spec.type == "identifier" and type_key and (kind is not None or spec.personal):
                self._id_numbers.append((key, spec, where[0], kind, type_key))
            elif len(where) == 1:
                longest = 0 if spec.multiple else MEMO_CELL_LENGTH
                parse = _parser(spec, allowlist)
                self._singles.append((key, spec, where[0], parse, {}, longest))
            else:
                self._merged.append((key, spec, tuple(where), _parser(spec, allowlist)))
        self._has_category = SUBJECT_CATEGORY in indices
        self._required = self._required_by_type(item, indices.keys())
        self._org_keys = tuple(k for k in ORG_IDENTIFIER_KEYS if k in specs)
        self._person_keys = tuple(k for k in PERSON_IDENTIFIER_KEYS if k in specs)
        self._subject_keys = frozenset(self._org_keys + self._person_keys)
        self._decision_key = item.decision_date_field
        self._dates = tuple(k for k, s in specs.items() if s.type == "date" and k in indices)
        pairs = ((self._decision_key if a == DECISION else a, b) for a, b in DATE_ORDER)
        self._pairs = tuple((a, b) for a, b in pairs if a in indices and b in indices)

    @staticmethod
    def _required_by_type(item: Item, mapped: Collection[str]) -> dict[str, tuple[str, ...]]:
        types: Sequence[str] = ("", *item.subject_types)
        return {
            subject_type: tuple(
                spec.key
                for spec in item.fields
                if (spec.required and spec.key in mapped) or subject_type in spec.required_for
            )
            for subject_type in types
        }

    # -- the row ----------------------------------------------------------------------------

    def clean(self, row: SourceRow) -> CleanRow:
        """Normalise every mapped cell, keep unknown columns as `extra`, and list every error
        of the row (not only the first)."""
        cells = row.cells
        width = len(cells)
        if width < self._width:  # a short row: its missing cells are empty
            cells = (*cells, *self._padding[width:])
        values = self._empty.copy()
        errors: list[RowError] = []
        bad: set[str] = set()
        for key, spec, index, parse, memo, longest in self._singles:
            cell = cells[index]
            if cell is None or cell == "":
                continue
            value = memo.get(cell, _UNSEEN)
            if value is _UNSEEN:
                try:
                    value = parse(cell)
                except BadValue as problem:
                    errors.append(self._value_error(spec, problem, cell))
                    bad.add(key)
                    continue
                if type(cell) is str and len(cell) <= longest:  # see MEMO_CELL_LENGTH
                    if len(memo) >= VALUE_MEMO_SIZE:
                        memo.clear()
                    memo[cell] = value
            values[key] = value
        for key, spec, where, parse in self._merged:
            merged: list[str] = []
            for index in where:
                cell = cells[index]
                if cell is None or cell == "":
                    continue
                try:
                    parsed = parse(cell)
                except BadValue as problem:
                    errors.append(self._value_error(spec, problem, cell))
                    bad.add(key)
                    continue
                if isinstance(parsed, list):
                    merged.extend(parsed)
            if merged:
                values[key] = list(dict.fromkeys(merged))
        for key, spec, index, kind, type_key in self._id_numbers:
            cell = cells[index]
            if cell is None or cell == "":
                continue
            self._id_number(key, spec, cell, kind, type_key, values, errors, bad)
        subject_type = self._subject_type(values)
        self._validate(values, subject_type, errors, bad)
        extra: dict[str, str] = {}
        for index, name in self._extra:
            cell = cells[index]
            if cell is not None and cell != "":
                extra[name] = cell if isinstance(cell, str) else cell_text(cell)
        for index in range(self._width, width):  # cells past the header row: kept, not lost
            cell = cells[index]
            if cell is not None and cell != "":
                extra[f"#{index + 1}"] = cell_text(cell)
        if len(errors) > 1:
            last = len(self._order)
            errors.sort(key=lambda error: self._order.get(error.field, last))
        return CleanRow(row.row_no, values, extra, subject_type, errors)

    def _id_number(
        self,
        key: str,
        spec: FieldSpec,
        cell: Cell,
        kind: IdKind | None,
        type_key: str,
        values: dict[str, Value],
        errors: list[RowError],
        bad: set[str],
    ) -> None:
        """An ID number with a document type field: a citizen ID is checked (see the module
        docstring), and a valid one fills an empty type with 身份证."""
        text = cell_text(cell).strip()
        if not text or text in PLACEHOLDERS:
            return
        if kind is None:
            id_type = values.get(type_key)
            code = normalise(text)
            if id_type == CITIZEN_ID_TYPE or (
                id_type is None and _CITIZEN_ID_SHAPE.fullmatch(code)
            ):
                kind = IdKind.CITIZEN_ID
            else:
                values[key] = code
                return
        result = check(text, kind, allowlist=self._allowlist)
        if result.valid:
            values[key] = result.normalised
            if values.get(type_key) is None and type_key not in bad:
                type_spec = self._specs.get(type_key)
                if type_spec is not None and CITIZEN_ID_TYPE in type_spec.values:
                    values[type_key] = CITIZEN_ID_TYPE
            return
        errors.append(self._code_error(spec, result))
        bad.add(key)

    def _subject_type(self, values: dict[str, Value]) -> str:
        if self._has_category:
            category = values.get(SUBJECT_CATEGORY)
            if isinstance(category, str) and category in CATEGORY_SUBJECT_TYPES:
                return CATEGORY_SUBJECT_TYPES[category]
        return infer_subject_type(values)

    # -- rules across fields ------------------------------------------------------------------

    def _validate(
        self, values: dict[str, Value], subject_type: str, errors: list[RowError], bad: set[str]
    ) -> None:
        reported = set(bad)
        self._check_identity(values, subject_type, errors, reported)
        required = self._required.get(subject_type, self._required[""])
        if None in map(values.__getitem__, required):  # rare: which are missing, and why
            for key in required:
                if values[key] is not None or key in reported:
                    continue
                if any(values.get(alt) for alt in REQUIRED_ALTERNATIVES.get(key, ())):
                    continue
                errors.append(self._error(key, "field.required"))
                reported.add(key)
        if not subject_type:
            # a bad category or a bad code already explains why no type could be found
            if SUBJECT_CATEGORY not in reported and not bad.intersection(self._subject_keys):
                field = SUBJECT_CATEGORY if SUBJECT_CATEGORY in self._specs else ""
                errors.append(
                    RowError(field, "subject.unknown_type", _message("subject.unknown_type"))
                )
        elif subject_type not in self.item.subject_types:
            message = _message(
                "subject.type_not_allowed",
                item=self.item.name,
                type=SubjectKind(subject_type).label,
            )
            field = SUBJECT_CATEGORY if SUBJECT_CATEGORY in self._specs else ""
            errors.append(RowError(field, "subject.type_not_allowed", message))
        self._check_dates(values, errors)

    def _check_identity(
        self,
        values: dict[str, Value],
        subject_type: str,
        errors: list[RowError],
        reported: set[str],
    ) -> None:
        """An organisation needs one of its codes, a person an ID number: else nothing links."""
        if subject_type in ORGANISATION_TYPES:
            keys, code = self._org_keys, "subject.no_org_identifier"
        elif subject_type == "natural_person":
            keys, code = self._person_keys, "subject.no_person_identifier"
        else:
            return
        for key in keys:
            if values[key] is not None or key in reported:
                return
        if not keys:
            return
        names = "、".join(self._specs[k].name for k in keys)
        label = SubjectKind(subject_type).label
        message = _message(code, type=label, fields=names)
        errors.append(RowError(keys[0], code, message))
        reported.update(keys)

    def _check_dates(self, values: dict[str, Value], errors: list[RowError]) -> None:
        decided = values.get(self._decision_key)
        if isinstance(decided, date) and decided > self.today:
            errors.append(
                self._error(self._decision_key, "date.future", today=self.today.isoformat())
            )
        for key in self._dates:
            day = values[key]
            if isinstance(day, date) and day < EARLIEST_DATE:
                errors.append(self._error(key, "date.too_old"))
        for earlier, later in self._pairs:
            first, second = values[earlier], values[later]
            if isinstance(first, date) and isinstance(second, date) and second < first:
                message = _message(
                    "date.order", later=self._specs[later].name, earlier=self._specs[earlier].name
                )
                errors.append(RowError(later, "date.order", message))

    # -- messages -----------------------------------------------------------------------------

    def _error(self, key: str, code: str, **params: Any) -> RowError:
        return RowError(key, code, _message(code, field=self._specs[key].name, **params))

    def _code_error(self, spec: FieldSpec, result: IdentifierCheck) -> RowError:
        message = _message("identifier", field=spec.name, reason=result.message)
        return RowError(spec.key, result.reason, message)

    def _value_error(self, spec: FieldSpec, problem: BadValue, cell: Cell) -> RowError:
        if isinstance(problem, _BadCode):
            return self._code_error(spec, problem.result)
        params: dict[str, Any] = {"field": spec.name}
        if isinstance(problem, TooLong):
            params.update(max=spec.max_length, n=problem.length)
        else:  # only text and code fields are personal: they never get here with a value
            shown = problem.piece if isinstance(problem, BadPiece) else cell_text(cell)
            params["value"] = _shown(shown)
            if spec.type == "enum":
                params["allowed"] = "、".join(spec.values)
        return RowError(spec.key, problem.code, _message(problem.code, **params))
