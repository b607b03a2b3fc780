"""A small model, facts about a dozen subjects with their scores worked out by hand, and a
deterministic synthetic dataset: what the compiler tests run on SQLite, PostgreSQL and Spark.

The cut-off day is 29 February 2024, so the age windows fall on 28 February: one year back
is 2023-02-28, two years 2022-02-28, three years 2021-02-28 (each included).
"""

from __future__ import annotations

import datetime
import random
import sqlite3
from decimal import Decimal
from typing import Any

from xinyong.evaluation.compiler import OUTPUT_COLUMNS
from xinyong.evaluation.schema import ModelSpec

AS_OF = datetime.date(2024, 2, 29)
D = datetime.date

MODEL: dict[str, Any] = {
    "code": "TEST",
    "name": "测试模型",
    "legal_basis": [{"title": "测试依据"}],
    "subject_types": ["legal_person", "other_org", "individual_business"],
    "base": 80,
    "min_score": 30,
    "max_score": 90,
    "dimensions": [
        {
            "code": "conduct",
            "name": "行为",
            "indicators": [
                {
                    "code": "serious",
                    "name": "严重处罚",
                    "explain": "近三年严重处罚每次扣10分，最多扣25分",
                    "rule": {
                        "source": "record",
                        "items": ["XZCF"],
                        "severity": ["serious"],
                        "within_years": 3,
                    },
                    "measure": "count",
                    "points_each": -10,
                    "cap": -25,
                },
                {
                    "code": "fines",
                    "name": "罚款",
                    "explain": "近一年单笔不少于2万元的罚款合计",
                    "rule": {
                        "source": "record",
                        "items": ["XZCF"],
                        "within_years": 1,
                        "amount_at_least": 2,
                    },
                    "measure": "sum_amount",
                    "bands": [{"from": 5, "to": 9, "points": -3}, {"from": 10, "points": -8}],
                },
                {
                    "code": "commitments",
                    "name": "承诺",
                    "explain": "信用承诺",
                    "rule": {"source": "record", "items": ["XYCN"]},
                    "measure": "count",
                    "bands": [{"from": 1, "to": 2, "points": 2}, {"from": 3, "points": 15}],
                },
                {
                    "code": "listed",
                    "name": "严重失信名单",
                    "explain": "列入严重失信名单",
                    "rule": {"source": "list", "items": ["market_serious_illegal"]},
                    "measure": "presence",
                    "points_each": -20,
                },
            ],
        },
        {
            "code": "basic",
            "name": "基础",
            "indicators": [
                {
                    "code": "activity",
                    "name": "纳税评价记录",
                    "explain": "近两年有纳税信用评价记录",
                    "rule": {"source": "record", "items": ["NSXYPJ"], "within_years": 2},
                    "measure": "presence",
                },
                {
                    "code": "no_uscc",
                    "name": "无统一社会信用代码",
                    "explain": "无统一社会信用代码扣5分",
                    "rule": {"source": "subject", "field": "has_uscc", "equals": False},
                    "measure": "presence",
                    "points_each": -5,
                },
            ],
        },
    ],
    "grades": [
        {"grade": "A", "min": 90, "legacy": "优"},
        {"grade": "B", "min": 75, "legacy": "良"},
        {"grade": "M"},
        {"grade": "C", "min": 60, "legacy": "中"},
        {"grade": "D", "min": 0, "legacy": "差"},
    ],
    "knockouts": [{"indicator": "listed", "at_most": "C", "reason": "列入名单的不高于C级"}],
    "conditional_grades": [
        {"grade": "M", "when_zero": "activity", "min_score": 70, "reason": "无纳税记录"}
    ],
}


def spec() -> ModelSpec:
    return ModelSpec.model_validate(MODEL)


# (subject_id, kind, status, district, industry, size, has_uscc)
SUBJECTS = [
    (1, "legal_person", "active", "120101", "C", "small", 1),
    (2, "legal_person", "active", "120101", "C", "small", 1),
    (3, "legal_person", "active", "120102", "F", "micro", 1),
    (4, "legal_person", "active", "120102", "F", "micro", 1),
    (5, "legal_person", "active", "", "", "", 1),
    (6, "other_org", "active", "120103", "", "", 0),
    (7, "natural_person", "active", "120103", "", "", 0),
    (8, "individual_business", "active", "120104", "H", "micro", 1),
    (9, "legal_person", "active", "120104", "H", "large", 0),
    (10, "legal_person", "active", "120105", "I", "medium", 1),
    (11, "legal_person", "active", "120105", "I", "medium", 1),
]


def _record(
    subject: int, code: str, day: datetime.date, severity: str = "", amount: str | None = None
) -> tuple[Any, ...]:
    return (subject, "record", code, severity, day, None if amount is None else Decimal(amount))


