"""What identifies a record and what tells two versions apart, computed without the database.

- The **natural key** is SHA-256 over (organisation id, item code, the item's natural-key
  field values in a folded form, subject id): the same decision sent again with the document
  number spelled `津市监罚（2026）12号` instead of `津市监罚〔2026〕12号`, or with a stray space,
  is the same record.
- The **content hash** is SHA-256 over the canonical JSON of the catalogue fields. A
  personal identifier enters it only as its keyed hash (blind index), never in clear; columns
  the mapping did not know are kept with the version but do not count as content (an export
  timestamp or a running number must not make a new version of an unchanged decision).
- **Stored data**: the same canonical values, with each personal field replaced by
  {"masked", "hash", "enc"}.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from xinyong.catalog.schema import FieldSpec
from xinyong.core.crypto import blind_index, encrypt
from xinyong.core.privacy import mask_id_number, mask_in_text, mask_person_name
from xinyong.records.ingest.types import Value
from xinyong.subjects.models import CITIZEN_ID_CONTEXT

PERSONAL_HASH_CONTEXT = CITIZEN_ID_CONTEXT
"""Blind-index domain of personal identifiers in records: the subjects' own, so a record's
ID number can be matched with the subject (or legal representative) it names."""

PERSONAL_ENC_CONTEXT = "records.personal"
"""Encryption context (associated data) of personal values stored in record versions."""

_BRACKETS = str.maketrans({"(": "〔", ")": "〕", "[": "〔", "]": "〕", "【": "〔", "】": "〕"})
_SPACE = re.compile(r"\s+")
_SEPARATOR = "\x1f"


def fold_key_text(value: str) -> str:
    """The spelling-independent form of a natural-key value: NFKC, no white space, upper
    case, and every kind of bracket around a year written as 〔〕."""
    folded = unicodedata.normalize("NFKC", value)
    return _SPACE.sub("", folded).upper().translate(_BRACKETS)


def plain(value: Value) -> Any:
    """A cleaned value as JSON: dates in ISO form, amounts as plain decimal strings."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text if text != "-0" else "0"
    if isinstance(value, list):
        return list(value)
    return value


def natural_key(
    organisation_id: int, item_code: str, parts: Iterable[Value], subject_id: int
) -> str:
    """The record's natural key (64 hex characters)."""
    folded = [fold_key_text(str(plain(p))) for p in parts]
    text = _SEPARATOR.join([str(organisation_id), item_code, *folded, str(subject_id)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(organisation_id: int, item_code: str, content_hash: str) -> tuple[int, int]:
    """128 bits of SHA-256 over (organisation, item, content hash) as two signed 64-bit
    numbers: `Record.content_key` (indexed: finds the record whose current version a row
    repeats) and `Record.content_check` (confirms it). Two different contents share a
    fingerprint with a probability of 2^-128 per comparison."""
    text = f"{organisation_id}{_SEPARATOR}{item_code}{_SEPARATOR}{content_hash}"
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return (
        int.from_bytes(digest[:8], "big", signed=True),
        int.from_bytes(digest[8:16], "big", signed=True),
    )


def _dumps(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Content:
    """A row's content as `ContentCodec.content` hashes it."""

    canonical: dict[str, Any]
    """The values, personal ones as their blind index."""
    clear: dict[str, str]
    """The clear personal values by key, to be protected only if the row is written."""
    text: str
    """The canonical JSON of `canonical`."""
    digest: str
    """SHA-256 of `text`: the content hash."""


class ContentCodec:
    """Hashes and protects the values of one catalogue item's rows."""

    def __init__(self, fields: Iterable[FieldSpec]) -> None:
        specs = list(fields)
        self.personal: dict[str, FieldSpec] = {f.key: f for f in specs if f.personal}
        self.multiple = frozenset(f.key for f in specs if f.multiple)

    def _hashed_form(self, values: Mapping[str, Value]) -> tuple[dict[str, Any], dict[str, str]]:
        """(canonical values with personal ones as their blind index, the clear personal
        values by key, to be protected only if the row is written)."""
        canonical: dict[str, Any] = {}
        clear: dict[str, str] = {}
        for key, value in values.items():
            if value is None or value == "" or value == []:
                continue
            if key in self.personal:
                text = str(value)
                clear[key] = text
                canonical[key] = blind_index(text, context=PERSONAL_HASH_CONTEXT)
            elif key in self.multiple and isinstance(value, list):
                canonical[key] = sorted(value)
            else:
                canonical[key] = plain(value)
        return canonical, clear

    def content(self, values: Mapping[str, Value]) -> Content:
        """The row's canonical values, their JSON and its hash."""
        canonical, clear = self._hashed_form(values)
        text = _dumps(canonical)
        return Content(canonical, clear, text, hashlib.sha256(text.encode("utf-8")).hexdigest())

    def stored(self, content: Content) -> str:
        """The JSON stored in `RecordVersion.data`: personal values masked, hashed and
        encrypted, nothing in clear (without personal values: the canonical JSON)."""
        if not content.clear:
            return content.text
        data = dict(content.canonical)
        for key, text in content.clear.items():
            spec = self.personal[key]
            masked = (
                mask_person_name(text)
                if spec.mask is not None and spec.mask.style == "person_name"
                else mask_id_number(text)
            )
            data[key] = {
                "masked": masked,
                "hash": content.canonical[key],
                "enc": encrypt(text, context=PERSONAL_ENC_CONTEXT),
            }
        return _dumps(data)

    @staticmethod
    def extra_json(extra: Mapping[str, str]) -> str:
        """The JSON stored in `RecordVersion.extra`: the columns the mapping did not know,
        with every ID-number-shaped run masked — nobody has said what such a column holds,
        and an old template's 代码_5 holds citizen IDs."""
        return _dumps({key: mask_in_text(value) for key, value in extra.items()})


def key_number(key: str) -> int:
    """The first 64 bits of a natural key, as kept by `SeenKeys`."""
    return int(key[:16], 16)


class SeenKeys:
    """The natural keys already met in one run over a file, in 8 bytes each.

    Sorted runs of unsigned 64-bit numbers, merged while they are small (a log-structured
    set whose runs stop growing at `MAX_RUN`): a lookup is one bisection per run, a million
    keys take 8 MB where a Python set takes about 60, and no merge ever builds a temporary
    list of more than `MAX_RUN` numbers. Two keys sharing their first 64 bits are taken for
    one; at a million keys that happens with a probability of about 1 in 40 million.
    """

    MAX_RUN = 1 << 18

    def __init__(self) -> None:
        self._runs: list[array[int]] = []

    def add_many(self, numbers: Iterable[int]) -> None:
        run = array("Q", sorted(set(numbers)))
        while run and self._runs:
            last = self._runs[-1]
            if len(last) > 2 * len(run) or len(last) + len(run) > self.MAX_RUN:
                break
            run = array("Q", sorted(set(self._runs.pop()).union(run)))
        if run:
            self._runs.append(run)

    def __contains__(self, number: object) -> bool:
        if not isinstance(number, int):
            return False
        for run in self._runs:
            i = bisect_left(run, number)
            if i < len(run) and run[i] == number:
                return True
        return False

    def __len__(self) -> int:
        return sum(len(run) for run in self._runs)
