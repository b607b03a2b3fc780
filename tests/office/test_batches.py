"""Batch comparison through the back office: the upload queues a batch, its page follows the
progress, the result file and the receipt download once done, the rows with hits join the
feedback queue, and an organisation sees only its own batches."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client

from tests.lists.conftest import company
from tests.office.conftest import MATTER, form_page
from tests.records.face.conftest import run_worker
from xinyong.checks.models import BatchCheck, BatchStatus, Check, Feedback
from xinyong.core.identifiers import make_uscc
from xinyong.core.signing import published_keys, verify
from xinyong.subjects.models import Subject

pytestmark = pytest.mark.django_db


def _file(rows: list[str], name: str = "bidders.csv") -> io.BytesIO:
    upload = io.BytesIO("\r\n".join(["统一社会信用代码", *rows, ""]).encode("gb18030"))
    upload.name = name
    return upload


def _upload(client: Client, upload: io.BytesIO, **changes: Any) -> Any:
    data = {"file": upload, "scenario": "public_bidding", "matter": MATTER, **changes}
    return client.post("/office/batches/new/", data)


def test_an_upload_queues_a_batch_whose_page_follows_it_to_the_end(
    finance: Client, listed: Subject, django_capture_on_commit_callbacks: Any
) -> None:
    clean, unknown = company(2), make_uscc("9", "1", "120101", "77777777")
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(finance, _file([listed.uscc, clean.uscc, unknown]))
    batch = BatchCheck.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/office/batches/{batch.public_id}/"
    )
    assert batch.status == BatchStatus.QUEUED and batch.created_by == "office_finance"

    waiting = finance.get(response["Location"]).content.decode()
    assert "排队中" in waiting and "office/progress.js" in waiting and "下载结果文件" not in waiting
    status_url = f"/office/batches/{batch.public_id}/status/"
    assert f'data-status-url="{status_url}"' in waiting
    assert finance.get(f"/office/batches/{batch.public_id}/result/").status_code == 404
    status = finance.get(status_url)
    assert status["Cache-Control"].startswith("max-age=0")
    assert status.json() == {
        "status": "queued", "status_label": "排队中", "progress": 0.0, "rows_total": None,
        "rows_done": 0, "hits": 0, "unknown": 0, "error": None,
    }  # fmt: skip

    run_worker()
    assert finance.get(status_url).json() | {"status_label": ""} == {
        "status": "done", "status_label": "", "progress": 1.0, "rows_total": 3,
        "rows_done": 3, "hits": 1, "unknown": 1, "error": None,
    }  # fmt: skip
    page = finance.get(response["Location"]).content.decode()
    assert "已完成" in page and "下载结果文件" in page and "/api/v1/keys" in page

    result = finance.get(f"/office/batches/{batch.public_id}/result/")
    rows = list(csv.reader(io.StringIO(result.getvalue().decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == [
        "命中",
        "未命中",
        "平台未登记该主体（不表示无失信记录）",
    ]
    receipt = json.loads(finance.get(f"/office/batches/{batch.public_id}/receipt/").content)
    assert verify(receipt, published_keys()).valid and receipt["payload"]["hits"] == 1

    listing = finance.get("/office/batches/").content.decode()
    assert "bidders.csv" in listing and "招标投标" in listing


def test_a_batch_row_with_hits_takes_feedback_like_a_single_check(
    finance: Client, listed: Subject, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _upload(finance, _file([listed.uscc]))
    run_worker()
    check = Check.objects.get(batch__isnull=False)
    assert f"/office/checks/{check.public_id}/" in finance.get("/office/checks/").content.decode()
    page = finance.get(f"/office/checks/{check.public_id}/").content.decode()
    assert "第 1 行" in page and "下载签名回执" not in page  # the batch's receipt signs the file
    assert "市场监督管理严重违法失信名单" in page and "企业信息公示暂行条例" in page
    assert 'name="outcome_C02"' in page and 'name="outcome_C37"' in page
    response = finance.post(
        f"/office/checks/{check.public_id}/feedback/",
        {
            "outcome_C02": "applied",
            "outcome_C37": "not_applicable",
            "reason_C37": "本项目不涉及特许经营",
        },
    )
    assert response.status_code == 302
    assert Feedback.objects.get().outcomes == {
        "C02": {"outcome": "applied", "reason": ""},
        "C37": {"outcome": "not_applicable", "reason": "本项目不涉及特许经营"},
    }
    assert "没有待反馈的核查" in finance.get("/office/checks/").content.decode()


def test_bad_uploads_are_refused_and_nothing_is_queued(finance: Client, listed: Subject) -> None:
    assert "只接受 CSV、XLSX 或 XLS 文件" in form_page(
        _upload(finance, _file([listed.uscc], "x.txt"))
    )
    assert "这个字段是必填项" in form_page(_upload(finance, _file([listed.uscc]), matter=""))
    empty = io.BytesIO(b"")
    empty.name = "empty.csv"
    assert "所提交的是空文件" in form_page(_upload(finance, empty))
    assert not BatchCheck.objects.exists()


def test_an_organisation_sees_only_its_own_batches(
    finance: Client, tax: Client, listed: Subject
) -> None:
    _upload(finance, _file([listed.uscc]))
    batch = BatchCheck.objects.get()
    for suffix in ("", "status/", "result/", "receipt/"):
        assert tax.get(f"/office/batches/{batch.public_id}/{suffix}").status_code == 404
    assert "bidders.csv" not in tax.get("/office/batches/").content.decode()
