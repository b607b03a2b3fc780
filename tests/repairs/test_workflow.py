"""The steps before and at the decision: who may take each, what is refused (and then
nothing is written), returns and completion, extensions kept with their reasons, denial,
and deadlines in working days across the Spring Festival and National Day holidays."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from tests.repairs.conftest import D, Office, land_listing, land_penalty, member_of, proof
from tests.repairs.test_journey import apply_for
from xinyong.core.calendar import working_days_between
from xinyong.core.models import CalendarDay, CalendarYear
from xinyong.core.schedules import daily_jobs
from xinyong.records.models import Record
from xinyong.repairs import services
from xinyong.repairs.models import RepairApplication, RepairAttachment, RepairState, StepKind
from xinyong.rights.models import Notification

pytestmark = pytest.mark.django_db


def refused(reason: str) -> pytest.RaisesExc[services.RepairError]:
    return pytest.raises(services.RepairError, match=re.escape(reason))


def accepted(office: Office, record: Record) -> RepairApplication:
    return services.accept(office.market, services.forward(office.credit, apply_for(record)))


def test_a_subject_cannot_apply_for_another_subjects_record(office: Office, fined: Record) -> None:
    other = land_penalty(office.market_org, 31, decided=fined.decision_date)
    with refused("repairs.not_found"):
        services.apply(
            member_of(other.subject), fined.pk, performance="已缴清", signer_name="李四",
            signed=True, files=[proof()],
        )  # fmt: skip
    assert not RepairApplication.objects.exists()


def test_an_application_is_refused_whole_when_anything_is_missing(
    office: Office, fined: Record, var_dir: Path
) -> None:
    member = member_of(fined.subject)

    def attempt(**changes: object) -> None:
        values: dict[str, object] = {
            "performance": "已缴清罚款", "signer_name": "张三", "signed": True, "files": [proof()],
        }  # fmt: skip
        values.update(changes)
        services.apply(member, fined.pk, **values)  # type: ignore[arg-type]

    with refused("repairs.not_signed"):
        attempt(signed=False)
    with refused("repairs.no_proof"):
        attempt(files=[])
    with refused("repairs.missing"):
        attempt(performance="  ")
    with refused("evidence.type"):
        attempt(files=[proof(), SimpleUploadedFile("说明.txt", b"plain text, not a proof")])
    recent = land_penalty(office.market_org, 32, decided=datetime.date.today())
    with refused("repairs.waiting"):
        services.apply(
            member_of(recent.subject), recent.pk, performance="已缴清", signer_name="张三",
            signed=True, files=[proof()],
        )  # fmt: skip
    assert not RepairApplication.objects.exists() and not RepairAttachment.objects.exists()
    evidence = var_dir / "evidence"
    assert not evidence.exists() or not any(p.is_file() for p in evidence.rglob("*"))
    apply_for(fined)
    with refused("repairs.in_progress"):
        apply_for(fined)


def test_only_the_deciding_department_accepts_and_decides(office: Office, fined: Record) -> None:
    application = apply_for(fined)
    with refused("repairs.not_credit_office"):
        services.forward(office.market, application)
    application = services.forward(office.credit, application)
    with refused("repairs.other_department"):
        services.accept(office.tax, application)
    with refused("repairs.other_department"):
        services.accept(office.credit, application)
    application = services.accept(office.market, application)
    for viewer in (office.tax, office.hrss, office.credit):
        with refused("repairs.other_department"):
            services.approve(viewer, application, decision_no="津税信修〔2026〕1号", opinion="同意")
        with refused("repairs.other_department"):
            services.extend(viewer, application, working_days=2, reason="需要核实")
    application.refresh_from_db()
    assert application.state == RepairState.ACCEPTED
    fined.refresh_from_db()
    assert fined.repaired_on is None


def test_a_returned_application_is_completed_and_checked_again(
    office: Office, fined: Record
) -> None:
    application = apply_for(fined)
    with refused("repairs.wrong_state"):
        services.accept(office.market, application)
    application = services.return_for_completion(
        office.credit, application, reason="缺少罚款缴纳凭证"
    )
    assert application.state == RepairState.RETURNED
    note = Notification.objects.filter(subject=fined.subject).order_by("-pk").first()
    assert note is not None and note.body == "缺少罚款缴纳凭证"
    other = land_penalty(office.market_org, 33, decided=fined.decision_date)
    with refused("repairs.not_found"):
        services.resubmit(
            member_of(other.subject), application, performance="补充", files=[proof()]
        )
    application = services.resubmit(
        member_of(fined.subject), application, performance="已缴清罚款，附缴款凭证",
        files=[proof("凭证.pdf")],
    )  # fmt: skip
    assert application.state == RepairState.SUBMITTED
    assert application.attachments.count() == 2
    step = application.steps.get(kind=StepKind.RESUBMIT)
    assert step.details["previous_performance"].startswith("已于2025年11月")
    assert services.forward(office.credit, application).state == RepairState.FORWARDED


def test_not_accepted_closes_the_application_and_allows_a_new_one(
    office: Office, fined: Record
) -> None:
    application = services.forward(office.credit, apply_for(fined))
    application = services.not_accept(office.market, application, reason="罚款尚未缴清")
    assert (application.state, application.decision_reason) == (
        RepairState.NOT_ACCEPTED,
        "罚款尚未缴清",
    )
    assert services.on_time(application) is True
    assert apply_for(fined).state == RepairState.SUBMITTED


def test_extensions_are_kept_with_their_reasons_within_the_limit(
    office: Office, fined: Record
) -> None:
    application = accepted(office, fined)
    first_due = application.decision_due
    application = services.extend(office.market, application, working_days=4, reason="需现场核查")
    application = services.extend(office.market, application, working_days=6, reason="等待检测报告")
    assert application.decision_days == 20
    with refused("repairs.extension_limit"):
        services.extend(office.market, application, working_days=1, reason="再延长")
    with refused("repairs.missing"):
        services.extend(office.market, application, working_days=1, reason="")
    steps = list(application.steps.filter(kind=StepKind.EXTEND).order_by("id"))
    assert [(s.details["working_days"], s.details["reason"]) for s in steps] == [
        (4, "需现场核查"),
        (6, "等待检测报告"),
    ]
    assert steps[0].details["from"] == first_due.isoformat()  # type: ignore[union-attr]
    assert steps[1].details["to"] == application.decision_due.isoformat()  # type: ignore[union-attr]


def test_a_denial_is_a_decision_with_its_document(office: Office, fined: Record) -> None:
    application = accepted(office, fined)
    application = services.deny(
        office.market, application, decision_no="津市监信修〔2026〕9号", reason="整改未完成"
    )
    assert application.state == RepairState.DENIED
    fined.refresh_from_db()
    assert fined.repaired_on is None
    content = services.decision_pdf(application)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "不予信用修复决定书" in text and "整改未完成" in text
    assert fined.subject.name in text and "津市监信修〔2026〕9号" in text
    # A decision number is used once per department.
    second = accepted(office, fined)
    with refused("repairs.decision_no_taken"):
        services.approve(office.market, second, decision_no="津市监信修〔2026〕9号", opinion="同意")


def test_a_kept_decision_that_was_altered_is_refused(
    office: Office, fined: Record, var_dir: Path
) -> None:
    application = services.deny(
        office.market, accepted(office, fined), decision_no="津市监信修〔2026〕8号", reason="未整改"
    )
    (var_dir / application.decision_pdf_path).write_bytes(b"%PDF-1.4 forged")
    with refused("repairs.decision_altered"):
        services.decision_pdf(application)


def test_deadlines_count_working_days_across_spring_festival_and_national_day(
    office: Office,
) -> None:
    # Listed 2024-10-01: a serious finding may be repaired from 2025-10-01 (until 2027).
    record = land_listing(office.market_org, 34, D("2024-10-01"))
    member = member_of(record.subject)
    application = services.apply(
        member, record.pk, performance="已缴清罚款", signer_name="张三", signed=True,
        files=[proof()], on=D("2026-02-13"),
    )  # fmt: skip
    # Spring Festival 2026: 15–23 February off, Saturday 14 and 28 February worked.
    assert (application.platform_due, application.platform_due_provisional) == (
        D("2026-03-05"),
        False,
    )
    application = services.forward(office.credit, application, on=D("2026-09-29"))
    # National Day 2026: 1–7 October off.
    assert application.acceptance_due == D("2026-10-09")
    application = services.accept(office.market, application, on=D("2026-10-09"))
    # Saturday 10 October is a make-up working day.
    assert application.decision_due == D("2026-10-22")
    application = services.extend(
        office.market, application, working_days=5, reason="需现场核查", on=D("2026-10-12")
    )
    assert application.decision_due == D("2026-10-29")
    with refused("repairs.date_order"):
        services.approve(
            office.market, application, decision_no="津市监信修〔2026〕3号", opinion="同意",
            on=D("2026-10-09"),
        )  # fmt: skip
    application = services.approve(
        office.market, application, decision_no="津市监信修〔2026〕3号", opinion="同意",
        on=D("2026-10-20"),
    )  # fmt: skip
    assert services.on_time(application) is True
    record.refresh_from_db()
    assert record.repaired_on == D("2026-10-20")
    [row] = services.statistics(office.credit)
    assert (row.department, row.received, row.open, row.decided) == (
        office.market_org.name,
        1,
        0,
        1,
    )
    assert row.outcomes == {RepairState.APPROVED: 1} and row.on_time_share == 1.0
    # 13 February to 20 October 2026, in working days.
    assert row.average_days == working_days_between(D("2026-02-13"), D("2026-10-20")) == 165
    assert services.statistics(office.tax) == []  # a department sees only its own


def test_a_deadline_in_an_unknown_year_is_provisional_until_the_year_is_loaded(
    office: Office,
) -> None:
    record = land_listing(office.market_org, 35, D("2024-10-01"))
    year = CalendarYear.objects.get(year=2026)
    days = list(CalendarDay.objects.filter(date__year=2026))
    CalendarDay.objects.filter(date__year=2026).delete()
    year.delete()
    application = services.apply(
        member_of(record.subject), record.pk, performance="已缴清罚款", signer_name="张三",
        signed=True, files=[proof()], on=D("2026-02-13"),
    )  # fmt: skip
    # Monday to Friday stands in: ten weekdays after Friday 13 February.
    assert (application.platform_due, application.platform_due_provisional) == (
        D("2026-02-27"),
        True,
    )
    assert services.refresh_deadlines() == 0  # still unknown: nothing changes
    CalendarYear.objects.create(year=2026, source=year.source)
    CalendarDay.objects.bulk_create(days)
    assert daily_jobs()["repairs.deadlines"] is services.daily  # the worker runs it daily
    assert services.daily(as_of=D("2026-02-16")) == {"deadlines_settled": 1}
    application.refresh_from_db()
    assert (application.platform_due, application.platform_due_provisional) == (
        D("2026-03-05"),
        False,
    )
    step = application.steps.get(kind=StepKind.DEADLINE)
    assert step.details == {"platform_due": "2026-03-05"}
