"""The back office through the test client: sign-in, who sees which submissions, the upload
form and its refusals, the polling endpoint and the error file."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from tests.records.face.conftest import PASSWORD, Synth, run_worker
from xinyong.accounts.models import Organisation, User
from xinyong.accounts.services import create_staff_user
from xinyong.records.models import Submission


def _upload(client: Client, synth: Synth, name: str = "xzcf_v2.csv", item: str = "XZCF") -> Any:
    with synth.file(name).open("rb") as handle:
        return client.post("/office/submissions/new/", {"item": item, "file": handle})


@pytest.fixture
def signed_in(client: Client, submitter: User) -> Client:
    assert client.login(username=submitter.username, password=PASSWORD)
    return client


def test_pages_need_a_signed_in_user(client: Client, db: None) -> None:
    response = client.get("/office/submissions/")
    assert response.status_code == 302
    assert response["Location"] == "/office/login/?next=/office/submissions/"
    assert client.get("/office/submissions/0123/status/").status_code == 302


def test_sign_in_lands_on_the_submissions(client: Client, submitter: User) -> None:
    page = client.get("/office/login/").content.decode()
    assert "登录业务后台" in page
    response = client.post(
        "/office/login/", {"username": submitter.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/office/submissions/"
    assert "报送质量与及时性" in response.content.decode()


def test_upload_form_offers_only_the_items_the_organisation_may_submit(
    signed_in: Client,
) -> None:
    page = signed_in.get("/office/submissions/new/").content.decode()
    assert 'value="XZCF"' in page and 'value="XZXK"' in page and 'value="JYYC"' in page
    assert 'value="SXBZX"' not in page  # courts only
    assert 'accept=".csv,.xlsx,.xls,.json,.jsonl"' in page


def test_upload_processes_and_shows_counts_rows_and_the_error_file(
    signed_in: Client, synth: Synth, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(signed_in, synth)
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/office/submissions/{submission.public_id}/"
    assert submission.channel == "file" and submission.submitted_by is not None

    waiting = signed_in.get(response["Location"]).content.decode()
    assert "已接收" in waiting and "office/progress.js" in waiting
    run_worker()
    status = signed_in.get(f"/office/submissions/{submission.public_id}/status/")
    assert status["Cache-Control"].startswith("max-age=0")
    body = status.json()
    assert body["status"] == "done" and body["progress"] == 1.0
    assert body["errors_url"] == f"/office/submissions/{submission.public_id}/errors/"

    page = signed_in.get(response["Location"]).content.decode()
    submission.refresh_from_db()
    assert f'data-count="rejected">{submission.rejected}<' in page
    assert f'data-count="accepted">{submission.accepted}<' in page
    for row_no in synth.surely_bad("xzcf_v2.csv"):
        assert f'<td class="num">{row_no}</td>' in page
    assert "下载错误行文件" in page

    download = signed_in.get(body["errors_url"])
    text = download.getvalue().decode("gb18030")
    assert text.startswith("行号,错误原因,")
    assert text.count("\r\n") == submission.rejected + 1


def test_refused_upload_says_why_and_creates_nothing(signed_in: Client) -> None:
    empty = io.BytesIO(b"")
    empty.name = "empty.csv"
    page = signed_in.post("/office/submissions/new/", {"item": "XZCF", "file": empty})
    assert page.status_code == 200 and "空文件" in page.content.decode()
    response = signed_in.post(
        "/office/submissions/new/", {"item": "SXBZX", "file": io.BytesIO(b"a,b\n1,2\n")}
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert Submission.objects.count() == 0


def test_only_submitters_may_upload(client: Client, department: Organisation) -> None:
    create_staff_user(
        organisation=department, username="li.si", roles=["checker"], password=PASSWORD
    )
    assert client.login(username="li.si", password=PASSWORD)
    response = client.get("/office/submissions/new/")
    assert response.status_code == 403
    assert "只有报送员可以上传" in response.content.decode()


def test_organisations_see_their_own_and_the_credit_office_sees_all(
    client: Client,
    signed_in: Client,
    synth: Synth,
    other_department: Organisation,
    credit_office: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _upload(signed_in, synth)
    run_worker()
    mine = Submission.objects.get()

    create_staff_user(
        organisation=other_department, username="wang.wu", roles=["submitter"], password=PASSWORD
    )
    stranger = Client()
    assert stranger.login(username="wang.wu", password=PASSWORD)
    assert stranger.get(f"/office/submissions/{mine.public_id}/").status_code == 404
    assert stranger.get(f"/office/submissions/{mine.public_id}/status/").status_code == 404
    assert stranger.get(f"/office/submissions/{mine.public_id}/errors/").status_code == 404
    assert mine.public_id not in stranger.get("/office/submissions/").content.decode()

    create_staff_user(
        organisation=credit_office, username="zhao.liu", roles=["operator"], password=PASSWORD
    )
    overseer = Client()
    assert overseer.login(username="zhao.liu", password=PASSWORD)
    page = overseer.get("/office/submissions/").content.decode()
    assert mine.public_id in page and mine.organisation.name in page
    assert "上传文件</a>" not in page.split("</header>")[1]  # not a submitter
    assert overseer.get(f"/office/submissions/{mine.public_id}/").status_code == 200
    filtered = overseer.get("/office/submissions/", {"org": other_department.uscc})
    assert mine.public_id not in filtered.content.decode()


def test_list_page_query_count_does_not_grow_with_submissions(
    signed_in: Client,
    synth: Synth,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            _upload(signed_in, synth)
    run_worker()
    with django_assert_max_num_queries(12):
        page = signed_in.get("/office/submissions/")
    assert page.content.decode().count("/office/submissions/") >= 3


def test_a_file_that_cannot_be_read_says_why(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    header_only = io.BytesIO("行政相对人名称,行政处罚决定书文号\r\n".encode("gb18030"))
    header_only.name = "空表.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post("/office/submissions/new/", {"item": "XZCF", "file": header_only})
    run_worker()
    submission = Submission.objects.get()
    assert submission.status == "failed"
    status = signed_in.get(f"/office/submissions/{submission.public_id}/status/").json()
    assert status["error"] == {"code": submission.error_code, "message": submission.error_message}
    assert status["errors_url"] is None
    page = signed_in.get(response["Location"]).content.decode()
    assert "文件无法处理，未载入任何记录" in page and submission.error_code in page
    assert "下载错误行文件" not in page


def test_the_back_office_speaks_english_too(signed_in: Client) -> None:
    response = signed_in.get("/en/office/submissions/")
    assert response.status_code == 200 and 'lang="en"' in response.content.decode()
