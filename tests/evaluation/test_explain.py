"""Explanations: each indicator's points with the records and list entries behind them,
selected by the compiler's own rules at the score's cut-off; the knock-out and the conditional
grade; "why not higher"; the history of grades; what the public may see; and the access log of
a read. Natural persons are never explained."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.evaluation.explain_fixtures import PENALTY_DOC, TAX, TJ, Graded, graded
from tests.evaluation.runs_fixtures import (
    CODE,
    company,
    days_ago,
    land,
    listing,
    market,
    model_dir,
    penalty,
    policy,
    record_of,
    set_weight,
    subject_of,
    var_dir,
    version,
)
from tests.records.test_public_fixtures import licence
from xinyong.accounts.models import Organisation
from xinyong.core.models import AuditEntry
from xinyong.evaluation.models import ModelVersion
from xinyong.evaluation.services import (
    explain,
    explain_all,
    grade_history,
    log_read,
    public_grades,
    publish,
    run_full,
)
from xinyong.records import due_process
from xinyong.subjects.models import AccessKind, Subject, SubjectAccess, SubjectKind

pytestmark = pytest.mark.django_db
__all__ = ["graded", "market", "model_dir", "policy", "var_dir", "version"]  # fixtures by name


def _explained(subject: Subject, code: str = CODE) -> Any:
    found = explain(subject, code)
    assert found is not None
    return found


def test_each_point_comes_with_the_records_behind_it(
    version: ModelVersion, market: Organisation
) -> None:
    docs = ["津市监罚〔2026〕601号", "津市监罚〔2026〕602号"]
    land(market, "XZCF", [penalty(doc, company(60)) for doc in docs])
    subject = subject_of(60)
    run_full(version)
    found = _explained(subject)
    assert (found.model_code, found.model_name, found.version) == (CODE, "测试评价模型", 1)
    assert (found.score, found.grade, found.legacy_grade, found.score_grade) == (60, "C", "中", "C")
    assert found.as_of == days_ago(0) and found.run.trigger == "cli" and not found.changed
    assert [(d.code, d.points) for d in found.dimensions] == [("basic", 0), ("compliance", -20)]
    by_code = {ind.code: ind for ind in found.indicators}
    assert (by_code["no_uscc"].value, by_code["no_uscc"].points) == (0, 0)
    penalties = by_code["penalties"]
    assert (penalties.value, penalties.value_text, penalties.points) == (2, "2条", -20)
    assert sorted(r.doc_no for r in penalties.records) == docs
    record = penalties.records[0]
    assert (record.item_code, record.item_name) == ("XZCF", "行政处罚")
    assert (record.severity, record.severity_name, record.amount) == (
        "general",
        "一般",
        Decimal("1.5"),
    )
    assert record.department == market.name and record.decision_date == days_ago(30)
    assert "行政处罚法" in record.legal_basis and not record.under_objection
    assert by_code["serious_lists"].records == () and by_code["serious_lists"].entries == ()
    # Why not B: 15 points short, the penalties cost the most.
    why = found.why_not_higher
    assert why is not None and (why.next_grade, why.next_min, why.points_needed) == ("B", 75, 15)
    assert [ind.code for ind in why.costs] == ["penalties"]
    assert why.reasons == (
        "得分60分，距B级（75分）还差15分。",
        "扣分最多的指标依次为：行政处罚 −20分。",
    )


def test_a_knockout_names_its_list_entry_and_holds_the_grade_down(
    version: ModelVersion, market: Organisation
) -> None:
    land(market, "YZSX_SCJG", [listing(market, 61, days_ago(10))])
    subject = subject_of(61)
    run_full(version)
    found = _explained(subject)
    assert (found.score, found.score_grade, found.grade) == (75, "B", "C")
    assert found.knockout is not None and found.knockout.indicator == "serious_lists"
    assert found.knockout.grade == "C" and "不高于C级" in found.knockout.reason
    listed = {ind.code: ind for ind in found.indicators}["serious_lists"]
    assert (listed.value_text, listed.points) == ("有", -5)
    [entry] = listed.entries
    assert (entry.list_type, entry.doc_no) == ("market_serious_illegal", "津市监列〔2026〕61号")
    assert entry.kind == "punishment" and "严重违法失信名单管理办法" in entry.legal_basis
    why = found.why_not_higher
    assert why is not None and (why.next_grade, why.points_needed) == ("B", 0)
    assert why.reasons[0].startswith("列入严重违法失信名单的，评价等级不高于C级（严重违法")


def test_facts_are_read_at_the_scores_cut_off_and_a_change_is_flagged(
    version: ModelVersion, market: Organisation
) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕621号", company(62), decided=days_ago(30))],
         received=days_ago(30))  # fmt: skip
    subject = subject_of(62)
    run_full(version, as_of=days_ago(31))  # before the penalty was received
    early = _explained(subject)
    assert (early.grade, early.as_of, early.indicators[1].records) == ("B", days_ago(31), ())
    assert not early.changed
    run_full(version)
    [record] = _explained(subject).indicators[1].records
    assert record.doc_no == "津市监罚〔2026〕621号"
    # Withdrawn after the run: the score stands, the explanation says data changed since.
    due_process.withdraw(record_of("津市监罚〔2026〕621号"), reference="测试", organisation_id=None)
    after = _explained(subject)
    assert (after.grade, after.indicators[1].points, after.indicators[1].records) == ("C", -10, ())
    assert after.changed


def test_a_record_under_objection_is_marked(version: ModelVersion, market: Organisation) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕631号", company(63))])
    due_process.set_objection_mark(
        record_of("津市监罚〔2026〕631号"), "marked", reference="异议", organisation_id=None
    )
    run_full(version)
    [record] = _explained(subject_of(63)).indicators[1].records
    assert record.under_objection


def test_one_query_reads_the_facts_whatever_the_number_of_indicators(
    graded: Graded, django_assert_max_num_queries: Any
) -> None:
    # TJGGXY has 20 indicators: explaining it takes a fixed handful of queries.
    with django_assert_max_num_queries(7):
        found = explain(graded.one, TJ)
    assert found is not None and len(found.indicators) == 20


def test_the_packaged_models_explain_points_gains_and_the_conditional_grade(
    graded: Graded,
) -> None:
    tj = _explained(graded.one, TJ)
    assert (tj.score, tj.grade, tj.legacy_grade) == (82, "B", "良")
    points = {ind.code: ind.points for ind in tj.indicators if ind.points}
    assert points == {"penalties_general": -3, "tax_grade_a": 5}
    fines = {ind.code: ind for ind in tj.indicators}["large_fines"]
    assert (fines.value, fines.value_text, fines.points) == (1, "合计1.5万元", 0)
    assert [r.doc_no for r in fines.records] == [PENALTY_DOC]
    why = tj.why_not_higher
    assert why is not None and (why.next_grade, why.points_needed) == ("A", 8)
    assert "参保缴费记录" in why.gains and "纳税信用A级" not in why.gains
    assert tj.supervision.startswith("信用风险一般")
    tax = _explained(graded.one, TAX)
    assert (tax.score, tax.grade, tax.why_not_higher) == (95, "A", None)
    # No tax activity on record: M, held below B by the conditional grade.
    m = _explained(graded.two, TAX)
    assert (m.score, m.score_grade, m.grade) == (100, "A", "M")
    assert m.conditional is not None and m.conditional.indicator == "tax_activity"
    assert m.why_not_higher is not None and m.why_not_higher.next_grade == "B"
    assert m.why_not_higher.reasons[0].startswith("新设立或评价年度内无生产经营业务收入")
    assert [e.model_code for e in explain_all(graded.one)] == [TAX, TJ]


def test_natural_persons_are_never_explained(graded: Graded) -> None:
    person = Subject.objects.create(kind=SubjectKind.NATURAL_PERSON, name="王小明")
    assert explain(person, TJ) is None and explain_all(person) == []
    assert grade_history(person, TJ) == [] and public_grades(person) == []


def test_the_history_folds_unchanged_runs(version: ModelVersion, market: Organisation) -> None:
    land(market, "XZXK", [licence("津市监许〔2026〕640号", company(64))])
    subject = subject_of(64)
    run_full(version, as_of=days_ago(2))
    run_full(version, as_of=days_ago(1))
    land(market, "XZCF", [penalty("津市监罚〔2026〕641号", company(64))])
    run_full(version)
    rows = grade_history(subject, CODE)
    assert [(r.score, r.grade, r.runs, r.change) for r in rows] == [
        (70, "C", 1, "down"),
        (80, "B", 2, "first"),
    ]
    assert (rows[1].first_as_of, rows[1].last_as_of) == (days_ago(2), days_ago(1))


def test_the_public_sees_only_the_grades_policy_allows(
    policy: None, model_dir: Path, market: Organisation
) -> None:
    set_weight(model_dir, "public_grades: []", "public_grades: [B]")
    version = publish(CODE, directory=model_dir).version
    land(market, "XZCF", [penalty("津市监罚〔2026〕651号", company(65))])
    land(market, "YZSX_SCJG", [listing(market, 66, days_ago(10))])
    land(market, "XZXK", [licence("津市监许〔2026〕670号", company(67))])
    run_full(version)
    assert public_grades(subject_of(65)) == []  # C
    assert public_grades(subject_of(66)) == []  # 75 points, but C by the knock-out
    [shown] = public_grades(subject_of(67))
    assert (shown.model_code, shown.model_name, shown.grade) == (CODE, "测试评价模型", "B")
    assert shown.as_of == shown.evaluated_on == days_ago(0)


def test_a_read_by_staff_is_in_the_subjects_access_log(graded: Graded) -> None:
    found = explain_all(graded.one)
    credit = Organisation.objects.get(kind="credit_office")
    log_read(graded.one, found, organisation_id=credit.pk, purpose="分级分类监管", channel="office")
    [entry] = SubjectAccess.objects.filter(subject=graded.one)
    assert (entry.kind, entry.organisation_id) == (AccessKind.SHARED_READ, credit.pk)
    assert entry.purpose == "查询信用评价：分级分类监管"
    assert "天津市社会信用条例" in entry.legal_basis
    assert entry.reference == f"{TAX} v1,{TJ} v1"
    audit = AuditEntry.objects.get(action="evaluation.read")
    assert audit.object_id == graded.one.public_id and audit.purpose == "分级分类监管"
    log_read(graded.one, [], organisation_id=credit.pk, purpose="x", channel="office")
    assert SubjectAccess.objects.filter(subject=graded.one).count() == 1
