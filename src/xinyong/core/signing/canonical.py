"""The canonical JSON form that signatures cover, and a strict parser for signed documents.

A signature is over bytes, so signer and verifier must turn the same value into the same
bytes whatever language, key order or escaping the document travelled in. The form:

1. Values are objects with string keys, arrays, strings, integers between −(2^53−1) and
   2^53−1, true, false and null. No floating-point numbers (NaN and ±Infinity included):
   decimals and larger numbers travel as decimal strings ("12.50"), which every JSON
   library reads back exactly.
2. Object members are sorted by key, comparing Unicode code points; no key appears twice.
3. No whitespace outside strings: "," between items, ":" after a key.
4. Text is UTF-8 and non-ASCII characters are written as themselves, never as \\u escapes;
   only `"` and `\\` are escaped, as `\\"` and `\\\\`, and U+0000–U+001F, as `\\b \\f \\n \\r \\t`
   or else `\\u00xx` (lower-case hex). Lone surrogates are refused. Strings are not
   Unicode-normalised: different code points are different data.
5. Integers are written in decimal, without a plus sign or leading zeros.

This is exactly Python's `json.dumps(value, sort_keys=True, separators=(",", ":"),
ensure_ascii=False).encode("utf-8")` on such values, so a verifier needs only the standard
library (docs/signing.md).
"""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn

from django.utils.translation import gettext as _

from xinyong.core.errors import ReasonedError

MAX_INTEGER = 2**53 - 1
"""The largest integer every JSON parser (JavaScript's included) reads back exactly."""

MAX_DEPTH = 64
"""Nesting deeper than this is refused: no signed document needs it, and a hostile one
would otherwise exhaust the stack."""


class CanonicalError(ReasonedError):
    """A value that has no canonical form; `path` says where (e.g. `$.items[2].amount`)."""

    def __init__(self, reason: str, message: str, path: str = "$") -> None:
        super().__init__(reason, f"{path}: {message}")
        self.path = path


def canonical(value: Any) -> bytes:
    """The canonical bytes of `value` (see the module doc); CanonicalError if it has none."""
    return canonical_text(value).encode("utf-8")


def canonical_text(value: Any) -> str:
    """The canonical form of `value` as text (its bytes are this in UTF-8)."""
    check(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_SURROGATE = re.compile("[\ud800-\udfff]")


def check(value: Any) -> None:
    """Raise CanonicalError at the first part of `value` outside the canonical types.

    A quick walk first, which builds no paths (every check's receipt is checked twice on
    the way to its signature); only a value it does not pass as plain JSON is walked again
    to say where it fails, or to accept what the quick walk does not (subclasses of str or
    int, such as a model's choices)."""
    if not _plain(value, 0):
        _explain(value, "$", 0)


def _plain(value: Any, depth: int) -> bool:
    if depth > MAX_DEPTH:
        return False
    kind = type(value)
    if kind is str:
        return value.isascii() or _SURROGATE.search(value) is None
    if value is None or kind is bool:
        return True
    if kind is int:
        return bool(-MAX_INTEGER <= value <= MAX_INTEGER)
    if kind is dict:
        return all(type(key) is str and _plain(key, 0) for key in value) and all(
            _plain(item, depth + 1) for item in value.values()
        )
    if kind is list:
        return all(_plain(item, depth + 1) for item in value)
    return False


def _explain(value: Any, path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise CanonicalError("canonical.depth", _("嵌套超过 %(n)d 层") % {"n": MAX_DEPTH}, path)
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > MAX_INTEGER:
            raise CanonicalError(
                "canonical.integer_range",
                _("整数超出 ±(2^53−1)，请改用十进制字符串"),
                path,
            )
        return
    if isinstance(value, float):
        raise CanonicalError(
            "canonical.float",
            _('不能签名浮点数（含 NaN 和无穷大）：请用整数或十进制字符串，如 "12.50"'),
            path,
        )
    if isinstance(value, str):
        _check_text(value, path)
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _explain(item, f"{path}[{index}]", depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalError("canonical.key_type", _("对象的键必须是字符串"), path)
            _check_text(key, path)
            _explain(item, f"{path}.{key}", depth + 1)
        return
    raise CanonicalError(
        "canonical.type",
        _("不是 JSON 的取值类型（%(type)s）：只能是对象、数组、字符串、整数、布尔值或 null")
        % {"type": type(value).__name__},
        path,
    )


def _check_text(text: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CanonicalError(
            "canonical.surrogate", _("文本含有孤立的代理字符，不是合法的 Unicode"), path
        ) from exc


def loads(text: str | bytes) -> Any:
    """Parse a signed document strictly: canonical types only, no duplicate keys.

    Python's own `json.loads` keeps the last of two equal keys; another parser may keep the
    first, so a document with both could show a verifier one thing and a person another.
    """
    try:
        value = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_float=_no_float,
            parse_constant=_no_float,
        )
    except CanonicalError:
        raise
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        raise CanonicalError("canonical.json", _("不是合法的 UTF-8 JSON 文本")) from exc
    check(value)
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise CanonicalError(
                "canonical.duplicate_key", _("键“%(key)s”出现了两次") % {"key": key}
            )
        found[key] = value
    return found


def _no_float(token: str) -> NoReturn:
    raise CanonicalError(
        "canonical.float",
        _('不能签名浮点数（含 NaN 和无穷大）：请用整数或十进制字符串，如 "12.50"'),
    )
