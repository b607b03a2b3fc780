"""The objection pages: the subject's account (file, follow, read and download the reply)
and the back office (department queue, answer form with the correction, the credit office's
overdue queue and statistics), with who may see what."""

from __future__ import annotations

import datetime
import io

import pytest
from django.http import HttpResponse, HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.objections.conftest import Staff, owner, pdf_upload
from tests.rights.helpers import signed_in_client
from xinyong.accounts.models import User
from xinyong.objections.models import Objection
from xinyong.objections.services import (
    answer,
    current_values,
    escalate_overdue,
    file_objection,
    response_due,
)
from xinyong.records.models import Record

pytestmark = pytest.mark.django_db


def _staff_client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _html(response: HttpResponseBase) -> str:
    assert response.status_code == 200, response.status_code
    assert isinstance(response, HttpResponse)
    return response.content.decode()


# -- the subject's account -----------------------------------------------------------------------


def test_a_subject_files_an_objection_from_its_account(
    client: Client, staff: Staff, penalty_record: Record
) -> None:
    signed_in_client(client, penalty_record.subject)
    url = reverse("objections:new", args=[penalty_record.pk])
    page = _html(client.get(url))
    assert "津市监罚〔2026〕101号" in page and "提交异议" in page

    response = client.post(
        url,
        {"ground": "content", "reason": "罚款金额有误", "attachments": [pdf_upload()]},
    )

    objection = Objection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("objections:detail", args=[objection.public_id])
    assert objection.attachments.count() == 1
    detail = _html(client.get(response["Location"]))
    assert objection.number in detail and "处理中" in detail and "证明.pdf" in detail
    listing = _html(client.get(reverse("objections:list")))
    assert objection.number in listing
    again = _html(client.get(url))
    assert "已有正在处理的异议" in again and "提交异议" not in again
    download = client.get(reverse("objections:attachment", args=[objection.public_id, 1]))
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]


def test_a_refused_file_is_shown_on_the_form(client: Client, penalty_record: Record) -> None:
    signed_in_client(client, penalty_record.subject)
    response = client.post(
        reverse("objections:new", args=[penalty_record.pk]),
        {"ground": "content", "reason": "理由", "attachments": [pdf_upload("a.pdf", b"GIF89a")]},
    )

    assert "不是 PDF、PNG 或 JPEG 文件" in _html(response)
    assert not Objection.objects.exists()


