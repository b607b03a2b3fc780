"""Chinese identifiers: normalisation, check characters and validation.

Check-character computations follow RULES.md (GB 32100, GB 11714, GS 15, GB 11643). Every
failure carries a stable reason code (`uscc.check`, `citizen_id.birth_date` …) for programs
and a short Chinese message for people. Messages quote at most a single offending character
or two, never the code or a run of its digits, so they can be logged and shown anywhere.
"""

from __future__ import annotations

import datetime
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from operator import mul
from typing import Any, NamedTuple

from django.db.models.signals import post_delete, post_save
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xinyong.core import regions
from xinyong.core.privacy import mask_id_number, mask_in_text

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_CODE_CHECK = "-123456789X0"  # by 11 - sum % 11, from 1 to 11: 10 is X, 11 is 0
CITIZEN_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
CITIZEN_ID_CHECK = "10X98765432"
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

# GB 32100-2015 table A: registration authority (position 1) → (name, {category (position 2):
# name}). Data, not logic: a new authority or category is a line here.
USCC_AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": (
        "机构编制",
        {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    ),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {
            "1": "外国旅游部门常驻代表机构",
            "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
            "9": "其他",
        },
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}

_DASHES = "-‐‑‒–—―－"
_ORG_CODE_SHAPE = re.compile(r"[0-9A-Z]{8}[0-9X]", re.ASCII)
_CITIZEN_ID_SHAPE = re.compile(r"\d{17}[\dX]", re.ASCII)
_USCC_SHAPE = re.compile(f"[{USCC_ALPHABET}]{{18}}")


class IdKind(StrEnum):
    USCC = "uscc"
    ORG_CODE = "org_code"
    BUSINESS_REG = "business_reg"
    CITIZEN_ID = "citizen_id"

    # Hashed as the string it equals (Enum's own hash is of the name, in Python): a kind is
    # half the key of `check`'s memo, hashed on every call.
    __hash__ = str.__hash__

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    IdKind.USCC: _("统一社会信用代码"),
    IdKind.ORG_CODE: _("组织机构代码"),
    IdKind.BUSINESS_REG: _("工商注册号"),
    IdKind.CITIZEN_ID: _("公民身份号码"),
}


@dataclass(frozen=True, slots=True, repr=False)
class IdentifierCheck:
    """The verdict on one code. `reason` is "" when valid, or an informational code
    (`*.allowlisted`, `citizen_id.converted`) that says how a valid verdict was reached."""

    kind: IdKind | None
    valid: bool
    normalised: str
    reason: str
    message: str

    @property
    def masked(self) -> str:
        """The normalised form as it may be shown: a citizen ID keeps its first 6 and last 4."""
        if self.kind is IdKind.CITIZEN_ID:
            return mask_id_number(self.normalised)
        return mask_in_text(self.normalised) if self.kind is None else self.normalised

    def __repr__(self) -> str:
        # Results end up in logs and test reports; the number itself must not.
        return (
            f"IdentifierCheck(kind={self.kind!r}, valid={self.valid}, "
            f"normalised={self.masked!r}, reason={self.reason!r})"
        )


def normalise(code: str) -> str:
    """NFKC (full-width → half-width), drop spaces and dashes, upper-case.

    ASCII letters and digits alone (nearly every code in a file), or nothing (an absent
    one), are NFKC-normal and hold no space or dash: they are only upper-cased.
    """
    if code.isascii() and (code.isalnum() or not code):
        return code.upper()
    folded = unicodedata.normalize("NFKC", code)
    return "".join(ch for ch in folded if not ch.isspace() and ch not in _DASHES).upper()


