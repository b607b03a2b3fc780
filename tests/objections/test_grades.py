"""Objections to an evaluation grade: filed by the subject against its current score, routed
to the credit office with the objection deadline, answered upheld (the grade stands) or
re-evaluated (the office scores the subject again, the reply names the new grade), with the
same written reply and audit trail as objections to records; an objection names a record or
a score, never both."""

from __future__ import annotations

import io

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.evaluation.supervision_fixtures import CODE, regrade, subject, version
from tests.objections.conftest import Staff, owner, pdf_upload
from tests.rights.helpers import signed_in_client
from xinyong.accounts.models import User
from xinyong.core.audit import entries_for
from xinyong.evaluation.models import ModelVersion, Run, RunTrigger
from xinyong.evaluation.services import current_score, run_full
from xinyong.objections.models import Objection
from xinyong.objections.services import (
    ObjectionError,
    answer,
    file_grade_objection,
    file_objection,
    reply_of,
    reply_pdf,
    response_due,
    statistics,
)
from xinyong.objections.services.common import OBJECT_TYPE
from xinyong.records.models import Record
from xinyong.rights.models import Notification
from xinyong.subjects.models import Subject

pytestmark = pytest.mark.django_db
__all__ = ["version"]  # a fixture used by name

REPLY = "经复核，评价所依据的信息准确，评价规则适用无误。"


@pytest.fixture
def graded(version: ModelVersion) -> Subject:
    """A company graded B (80) by the test model, with its account owner."""
    company = subject(901, "B")
    run_full(version)
    owner(company)
    return company


def _file(company: Subject) -> Objection:
    return file_grade_objection(
        owner(company), CODE, "营业执照已取得统一社会信用代码", [pdf_upload()]
    )


def _pdf_text(content: bytes | None) -> str:
    assert content is not None
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_an_objection_to_the_current_grade_goes_to_the_credit_office(
    staff: Staff, graded: Subject
) -> None:
    objection = _file(graded)
    score = current_score(graded.pk, CODE)
    assert objection.score == score and objection.record is None
    assert (objection.ground, objection.state, objection.mark) == ("grade", "open", "")
    assert objection.organisation.kind == "credit_office"
    assert objection.due_on == response_due(timezone.localdate())[0]
    assert objection.attachments.count() == 1
    note = Notification.objects.filter(subject=graded).order_by("-pk").first()
    assert note is not None and "分级监管测试模型评价结果" in note.body
    # One at a time per grade; natural persons and subjects never scored have none.
    with pytest.raises(ObjectionError) as again:
        _file(graded)
    assert again.value.reason == "objections.already_open"
    unscored = subject(902, "B")
    with pytest.raises(ObjectionError) as none:
        file_grade_objection(owner(unscored), CODE, "理由")
    assert none.value.reason == "objections.no_grade"
    person = Subject.objects.create(kind="natural_person", name="王五")
    with pytest.raises(ObjectionError):
        file_grade_objection(owner(person), CODE, "理由")


def test_upheld_the_grade_stands_with_a_written_reply(staff: Staff, graded: Subject) -> None:
    runs = Run.objects.count()
    objection = answer(staff.credit, _file(graded), "upheld", REPLY)
    assert (objection.state, objection.state_label, objection.new_score) == (
        "upheld", "维持原评价", None,
    )  # fmt: skip
    assert Run.objects.count() == runs  # nothing evaluated again
    reply = reply_of(objection)
    assert reply.grade is not None and (reply.grade.grade, reply.grade.score) == ("B", 80)
    assert "维持原评价等级 B 级" in reply.finding
    text = _pdf_text(reply_pdf(objection))
    assert "分级监管测试模型" in text and "维持原评价等级" in text and "行政复议" in text
    actions = [e.action for e in entries_for(OBJECT_TYPE, objection.public_id)]
    assert actions == ["objection.file", "objection.answer"]


