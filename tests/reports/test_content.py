"""What a report says: every current record of each item in scope and nothing withdrawn,
repaired, ended or withheld; persons masked; a fingerprint that changes exactly when the
subject's situation does; a JSON round trip; a fixed number of queries."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.records.pipeline.helpers import citizen_id
from tests.records.test_public_fixtures import (
    company,
    hrss,
    land,
    market,
    penalty,
    person,
    policy,
    var_dir,
)
from tests.reports.content_fixtures import (
    BUSY,
    HIDDEN,
    Orgs,
    busy,
    consent,
    orgs,
    penalties,
    quiet,
    set_record,
)
from xinyong.reports.document import ReportContent
from xinyong.reports.services.content import (
    build_content,
    content_data,
    content_from_data,
    fingerprint,
)
from xinyong.reports.services.scope import ReportRefused, Requester, decide_scope
from xinyong.subjects.models import Subject, SubjectKind

__all__ = ["busy", "hrss", "market", "orgs", "policy", "quiet", "var_dir"]  # by name


def report(
    subject: Subject,
    type_code: str,
    requester: Requester,
    *,
    purpose: str = "",
    cut_off: datetime.datetime | None = None,
) -> ReportContent:
    scope = decide_scope(type_code, requester, subject, purpose=purpose)
    return build_content(
        subject, scope, purpose=purpose, requester_label=requester.label, cut_off=cut_off
    )


def docs(content: ReportContent, code: str) -> list[str]:
    section = next(s for s in content.sections if s.code == code)
    return [r.doc_no for r in section.records]


def test_a_public_report_of_a_busy_company(busy: Subject) -> None:
    content = report(busy, "public", Requester.for_public())

    assert content.type_name == "公共信用信息报告（通用版）" and content.requester == "社会公众"
    assert content.subject.name == "天津市报告测试建材有限公司" and content.subject.uscc
    assert [s.code for s in content.sections][:2] == ["XZXK", "XZCF"]
    assert len(docs(content, "XZCF")) == 12  # all of them, the most recent first
    assert docs(content, "XZCF")[0] == "津市监罚〔2026〕1号"
    assert len(docs(content, "XZXK")) == 3 and docs(content, "JYYC") == []
    assert {s.disclosure for s in content.sections} == {"public"}
    assert content.record_count == 15 and len(content.record_ids) == 15
    (entry,) = content.lists
    assert entry.doc_no == "津市监列〔2026〕41号"
    assert all(not g.reasons for g in content.grades)
    assert "TJGGXY" not in {g.model_code for g in content.grades}  # its grades are not public
    text = json.dumps(content_data(content), ensure_ascii=False)
    for doc_no in HIDDEN.values():
        assert doc_no not in text
    assert "津人社处" not in text and "NSXYPJ" not in text  # other classes
    assert "社会公开类信息" in " ".join(content.notes)
    assert "/account/objections/" in " ".join(content.notes)


def test_the_subjects_full_report_has_every_class_and_graded_reasons(busy: Subject) -> None:
    content = report(busy, "full", Requester.for_subject("firm"))

    assert docs(content, "TQNMGGZ") == ["津人社处〔2026〕1号"]  # the repaired one left out
    assert len(docs(content, "NSXYPJ")) == 1
    assert len(docs(content, "XZCF")) == 12
    grades = {g.model_code: g for g in content.grades}
    assert "TJGGXY" in grades and grades["TJGGXY"].reasons
    assert grades["TJGGXY"].reasons[0].startswith("得分")
    assert grades["TJGGXY"].grade_name.startswith(grades["TJGGXY"].grade + "级")
    text = json.dumps(content_data(content), ensure_ascii=False)
    for doc_no in HIDDEN.values():
        assert doc_no not in text


def test_a_bank_reads_only_what_it_was_granted(busy: Subject, orgs: Orgs) -> None:
    consent(busy, orgs.bank, ["XZCF"])
    lender = Requester.for_organisation(orgs.bank)
    content = report(busy, "financing", lender, purpose="流动资金贷款")

    codes = {s.code for s in content.sections}
    assert "NSXYPJ" not in codes and "TQNMGGZ" not in codes
    assert content.requester == orgs.bank.name and content.purpose == "流动资金贷款"
    assert "授权" in " ".join(content.notes)


def test_a_company_with_nothing(quiet: Subject) -> None:
    content = report(quiet, "public", Requester.for_public())

    assert content.sections and all(s.records == () for s in content.sections)
    assert content.record_count == 0 and content.lists == () and content.grades == ()
    assert content.commitments == () and content.objections == ()
    assert content.scope_note and content.notes


def test_persons_are_masked(orgs: Orgs) -> None:
    number = citizen_id(77, born="19850101")
    facts = f"李四光销售假冒商品，身份证号{number}"
    land(orgs.market, "XZCF", [penalty("津市监罚〔2026〕77号", person(77), facts=facts)])
    someone = Subject.objects.get(kind=SubjectKind.NATURAL_PERSON)

    content = report(someone, "public", Requester.for_subject("li"))
    text = json.dumps(content_data(content), ensure_ascii=False)
    assert content.subject.name == "李**" and content.subject.uscc == ""
    assert content.subject.masked_id == number[:6] + "********" + number[-4:]
    assert number not in text and "李四光" not in text
    assert docs(content, "XZCF") == ["津市监罚〔2026〕77号"]


def test_the_company_legal_representatives_id_is_masked(busy: Subject) -> None:
    content = report(busy, "public", Requester.for_public())
    rep_id = citizen_id(BUSY, born="19700101")
    record = next(s for s in content.sections if s.code == "XZCF").records[0]
    assert record.values["legal_rep_id_no"] == rep_id[:6] + "********" + rep_id[-4:]
    assert rep_id not in json.dumps(content_data(content), ensure_ascii=False)


def test_the_fingerprint_follows_the_situation(busy: Subject, orgs: Orgs) -> None:
    first = report(busy, "public", Requester.for_public())
    scope = decide_scope("public", Requester.for_public(), busy)
    again = build_content(
        busy, scope, purpose="自查", requester_label="另一位查询人", cut_off=timezone.now()
    )
    assert (first.requester, first.purpose) != (again.requester, again.purpose)
    assert first.cut_off != again.cut_off
    assert fingerprint(first) == fingerprint(again)
    shared = report(busy, "public", Requester.for_organisation(orgs.market))
    assert shared.sections == first.sections  # the same records for another audience

    land(orgs.market, "XZCF", [penalty("津市监罚〔2026〕500号", company(BUSY))])
    after_new = report(busy, "public", Requester.for_public())
    assert fingerprint(after_new) != fingerprint(first)

    set_record("津市监罚〔2026〕500号", repaired_on=timezone.localdate())
    assert fingerprint(report(busy, "public", Requester.for_public())) == fingerprint(first)
    set_record("津市监罚〔2026〕3号", repaired_on=timezone.localdate())
    repaired = report(busy, "public", Requester.for_public())
    assert fingerprint(repaired) != fingerprint(first)
    assert "津市监罚〔2026〕3号" not in docs(repaired, "XZCF")


def test_records_received_after_the_cut_off_are_left_out(busy: Subject) -> None:
    earlier = timezone.now() - datetime.timedelta(hours=1)
    content = report(busy, "public", Requester.for_public(), cut_off=earlier)
    assert content.record_count == 0 and content.cut_off == earlier


def test_a_purpose_is_required_where_the_type_asks(busy: Subject, orgs: Orgs) -> None:
    officer = Requester.for_organisation(orgs.market)
    scope = decide_scope("bidding", officer, busy)
    with pytest.raises(ReportRefused) as refused:
        build_content(busy, scope, purpose="", requester_label=officer.label)
    assert refused.value.reason == "report.purpose_required"


def test_the_json_form_round_trips(busy: Subject) -> None:
    content = report(busy, "full", Requester.for_subject("firm"), purpose="自查")
    data = content_data(content)
    stored = json.loads(json.dumps(data, ensure_ascii=False))

    back = content_from_data(stored)
    assert back == content
    assert fingerprint(back) == fingerprint(content)
    assert data["cut_off"] == content.cut_off.isoformat()
    with pytest.raises((KeyError, ValueError)):
        content_from_data({**stored, "sections": [{"code": 1}]})


def test_a_fixed_number_of_queries_whatever_the_records(busy: Subject, orgs: Orgs) -> None:
    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            content = report(busy, "full", Requester.for_subject("firm"))
        return len(queries), content.record_count

    count()  # parsed definitions and compiled models are cached after the first report
    before, records_before = count()
    land(orgs.market, "XZCF", penalties(40, 100, company(BUSY)))
    after, records_after = count()
    assert records_after == records_before + 40
    assert after == before