def _entry(subject: int, code: str, day: datetime.date) -> tuple[Any, ...]:
    return (subject, "list", code, "", day, None)


FACTS_BY_HAND = [
    # 1: its tax evaluation on the first day of the two-year window → no M.
    _record(1, "NSXYPJ", D(2022, 2, 28)),
    # 2: the evaluation a day too old → M (score 80 ≥ 70); the fact counts for nothing.
    _record(2, "NSXYPJ", D(2022, 2, 27)),
    # 3: serious penalties on 2021-02-28 (in), 2021-02-27 (out), 2023-01-01, 2024-02-29 (the
    # cut-off day, in): 3 → capped at -25. Fines within one year of at least 2 万元: the
    # general one (6) only; 2023-01-01 is too old, 1.5 too small → 6 → band 5–9 → -3.
    _record(3, "XZCF", D(2021, 2, 28), "serious"),
    _record(3, "XZCF", D(2021, 2, 27), "serious"),
    _record(3, "XZCF", D(2023, 1, 1), "serious", "3"),
    _record(3, "XZCF", D(2024, 2, 29), "serious", "1.5"),
    _record(3, "XZCF", D(2023, 6, 1), "general", "6"),
    _record(3, "NSXYPJ", D(2023, 5, 1)),
    # 4: on the serious list → -20 → 60 = C; the knock-out (at most C) changes nothing.
    _entry(4, "market_serious_illegal", D(2020, 1, 1)),
    _record(4, "NSXYPJ", D(2024, 1, 1)),
    # 5: on the list, three commitments (+15) → 75 = B, knocked out to C.
    _entry(5, "market_serious_illegal", D(2023, 3, 1)),
    _record(5, "XYCN", D(2010, 1, 1)),
    _record(5, "XYCN", D(2015, 1, 1)),
    _record(5, "XYCN", D(2020, 1, 1)),
    _record(5, "NSXYPJ", D(2024, 1, 1)),
    # 6: no USCC (-5); fines 4 (2023-02-28, first day of the window) + 6 (minor: severity does
    # not matter here) = 10 → -8; 100 on 2023-02-27 is too old. 67 < 70: C, not M.
    _record(6, "XZCF", D(2023, 2, 28), "general", "4"),
    _record(6, "XZCF", D(2023, 2, 27), "general", "100"),
    _record(6, "XZCF", D(2024, 1, 10), "minor", "6"),
    # 7: a natural person: never scored.
    _record(7, "XZCF", D(2024, 1, 1), "serious", "50"),
    # 8: fines 2.5 + 2.4999 = 4.9999 → 4 whole 万元 → no band; 0.1 is below 2. One
    # commitment +2 → 82 = B.
    _record(8, "XZCF", D(2023, 12, 1), "general", "2.5"),
    _record(8, "XZCF", D(2023, 12, 2), "general", "2.4999"),
    _record(8, "XZCF", D(2023, 12, 3), "general", "0.1"),
    _record(8, "NSXYPJ", D(2023, 3, 1)),
    _record(8, "XYCN", D(2023, 3, 1)),
    # 9: two serious (-20) with fines 30 + 25 (-8), listed (-20), no USCC (-5): 27 → 30
    # (min_score) = D; the knock-out (C) does not lower a D.
    _record(9, "XZCF", D(2023, 5, 5), "serious", "30"),
    _record(9, "XZCF", D(2023, 6, 6), "serious", "25"),
    _entry(9, "market_serious_illegal", D(2023, 1, 1)),
    _record(9, "NSXYPJ", D(2023, 3, 1)),
    # 10: four commitments (+15) → 95 → 90 (max_score) = A.
    *[_record(10, "XYCN", D(2020 + n, 1, 1)) for n in range(4)],
    _record(10, "NSXYPJ", D(2023, 3, 1)),
    # 11: nothing at all → 80, no tax evaluation → M.
]

# subject_id, score, grade, legacy_grade, points (serious, fines, commitments, listed,
# activity, no_uscc), knockout, facts_used
EXPECTED = [
    (1, 80, "B", "良", "0,0,0,0,0,0", "", 1),
    (2, 80, "M", "", "0,0,0,0,0,0", "", 0),
    (3, 52, "D", "差", "-25,-3,0,0,0,0", "", 5),
    (4, 60, "C", "中", "0,0,0,-20,0,0", "", 2),
    (5, 75, "C", "中", "0,0,15,-20,0,0", "listed", 5),
    (6, 67, "C", "中", "0,-8,0,0,0,-5", "", 2),
    (8, 82, "B", "良", "0,0,2,0,0,0", "", 4),
    (9, 30, "D", "差", "-20,-8,0,-20,0,-5", "", 4),
    (10, 90, "A", "优", "0,0,15,0,0,0", "", 5),
    (11, 80, "M", "", "0,0,0,0,0,0", "", 0),
]