def test_reevaluated_the_office_scores_again_and_the_reply_names_the_new_grade(
    staff: Staff, graded: Subject
) -> None:
    objection = _file(graded)
    regrade(graded, "D")  # what the office finds: the facts changed since the last run
    objection = answer(
        staff.credit, objection, "reevaluated", "经复核，已依据最新登记信息重新评价。"
    )
    assert objection.state == "reevaluated" and objection.new_score is not None
    assert objection.new_score == current_score(graded.pk, CODE)
    assert (objection.new_score.grade, objection.new_score.run.trigger) == ("D", RunTrigger.OFFICE)
    reply = reply_of(objection)
    assert reply.new_grade is not None and reply.new_grade.grade == "D"
    assert "评价等级为 D 级" in reply.finding
    assert "重新评价" in _pdf_text(reply_pdf(objection))
    counted = {row.organisation: row for row in statistics(staff.credit)}
    office = counted[objection.organisation.name]
    assert (office.reevaluated, office.answered) == (1, 1)


def test_outcomes_follow_what_was_objected_to_and_who_answers(
    staff: Staff, graded: Subject, penalty_record: Record
) -> None:
    objection = _file(graded)
    for outcome in ("corrected", "withdrawn"):
        with pytest.raises(ObjectionError):
            answer(staff.credit, objection, outcome, REPLY)
    with pytest.raises(ObjectionError) as other:
        answer(staff.market, objection, "upheld", REPLY)
    assert other.value.reason == "objections.other_organisation"
    on_record = file_objection(owner(penalty_record.subject), penalty_record, "content", "有误")
    with pytest.raises(ObjectionError):
        answer(staff.market, on_record, "reevaluated", REPLY)
    with pytest.raises(ObjectionError):
        file_objection(owner(penalty_record.subject), penalty_record, "grade", "有误")
    objection.refresh_from_db()
    assert objection.is_open


def test_an_objection_names_a_record_or_a_score_never_both(
    staff: Staff, graded: Subject, penalty_record: Record
) -> None:
    made = _file(graded)
    score = made.score
    assert score is not None
    common = {
        "subject": graded, "organisation": made.organisation, "filed_by": made.filed_by,
        "reason": "x", "filed_at": made.filed_at, "filed_on": made.filed_on,
        "due_on": made.due_on, "state": "upheld",
    }  # fmt: skip
    for wrong in (
        {"ground": "grade", "record": penalty_record, "score": score},
        {"ground": "grade"},
        {"ground": "content", "score": score},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Objection.objects.create(**common, **wrong)


# -- the pages ------------------------------------------------------------------------------------


def test_the_subject_objects_from_its_account_and_the_office_answers(
    client: Client, staff: Staff, graded: Subject
) -> None:
    signed_in_client(client, graded)
    url = reverse("objections:grade_new", kwargs={"model_code": CODE})
    assert url == f"/account/objections/grade/{CODE}/"
    page = client.get(url).content.decode()
    assert "分级监管测试模型" in page and "80 分" in page and "提交异议" in page
    assert client.get(reverse("objections:grade_new", args=["NOSUCH"])).status_code == 404
    response = client.post(url, {"reason": "营业执照信息有误", "attachments": [pdf_upload()]})
    objection = Objection.objects.get()
    assert response["Location"] == reverse("objections:detail", args=[objection.public_id])
    detail = client.get(response["Location"]).content.decode()
    assert objection.number in detail and "分级监管测试模型 · B" in detail
    assert "已有正在处理的异议" in client.get(url).content.decode()
    listing = client.get(reverse("objections:list")).content.decode()
    assert "评价等级 B" in listing

    office = Client()
    office.force_login(User.objects.get(username="credit_operator"))
    queue = office.get("/office/objections/").content.decode()
    assert objection.number in queue and "评价等级 B" in queue
    shown = office.get(f"/office/objections/{objection.public_id}/").content.decode()
    assert "异议的评价结果" in shown and 'value="reevaluated"' in shown
    assert "更正内容" not in shown and "异议的记录" not in shown
    answered = office.post(
        f"/office/objections/{objection.public_id}/answer/",
        {"outcome": "upheld", "reply": REPLY},
    )
    assert answered.status_code == 302
    reply = client.get(response["Location"]).content.decode()
    assert "维持原评价" in reply and "异议处理答复书" in reply
    download = client.get(reverse("objections:reply_pdf", args=[objection.public_id]))
    assert download["Content-Type"] == "application/pdf"
