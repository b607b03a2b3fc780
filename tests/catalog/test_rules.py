"""Publication rules by decision date, severity classes, deadlines."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.catalog.conftest import Editor
from xinyong.catalog.schema import Period
from xinyong.catalog.services import (
    PolicyLookupError,
    PublicationRules,
    deadline_for,
    default_policy_dir,
    load_policy,
    penalty_severity,
    publication_rule_for,
)

D = datetime.date


@pytest.fixture
def tianjin(db: None) -> None:
    load_policy(default_policy_dir())


@pytest.mark.parametrize(
    ("decided", "rule_set", "repair_months"),
    [
        (D(2016, 11, 25), "NDRC_2019_527", 6),
        (D(2023, 4, 30), "NDRC_2019_527", 6),
        (D(2023, 5, 1), "NDRC_ORDER_58", 12),
        (D(2026, 3, 31), "NDRC_ORDER_58", 12),
        (D(2026, 4, 1), "NDRC_ORDER_36", 12),
        (D(2031, 1, 1), "NDRC_ORDER_36", 12),
    ],
)
@pytest.mark.usefixtures("tianjin")
def test_serious_penalty_takes_the_rule_of_its_decision_date(
    decided: datetime.date, rule_set: str, repair_months: int
) -> None:
    rule = publication_rule_for("XZCF", "serious", decided)
    assert (rule.rule_set, rule.source, rule.published) == (rule_set, "rule_set", True)
    assert rule.ends_after == Period(years=3)
    assert rule.repair_from(decided) == Period(months=repair_months).add_to(decided)
    assert rule.ends_on(decided) == D(decided.year + 3, decided.month, decided.day)


@pytest.mark.usefixtures("tianjin")
def test_minor_and_general_classes() -> None:
    minor = publication_rule_for("XZCF", "minor", D(2026, 5, 6))
    assert not minor.published and minor.ends_on(D(2026, 5, 6)) == D(2026, 8, 6)
    assert minor.repair_from(D(2026, 5, 6)) == D(2026, 5, 6)
    general = publication_rule_for("XZCF", "general", D(2025, 8, 31))
    assert general.published and general.rule_set == "NDRC_ORDER_58"
    assert general.repair_from(D(2025, 8, 31)) == D(2025, 11, 30)
    assert general.ends_on(D(2025, 8, 31)) == D(2026, 8, 31)


@pytest.mark.usefixtures("tianjin")
def test_market_regulation_takes_its_own_rule_from_2025_12_25() -> None:
    decided = D(2026, 1, 10)
    samr = publication_rule_for("XZCF", "general", decided, sector="market_regulation")
    tax = publication_rule_for("XZCF", "general", decided, sector="tax")
    assert (samr.rule_set, tax.rule_set) == ("SAMR_ORDER_107", "NDRC_ORDER_58")
    before = publication_rule_for("XZCF", "general", D(2025, 12, 24), sector="market_regulation")
    assert before.rule_set == "NDRC_ORDER_58"


@pytest.mark.django_db
def test_old_records_can_take_todays_rule(policy_dir: Path, edit_yaml: Editor) -> None:
    edit_yaml("publication.yaml", lambda d: d.update(old_records_keep_own_rule=False))
    load_policy(policy_dir)
    rule = publication_rule_for("XZCF", "serious", D(2020, 6, 1), as_of=D(2026, 5, 1))
    assert rule.rule_set == "NDRC_ORDER_36" and rule.repair_after == Period(years=1)
    later = publication_rule_for("XZCF", "serious", D(2026, 6, 1), as_of=D(2023, 6, 1))
    assert later.rule_set == "NDRC_ORDER_36"


@pytest.mark.usefixtures("tianjin")
def test_items_with_their_own_rule() -> None:
    tax_list = publication_rule_for("YZSX_SW", None, D(2024, 3, 1))
    assert (tax_list.source, tax_list.rule_set) == ("item", None)
    assert tax_list.ends_on(D(2024, 3, 1)) == D(2027, 3, 1)
    court = publication_rule_for("SXBZX", None, D(2024, 3, 1))
    assert court.until_field == "removal_date" and court.ends_on(D(2024, 3, 1)) == D(2026, 3, 1)
    licence = publication_rule_for("XZXK", None, D(2024, 3, 1))
    assert licence.until_field == "valid_to" and licence.ends_on(D(2024, 3, 1)) is None
    hidden = publication_rule_for("SHBXQJ", None, D(2024, 3, 1))
    assert not hidden.published
    listed = publication_rule_for("YZSX_LDBZ", "serious", D(2024, 3, 1))
    assert listed.rule_set == "NDRC_ORDER_58"


@pytest.mark.parametrize(
    ("item", "severity", "reason"),
    [
        ("NOPE", None, "catalog.unknown_item"),
        ("XZCF", None, "publication.unknown_severity"),
        ("XZCF", "grave", "publication.unknown_severity"),
        ("YZSX_SCJG", "general", "publication.unknown_severity"),
        ("YZSX_SW", "serious", "publication.severity_not_applicable"),
    ],
)
@pytest.mark.usefixtures("tianjin")
def test_questions_without_an_answer(item: str, severity: str | None, reason: str) -> None:
    with pytest.raises(PolicyLookupError) as caught:
        publication_rule_for(item, severity, D(2024, 1, 1))
    assert caught.value.reason == reason


@pytest.mark.django_db
def test_no_rule_set_before_the_first(policy_dir: Path, edit_yaml: Editor) -> None:
    edit_yaml(
        "publication.yaml",
        lambda d: d["rule_sets"][3].update(effective_from=D(2019, 7, 1)),
    )
    load_policy(policy_dir)
    with pytest.raises(PolicyLookupError) as caught:
        publication_rule_for("XZCF", "general", D(2019, 6, 30))
    assert caught.value.reason == "publication.no_rule_set"


@pytest.mark.parametrize(
    ("types", "declared", "severity"),
    [
        (["警告"], None, "minor"),
        (["警告", "通报批评"], None, "minor"),
        (["警告", "罚款"], None, "general"),
        (["罚款", "没收违法所得"], None, "general"),
        (["罚款", "吊销许可证件"], None, "serious"),
        (["责令关闭"], None, "serious"),
        (["罚款"], "严重", "serious"),
        (["吊销许可证件"], "一般", "serious"),
    ],
)
@pytest.mark.usefixtures("tianjin")
def test_penalty_severity(types: list[str], declared: str | None, severity: str) -> None:
    assert penalty_severity("XZCF", types, declared) == severity


@pytest.mark.usefixtures("tianjin")
def test_penalty_severity_refuses_what_it_cannot_class() -> None:
    rules = PublicationRules.current()
    for types, declared, reason in [
        (["罚金"], None, "severity.unknown_value"),
        (["罚款"], "很严重", "severity.unknown_declared"),
        ([], None, "severity.no_values"),
    ]:
        with pytest.raises(PolicyLookupError) as caught:
            rules.severity_of("XZCF", types, declared)
        assert caught.value.reason == reason
    with pytest.raises(PolicyLookupError):
        rules.severity_of("XZXK", ["普通"])


@pytest.mark.usefixtures("tianjin")
def test_deadlines() -> None:
    assert deadline_for("double_publicity", D(2025, 6, 1)).working_days == 7
    assert deadline_for("repair_platform_response", D(2025, 6, 1)).working_days == 10
    assert deadline_for("repair_department_acceptance", D(2025, 6, 1)).working_days == 3
    assert deadline_for("list_notice_response", D(2025, 6, 1)).working_days == 5
    with pytest.raises(PolicyLookupError) as caught:
        deadline_for("double_publicity", D(2018, 12, 4))
    assert caught.value.reason == "deadline.none"


def test_period_arithmetic_keeps_to_the_calendar() -> None:
    assert Period(years=1).add_to(D(2024, 2, 29)) == D(2025, 2, 28)
    assert Period(months=1).add_to(D(2025, 1, 31)) == D(2025, 2, 28)
    assert Period(months=3, days=1).add_to(D(2025, 11, 30)) == D(2026, 3, 1)
    assert str(Period(years=1, months=6)) == "1年6个月"


@given(
    st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)),
    st.integers(min_value=0, max_value=10),
    st.integers(min_value=0, max_value=30),
)
def test_period_in_years_is_twelve_months_each(
    start: datetime.date, years: int, months: int
) -> None:
    if years == months == 0:
        return
    combined = Period(years=years, months=months).add_to(start)
    assert combined == Period(months=12 * years + months).add_to(start)
    assert combined >= start
    total = 12 * (combined.year - start.year) + combined.month - start.month
    assert total == 12 * years + months and combined.day <= start.day
