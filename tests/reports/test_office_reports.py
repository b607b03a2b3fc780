"""The back office's report page (/office/reports/): one report as a PDF download, a list of
bidders as a batch followed to its ZIP, only for government staff who check, and only the
organisation's own batches."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from tests.records.face.conftest import run_worker
from tests.reports.batch_support import (
    PURPOSE,
    UNKNOWN,
    bidders,
    centre,
    list_file,
    market,
    policy,
    unzip,
    var_dir,
)
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_staff_user
from xinyong.reports.models import BatchStatus, Report, ReportBatch
from xinyong.subjects.models import Subject

__all__ = ["bidders", "centre", "market", "policy", "var_dir"]  # fixtures used by name

pytestmark = pytest.mark.django_db
INDEX = "/office/reports/"


def _client(organisation: Organisation, username: str, *roles: str) -> Client:
    user = create_staff_user(organisation=organisation, username=username, roles=roles)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def buyer(centre: Organisation) -> Client:
    return _client(centre, "caigou", "checker")


def _upload(client: Client, data: bytes, name: str = "投标人.csv", **changes: Any) -> Any:
    upload = io.BytesIO(data)
    upload.name = name
    body = {
        "batch-file": upload,
        "batch-type_code": "bidding",
        "batch-purpose": PURPOSE,
        **changes,
    }
    return client.post(f"{INDEX}batches/new/", body)


def test_the_page_offers_both_forms_and_the_government_types(buyer: Client) -> None:
    page = buyer.get(INDEX).content.decode()
    assert "出具一份报告" in page and "批量出具" in page and "还没有批量出具。" in page
    assert 'aria-current="page">信用报告</a>' in page
    assert 'value="procurement"' in page and 'value="bidding"' in page
    assert 'value="full"' not in page and 'value="financing"' not in page


def test_one_report_downloads_as_a_pdf(
    buyer: Client, centre: Organisation, bidders: list[Subject]
) -> None:
    body = {"one-subject": bidders[0].uscc, "one-type_code": "procurement", "one-purpose": PURPOSE}
    response = buyer.post(f"{INDEX}issue/", body)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    report = Report.objects.get()
    assert response["Content-Disposition"] == f'attachment; filename="{report.number}.pdf"'
    assert report.organisation == centre and report.requested_by == "caigou"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"one-subject": UNKNOWN}, "平台未登记该主体"),
        ({"one-purpose": ""}, "须写明用途"),
    ],
)
def test_a_refused_report_is_explained_on_the_form(
    buyer: Client, bidders: list[Subject], changes: dict[str, str], message: str
) -> None:
    body = {"one-subject": bidders[0].uscc, "one-type_code": "procurement", "one-purpose": PURPOSE}
    response = buyer.post(f"{INDEX}issue/", {**body, **changes})
    assert response.status_code == 422 and message in response.content.decode()
    assert not Report.objects.exists()


def test_a_batch_is_followed_to_its_zip(
    buyer: Client, bidders: list[Subject], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(buyer, list_file([bidders[0].uscc, UNKNOWN, bidders[1].uscc]))
    batch = ReportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{INDEX}batches/{batch.public_id}/"
    waiting = buyer.get(response["Location"]).content.decode()
    assert "排队中" in waiting and "office/progress.js" in waiting and "下载压缩包" not in waiting
    status_url = f"{INDEX}batches/{batch.public_id}/status/"
    assert f'data-status-url="{status_url}"' in waiting
    assert buyer.get(f"{INDEX}batches/{batch.public_id}/zip/").status_code == 404
    assert buyer.get(status_url).json() == {
        "status": "queued", "status_label": "排队中", "progress": 0.0, "total": 3, "done": 0,
        "issued": 0, "failed": 0, "error": None,
    }  # fmt: skip

    run_worker()
    status = buyer.get(status_url)
    assert status["Cache-Control"].startswith("max-age=0")
    assert status.json() | {"status_label": ""} == {
        "status": "done", "status_label": "", "progress": 1.0, "total": 3, "done": 3,
        "issued": 2, "failed": 1, "error": None,
    }  # fmt: skip
    done = buyer.get(response["Location"]).content.decode()
    assert "已完成" in done and "下载压缩包（ZIP）" in done
    download = buyer.get(f"{INDEX}batches/{batch.public_id}/zip/")
    assert download["Content-Type"] == "application/zip"
    made = unzip(download.getvalue())
    assert len(made.names) == 3 and made.listing[2][1:3] == [UNKNOWN, "未出具"]
    listing = buyer.get(INDEX).content.decode()
    assert "投标人.csv" in listing and f"batches/{batch.public_id}/zip/" in listing


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "所提交的是空文件"),
        (list_file([]), "header.csv", "没有数据行"),
        (list_file([UNKNOWN] * 501), "long.csv", "一次最多出具 500 份报告"),
        (bytes(range(256)) * 16, "garbage.xlsx", ""),
    ],
    ids=["empty", "header-only", "too-many", "binary"],
)
def test_a_bad_list_is_refused_on_the_form(
    buyer: Client, policy: None, data: bytes, name: str, message: str
) -> None:
    response = _upload(buyer, data, name)
    assert response.status_code == 422
    page = response.content.decode()
    assert 'class="field invalid"' in page and message in page
    assert not ReportBatch.objects.exists()


def test_others_are_refused_and_see_no_batch_but_their_own(
    buyer: Client, centre: Organisation, bidders: list[Subject]
) -> None:
    batch = ReportBatch.objects.create(
        organisation=centre, created_by="caigou", type_code="bidding", rows=[], total=0,
        status=BatchStatus.QUEUED,
    )  # fmt: skip
    tax = _client(Organisation.objects.get(kind="department", sector="tax"), "tax", "checker")
    assert tax.get(INDEX).status_code == 200
    assert tax.get(f"{INDEX}batches/{batch.public_id}/").status_code == 404
    assert tax.get(f"{INDEX}batches/{batch.public_id}/status/").status_code == 404
    submitter = _client(centre, "baosong", "submitter")
    assert submitter.get(INDEX).status_code == 403
    bank = Organisation.objects.create(
        uscc="91120000MA0000001X", name="某银行天津分行", kind="bank"
    )
    teller = _client(bank, "teller", "checker")
    assert teller.get(INDEX).status_code == 403
    assert "/office/reports/" not in teller.get("/office/").content.decode()
    assert Client().get(INDEX).status_code == 302  # to the sign-in page