# Character values for the weighted sums, which run as map() over C callables: a file can
# bring tens of thousands of codes never seen before (see `check`'s memo).
_USCC_VALUES = {ch: value for value, ch in enumerate(USCC_ALPHABET)}
_ORG_VALUES = {ch: int(ch, 36) for ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def _length(text: str, length: int) -> str:
    if len(text) != length:
        raise ValueError(f"expected {length} characters")
    return text


def uscc_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code; ValueError outside its alphabet."""
    try:
        values = map(_USCC_VALUES.__getitem__, _length(first17, 17))
        total = sum(map(mul, values, USCC_WEIGHTS))
    except KeyError:
        raise ValueError("not a character of the GB 32100 alphabet") from None
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _org_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def org_code_check_char(first8: str) -> str:
    """The 9th character of an organisation code (GB 11714)."""
    try:
        total = sum(map(mul, map(_ORG_VALUES.__getitem__, _length(first8, 8)), ORG_CODE_WEIGHTS))
    except KeyError:  # not [0-9A-Z]: make_uscc's unchecked input, which it then refuses
        total = sum(map(mul, map(_org_value, first8), ORG_CODE_WEIGHTS))
    return ORG_CODE_CHECK[11 - total % 11]


def business_reg_check_digit(first14: str) -> str:
    """The 15th digit of a business registration number (ISO 7064 MOD 11,10)."""
    product = 10
    for ch in first14:
        total = (product + int(ch)) % 10 or 10
        product = (total * 2) % 11
    return str((11 - product) % 10)


def citizen_id_check_char(first17: str) -> str:
    """The 18th character of a citizen ID number (GB 11643)."""
    total = sum(map(mul, map(int, _length(first17, 17)), CITIZEN_ID_WEIGHTS))
    return CITIZEN_ID_CHECK[total % 11]


def org_code_of_uscc(uscc: str) -> str:
    """The GB 11714 organisation code embedded at positions 9–17; links pre-2015 records."""
    code = normalise(uscc)
    if len(code) != 18:
        raise ValueError("a unified social credit code has 18 characters")
    return code[8:17]


def make_uscc(authority: str, category: str, region: str, org_code_body: str) -> str:
    """Assemble a code from its parts, computing the organisation-code and final checks.

    Only the shape is enforced (lengths, alphabet); whether the authority, category and region
    exist is for `check()` to say, so tests and synthetic data can build irregular codes too.
    """
    first17 = authority + category + region + org_code_body
    first17 += org_code_check_char(org_code_body) if len(org_code_body) == 8 else ""
    shapes = (len(authority), len(category), len(region), len(org_code_body))
    if shapes != (1, 1, 6, 8) or any(ch not in USCC_ALPHABET for ch in first17):
        raise ValueError("parts must be 1+1+6+8 characters from the GB 32100 alphabet")
    return first17 + uscc_check_char(first17)


# -- per-kind validation ---------------------------------------------------------------------


class _Reading(NamedTuple):
    """A verdict before translation: `message` is a lazy template, rendered with `params` in
    the caller's language by `result()`, so that a remembered reading holds no text in the
    language of whoever happened to check the code first."""

    kind: IdKind | None
    valid: bool
    normalised: str
    reason: str = ""
    message: Promise | None = None
    params: Mapping[str, object] | None = None

    def result(self) -> IdentifierCheck:
        text = "" if self.message is None else str(self.message)
        if self.params is not None:
            text %= self.params
        return IdentifierCheck(self.kind, self.valid, self.normalised, self.reason, text)


def _ok(kind: IdKind, code: str, reason: str = "", message: Promise | None = None) -> _Reading:
    return _Reading(kind, True, code, reason, message)


def _fail(
    kind: IdKind | None,
    code: str,
    reason: str,
    message: Promise,
    params: Mapping[str, object] | None = None,
) -> _Reading:
    return _Reading(kind, False, code, reason, message, params)


def _org_code_failure(code: str) -> tuple[str, Promise] | None:
    """The first thing wrong with a 9-character organisation code, or None."""
    if len(code) != 9:
        return "org_code.length", _("组织机构代码应为 9 位（8 位本体代码加 1 位校验码）")
    if not _ORG_CODE_SHAPE.fullmatch(code):
        return "org_code.alphabet", _("组织机构代码只能由数字和大写字母组成，校验码为数字或 X")
    if org_code_check_char(code[:8]) != code[8]:
        return "org_code.check", _("组织机构代码校验码不正确")
    return None


def _check_org_code(code: str) -> _Reading:
    failure = _org_code_failure(code)
    return _fail(IdKind.ORG_CODE, code, *failure) if failure else _ok(IdKind.ORG_CODE, code)


def _check_uscc(code: str) -> _Reading:
    kind = IdKind.USCC
    if len(code) != 18:
        return _fail(kind, code, "uscc.length", _("统一社会信用代码应为 18 位"))
    if not _USCC_SHAPE.fullmatch(code):
        bad = sorted({ch for ch in code if ch not in USCC_ALPHABET})
        return _fail(
            kind,
            code,
            "uscc.alphabet",
            _("统一社会信用代码含有不允许的字符 %(chars)s（不使用 I、O、S、V、Z）"),
            {"chars": "、".join(bad)},
        )
    authority = USCC_AUTHORITIES.get(code[0])
    if authority is None:
        return _fail(
            kind, code, "uscc.authority", _("登记管理部门代码 %(c)s 不存在"), {"c": code[0]}
        )
    if code[1] not in authority[1]:
        return _fail(
            kind,
            code,
            "uscc.category",
            _("登记管理部门 %(a)s 下没有机构类别代码 %(c)s"),
            {"a": authority[0], "c": code[1]},
        )
    if not regions.is_registration_region(code[2:8]):
        return _fail(
            kind, code, "uscc.region", _("第 3–8 位的登记管理机关行政区划码不在 GB/T 2260 中")
        )
    if _org_code_failure(code[8:17]) is not None:
        return _fail(kind, code, "uscc.org_code", _("第 9–17 位的组织机构代码校验不通过"))
    if uscc_check_char(code[:17]) != code[17]:
        return _fail(kind, code, "uscc.check", _("统一社会信用代码校验码不正确"))
    return _ok(kind, code)


def _check_business_reg(code: str) -> _Reading:
    kind = IdKind.BUSINESS_REG
    if len(code) != 15:
        return _fail(kind, code, "business_reg.length", _("工商注册号应为 15 位"))
    if not code.isascii() or not code.isdigit():
        return _fail(kind, code, "business_reg.alphabet", _("工商注册号只能由数字组成"))
    if business_reg_check_digit(code[:14]) != code[14]:
        return _fail(kind, code, "business_reg.check", _("工商注册号校验位不正确"))
    return _ok(kind, code)


def _birth_date(digits: str) -> datetime.date | None:
    """YYYYMMDD as a date that is real, not before 1900 and not in the future."""
    try:
        born = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return born if EARLIEST_BIRTH_DATE <= born <= datetime.date.today() else None


def _check_citizen_id(code: str) -> _Reading:
    """18-character numbers as they are; 15-digit legacy numbers converted first."""
    kind = IdKind.CITIZEN_ID
    converted = len(code) == 15 and code.isascii() and code.isdigit()
    if converted:
        first17 = code[:6] + "19" + code[6:]
        code = first17 + citizen_id_check_char(first17)
    if len(code) != 18:
        return _fail(kind, code, "citizen_id.length", _("公民身份号码应为 18 位（旧号码 15 位）"))
    if not _CITIZEN_ID_SHAPE.fullmatch(code):
        return _fail(kind, code, "citizen_id.alphabet", _("公民身份号码只能由数字组成，末位可为 X"))
    if not regions.is_birth_region(code[:6]):
        return _fail(kind, code, "citizen_id.region", _("公民身份号码的地址码不在 GB/T 2260 中"))
    if _birth_date(code[6:14]) is None:
        return _fail(
            kind,
            code,
            "citizen_id.birth_date",
            _("公民身份号码的出生日期不存在、早于 1900 年或晚于今天"),
        )
    if citizen_id_check_char(code[:17]) != code[17]:
        return _fail(kind, code, "citizen_id.check", _("公民身份号码校验码不正确"))
    if converted:
        return _ok(kind, code, "citizen_id.converted", _("15 位旧号码，已转换为 18 位"))
    return _ok(kind, code)


_CHECKERS: dict[IdKind, Callable[[str], _Reading]] = {
    IdKind.USCC: _check_uscc,
    IdKind.ORG_CODE: _check_org_code,
    IdKind.BUSINESS_REG: _check_business_reg,
    IdKind.CITIZEN_ID: _check_citizen_id,
}


# -- the operator's allowlist of irregular codes ---------------------------------------------

# Signals clear this process's copy at once; the TTL bounds how long other processes (other
# web workers, the task worker) can keep admitting or rejecting a code after a change.
ALLOWLIST_TTL_SECONDS = 60.0
_allowlist_lock = threading.Lock()
_allowlist_cache: tuple[float, frozenset[str]] | None = None


def invalidate_allowlist(**_signal_kwargs: Any) -> None:
    """Forget the cached allowlist; the next check that needs it reads the database."""
    global _allowlist_cache
    with _allowlist_lock:
        _allowlist_cache = None


def allowlisted_codes() -> frozenset[str]:
    """The normalised codes of core.IrregularCode, cached for ALLOWLIST_TTL_SECONDS."""
    global _allowlist_cache
    from xinyong.core.models import IrregularCode

    cached = _allowlist_cache
    if cached is not None and time.monotonic() - cached[0] < ALLOWLIST_TTL_SECONDS:
        return cached[1]
    post_save.connect(invalidate_allowlist, sender=IrregularCode, dispatch_uid="ident-allow-s")
    post_delete.connect(invalidate_allowlist, sender=IrregularCode, dispatch_uid="ident-allow-d")
    codes = frozenset(normalise(c) for c in IrregularCode.objects.values_list("code", flat=True))
    with _allowlist_lock:
        _allowlist_cache = (time.monotonic(), codes)
    return codes


# -- kind detection and the public entry point -----------------------------------------------


def _candidates(code: str) -> list[IdKind]:
    """Kinds a code of this shape can be, citizen ID first.

    A number that could be a citizen ID is read as one when it checks out as one: taking a
    person's number for an organisation's would store and show it in clear.
    """
    if len(code) == 18:
        return (
            [IdKind.CITIZEN_ID, IdKind.USCC] if _CITIZEN_ID_SHAPE.fullmatch(code) else [IdKind.USCC]
        )
    if len(code) == 15:
        digits = code.isascii() and code.isdigit()
        return [IdKind.CITIZEN_ID, IdKind.BUSINESS_REG] if digits else [IdKind.BUSINESS_REG]
    if len(code) == 9:
        return [IdKind.ORG_CODE]
    return []


def _looks_like_citizen_id(code: str) -> bool:
    """Its birth-date positions hold a calendar date (even a future one, a likely typo):
    then an invalid code is reported as a citizen ID and treated as personal data."""
    digits = code[6:14] if len(code) == 18 else "19" + code[6:12]
    try:
        born = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return False
    return 1800 <= born.year <= 2099


class _Verdict(NamedTuple):
    """A remembered verdict with a message: translated, and the allowlist consulted (for an
    organisation's code that failed), at each call."""

    reading: _Reading
    listable: bool

    def result(self, allowlist: Collection[str] | None) -> IdentifierCheck:
        chosen = self.reading.result()
        if not self.listable:
            return chosen
        listed = allowlist if allowlist is not None else allowlisted_codes()
        if chosen.normalised not in listed:
            return chosen
        kind, reason = chosen.kind, f"{chosen.kind}.allowlisted"
        message = _("校验不通过（%(m)s），已列入不规范代码白名单") % {"m": chosen.message}
        return IdentifierCheck(kind, True, chosen.normalised, reason, str(message))


def _decide(code: str, kind: IdKind | None) -> tuple[IdentifierCheck | _Verdict, bool]:
    """`check`'s verdict before the allowlist and translation, and whether it is lasting:
    a citizen ID whose birth date failed may only lie in the future, and pass on that day."""
    kind = IdKind(kind) if kind is not None else None
    normalised = normalise(code)
    if not normalised:
        return _Verdict(_fail(kind, normalised, "code.empty", _("代码为空")), False), True
    kinds = [kind] if kind is not None else _candidates(normalised)
    if not kinds:
        message = _("无法识别的代码类型（%(n)d 位）")
        reading = _fail(None, normalised, "code.unknown_kind", message, {"n": len(normalised)})
        return _Verdict(reading, False), True
    failed: list[_Reading] = []
    for k in kinds:
        reading = _CHECKERS[k](normalised)
        if reading.valid:
            verdict = reading.result() if reading.message is None else _Verdict(reading, False)
            return verdict, _lasting(failed)
        failed.append(reading)
    # No reading holds: report the likelier one, a person's number when it could be one.
    personal = len(failed) > 1 and _looks_like_citizen_id(normalised)
    chosen = failed[0] if len(failed) == 1 or personal else failed[1]
    return _Verdict(chosen, chosen.kind is not IdKind.CITIZEN_ID), _lasting(failed)


def _lasting(failed: list[_Reading]) -> bool:
    """No reading failed on its birth date, which may lie in the future: on that day the
    number passes, so a verdict that such a failure took part in is not remembered."""
    return not failed or all(r.reason != "citizen_id.birth_date" for r in failed)


CHECK_MEMO_SIZE = 100_000
_verdicts: dict[tuple[str, IdKind | None], IdentifierCheck | _Verdict] = {}
"""`check`'s memo: (code as given, kind) → verdict. A file names the same company, person
and authority on many rows, and cleaning and linking check the same codes again.

It is safe because what it holds depends on nothing but its key: the checks are pure
functions of the code (the region tables are static data), the operator's allowlist is
consulted after it at each call (so its cache and TTL are untouched, and an explicit
`allowlist=` is honoured), messages are kept as lazy templates and translated at each call,
and a verdict that `today` could change is not kept. Results are frozen dataclasses, so
callers can share them. When full (about 30 MB) it is emptied: a bound, not an LRU."""


def clear_check_memo() -> None:
    """Empty `check`'s memo (benchmarks measure cold checks with it)."""
    _verdicts.clear()


def check(
    code: str, kind: IdKind | None = None, *, allowlist: Collection[str] | None = None
) -> IdentifierCheck:
    """Normalise and validate `code`, detecting its kind from its shape unless given.

    An invalid USCC, organisation code or registration number on the operator's allowlist is
    reported valid with reason `<kind>.allowlisted`. `allowlist` (normalised codes) replaces
    the database's list, for callers without a database; it is only consulted for codes that
    fail. Citizen IDs, and codes reported as one, are never allowlisted: a number shaped like
    a person's stays personal data whatever the list says.
    """
    key = (code, kind)
    verdict = _verdicts.get(key)
    if verdict is None:
        verdict, lasting = _decide(code, kind)
        if lasting:
            if len(_verdicts) >= CHECK_MEMO_SIZE:
                _verdicts.clear()
            _verdicts[key] = verdict
    return verdict if isinstance(verdict, IdentifierCheck) else verdict.result(allowlist)