def test_a_subject_sees_only_its_own(
    client: Client, penalty_record: Record, other_record: Record
) -> None:
    objection = file_objection(owner(other_record.subject), other_record, "content", "理由")
    signed_in_client(client, penalty_record.subject)

    assert client.get(reverse("objections:new", args=[other_record.pk])).status_code == 404
    for name in ("objections:detail", "objections:reply_pdf"):
        assert client.get(reverse(name, args=[objection.public_id])).status_code == 404
    assert objection.number not in _html(client.get(reverse("objections:list")))


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, penalty_record: Record) -> None:
    response = client.get(reverse("objections:new", args=[penalty_record.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account:sign_in"))


def test_the_reply_is_shown_and_downloadable(
    client: Client, staff: Staff, penalty_record: Record
) -> None:
    objection = file_objection(owner(penalty_record.subject), penalty_record, "content", "理由")
    answer(staff.market, objection, "upheld", "经核查，信息与原件一致。")
    signed_in_client(client, penalty_record.subject)

    page = _html(client.get(reverse("objections:detail", args=[objection.public_id])))
    assert "异议处理答复书" in page and "经核查，信息与原件一致。" in page and "行政诉讼" in page
    response = client.get(reverse("objections:reply_pdf", args=[objection.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "天津市公示测试1有限公司" in text and "津市监罚〔2026〕101号" in text


# -- the back office -----------------------------------------------------------------------------


def test_the_department_answers_with_a_correction(
    client: Client, staff: Staff, penalty_record: Record
) -> None:
    objection = file_objection(owner(penalty_record.subject), penalty_record, "content", "理由")
    office = _staff_client("market_reviewer")
    queue = _html(office.get(reverse("office_objections:queue")))
    assert objection.number in queue
    detail = _html(office.get(reverse("office_objections:detail", args=[objection.public_id])))
    assert "提交答复" in detail and "经查，当事人发布虚假广告。" in detail  # prefilled
    assert 'name="correction-doc_no"' not in detail  # the natural key cannot be changed

    form = {f"correction-{key}": value for key, value in current_values(penalty_record).items()}
    form["correction-facts"] = "经查，当事人在网店发布虚假广告。"
    response = office.post(
        reverse("office_objections:answer", args=[objection.public_id]),
        {"outcome": "corrected", "reply": "经核查，违法事实表述有误，已更正。", **form},
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    penalty_record.refresh_from_db()
    assert penalty_record.version_count == 2 and penalty_record.objection_mark == ""
    public = _html(client.get(reverse("portal:subject", args=[penalty_record.subject.uscc])))
    assert "经查，当事人在网店发布虚假广告。" in public
    assert "经查，当事人发布虚假广告。" not in public
    done = _html(office.get(response["Location"]))
    assert "异议处理答复书" in done and "更正前" in done and "提交答复" not in done


def test_a_refused_answer_is_shown_on_the_form(staff: Staff, penalty_record: Record) -> None:
    objection = file_objection(owner(penalty_record.subject), penalty_record, "content", "理由")
    office = _staff_client("market_reviewer")

    form = {f"correction-{key}": value for key, value in current_values(penalty_record).items()}
    form["correction-fine_amount"] = "很多"
    response = office.post(
        reverse("office_objections:answer", args=[objection.public_id]),
        {"outcome": "corrected", "reply": "更正", **form},
    )

    assert "更正内容未通过校验" in _html(response)
    objection.refresh_from_db()
    assert objection.is_open


def test_another_department_sees_nothing(staff: Staff, penalty_record: Record) -> None:
    objection = file_objection(owner(penalty_record.subject), penalty_record, "content", "理由")
    tax = _staff_client("tax_operator")

    assert objection.number not in _html(tax.get(reverse("office_objections:queue")))
    for name in ("detail", "reply_pdf"):
        url = reverse(f"office_objections:{name}", args=[objection.public_id])
        assert tax.get(url).status_code == 404
    response = tax.post(
        reverse("office_objections:answer", args=[objection.public_id]),
        {"outcome": "upheld", "reply": "维持"},
    )
    assert response.status_code == 404
    objection.refresh_from_db()
    assert objection.is_open


def test_the_submitter_sees_no_answer_form(staff: Staff, penalty_record: Record) -> None:
    objection = file_objection(owner(penalty_record.subject), penalty_record, "content", "理由")
    submitter = _staff_client("market_sub")

    assert submitter.get(reverse("office_objections:queue")).status_code == 200
    url = reverse("office_objections:detail", args=[objection.public_id])
    assert submitter.get(url).status_code == 404  # submitters do not handle objections


def test_the_credit_office_watches_overdue_objections(staff: Staff, penalty_record: Record) -> None:
    objection = file_objection(owner(penalty_record.subject), penalty_record, "content", "理由")
    filed = timezone.localdate() - datetime.timedelta(days=30)
    Objection.objects.filter(pk=objection.pk).update(filed_on=filed, due_on=response_due(filed)[0])
    escalate_overdue()
    credit = _staff_client("credit_operator")

    page = _html(credit.get(reverse("office_objections:escalated")))
    assert objection.number in page and "已逾期" in page and "attention" in page
    detail = _html(credit.get(reverse("office_objections:detail", args=[objection.public_id])))
    assert "转信用办督办" in detail and "提交答复" not in detail
    stats = _html(credit.get(reverse("office_objections:statistics")))
    assert "天津市市场监督管理委员会" in stats and "平均处理工作日" in stats
    market = _staff_client("market_reviewer")
    assert market.get(reverse("office_objections:escalated")).status_code == 403
    queue = _html(market.get(reverse("office_objections:queue")))
    assert "已逾期" in queue and 'class="attention"' in queue