def with_ids(facts: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Facts with record_id / entry_id filled in (one sequence for both)."""
    return [
        (*fact, n if fact[1] == "record" else None, n if fact[1] == "list" else None)
        for n, fact in enumerate(facts, start=1)
    ]


# -- synthetic -------------------------------------------------------------------------------

KINDS = (
    ["legal_person"] * 6
    + ["other_org", "individual_business"] * 2
    + [
        "natural_person",
        "government_organ",
    ]
)
RECORD_CODES = [
    "XZCF", "XZCF", "XZCF", "XZXK", "JYYC", "YZSX_SW", "SXBZX", "NSXY_A", "NSXYPJ", "NSXYPJ",
    "NSXYPJ", "SXJL", "XYCN", "WBXYCN", "TQNMGGZ", "SHBXQJ", "SBJF",
]  # fmt: skip
LIST_CODES = [
    "market_serious_illegal", "tax_major_violation", "court_dishonest_debtor", "safety_serious",
    "wage_arrears", "procurement_serious", "tax_credit_a", "customs_aeo", "credit_honour",
]  # fmt: skip
WITH_AMOUNT = {"XZCF", "TQNMGGZ", "SHBXQJ"}


def _day(rng: random.Random) -> datetime.date:
    """A decision day within five years of the cut-off, often on a window's edge."""
    if rng.random() < 0.3:
        years = rng.choice([1, 2, 3])
        edge = AS_OF.replace(year=AS_OF.year - years, day=28)
        return edge + datetime.timedelta(days=rng.choice([-1, 0, 1]))
    return AS_OF - datetime.timedelta(days=rng.randrange(0, 5 * 366))


def _amount(rng: random.Random) -> Decimal | None:
    if rng.random() < 0.2:
        return None
    whole = rng.choice([0, 1, 2, 4, 5, 9, 10, 19, 20, 49, 50, 120])
    return Decimal(whole) + Decimal(rng.randrange(0, 10_000)) / 10_000


def synthetic(seed: int, subjects: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(facts, subjects) for `subjects` subjects, the same for the same seed."""
    rng = random.Random(seed)
    subject_rows: list[tuple[Any, ...]] = []
    facts: list[tuple[Any, ...]] = []
    for subject_id in range(1, subjects + 1):
        kind = rng.choice(KINDS)
        subject_rows.append(
            (
                subject_id,
                kind,
                "active",
                rng.choice(["120101", "120102", ""]),
                "",
                "",
                rng.choice([0, 1, 1, 1]),
            )
        )
        for _n in range(rng.choice([0, 0, 1, 2, 3, 5, 8])):
            if rng.random() < 0.2:
                facts.append((subject_id, "list", rng.choice(LIST_CODES), "", _day(rng), None))
                continue
            code = rng.choice(RECORD_CODES)
            severity = rng.choice(["minor", "general", "serious"]) if code == "XZCF" else ""
            amount = _amount(rng) if code in WITH_AMOUNT else None
            facts.append((subject_id, "record", code, severity, _day(rng), amount))
    return with_ids(facts), subject_rows


# -- SQLite ----------------------------------------------------------------------------------

FACTS_TABLE = (
    "CREATE TABLE eval_facts (subject_id BIGINT, source TEXT, code TEXT, severity TEXT,"
    " decided_on DATE, amount DECIMAL(16, 4), record_id BIGINT, entry_id BIGINT)"
)
SUBJECTS_TABLE = (
    "CREATE TABLE eval_subjects (subject_id BIGINT, kind TEXT, status TEXT, district TEXT,"
    " industry TEXT, size TEXT, has_uscc INT)"
)


def sqlite_db(facts: list[tuple[Any, ...]], subjects: list[tuple[Any, ...]]) -> sqlite3.Connection:
    """An in-memory SQLite database holding the two relations as Django stores such values:
    dates as 'YYYY-MM-DD' text, decimals as text converted by the column's numeric affinity."""
    db = sqlite3.connect(":memory:")
    db.execute(FACTS_TABLE)
    db.execute(SUBJECTS_TABLE)
    db.executemany(
        "INSERT INTO eval_facts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(*f[:4], f[4].isoformat(), None if f[5] is None else str(f[5]), *f[6:]) for f in facts],
    )
    db.executemany("INSERT INTO eval_subjects VALUES (?, ?, ?, ?, ?, ?, ?)", subjects)
    return db


def rows(cursor: Any, sql: str) -> list[tuple[Any, ...]]:
    """The model's output rows, in OUTPUT_COLUMNS order, by subject id."""
    columns = ", ".join(f"scored.{name}" for name in OUTPUT_COLUMNS)
    cursor.execute(f"SELECT {columns} FROM ({sql}) scored ORDER BY scored.subject_id")
    return [tuple(row) for row in cursor.fetchall()]
