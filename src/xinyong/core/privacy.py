"""Masking of personal data for every public surface, and a log filter that enforces it.

Rules (RULES.md, PIPL): an ID number shows its first 6 and last 4 characters; a natural
person's name shows the surname and a `*` for each other character.
"""

from __future__ import annotations

import logging
import re

# Two-character surnames common enough that masking the second character would reveal
# the given name's first character instead of hiding it.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 "
    "端木 独孤 南宫 西门 百里 呼延 万俟 澹台 公冶 太史 申屠 闻人 赫连 拓跋".split()
)

# 18-character and legacy 15-digit ID numbers standing alone in text.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[0-9Xx]|\d{15})(?![0-9A-Za-z])")


def mask_id_number(value: str) -> str:
    """`120101199003071234` → `120101********1234`; short values are masked whole."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_person_name(name: str) -> str:
    """`张三丰` → `张**`, `欧阳修` → `欧阳*`."""
    name = name.strip()
    if not name:
        return name
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[:1]
    return surname + "*" * (len(name) - len(surname))


def mask_in_text(text: str) -> str:
    """Mask every ID-number-shaped run of digits in free text (log lines, error messages)."""
    return _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)


class MaskPersonalIdentifiers(logging.Filter):
    """Logging filter: no citizen ID number reaches a log in clear, whoever logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_in_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
