"""Batch comparison: GB18030 CSV and XLSX files of codes and names, the result file and its
signed receipt, each row recorded as a check, a killed run taken up again without duplicate
checks, bad files refused, the command and the API."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from tests.api.conftest import bearer, problem
from tests.lists.conftest import company
from xinyong.accounts.models import Organisation
from xinyong.checks.models import BatchCheck, BatchStatus, Check
from xinyong.checks.services import CheckError
from xinyong.checks.services.batch import process_batch, submit_batch
from xinyong.core.identifiers import make_uscc
from xinyong.core.signing import published_keys, verify
from xinyong.subjects.models import Subject, SubjectAccess, SubjectName

pytestmark = pytest.mark.django_db


def gb18030_csv(rows: list[str], header: str = "统一社会信用代码") -> bytes:
    return "\r\n".join([header, *rows, ""]).encode("gb18030")


def xlsx(rows: list[str]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "企业名称"])
    for n, value in enumerate(rows, 1):
        sheet.append([n, value])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(
    checker: Organisation, content: bytes, name: str, scenario: str = "public_bidding"
) -> BatchCheck:
    batch = submit_batch(
        checker, upload=io.BytesIO(content), file_name=name, scenario=scenario,
        matter="津招〔2026〕3号 投标人资格审查", created_by="test",
    )  # fmt: skip
    return process_batch(batch)


def result_rows(batch: BatchCheck) -> list[list[str]]:
    path = Path(settings.XINYONG_VAR_DIR) / batch.result_path
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_a_gb18030_file_of_codes_gives_a_signed_result(
    listed: Subject, clean: Subject, checker: Organisation
) -> None:
    unknown = make_uscc("9", "1", "120101", "99999999")
    batch = run(
        checker,
        gb18030_csv([listed.uscc, clean.uscc, unknown, "=cmd|' /C calc'!A0"]),
        "投标人.csv",
    )
    assert batch.status == BatchStatus.DONE, batch.error_message
    assert (batch.rows_total, batch.rows_done, batch.hits, batch.unknown) == (4, 4, 1, 2)
    header, *rows = result_rows(batch)
    assert header[:3] == ["行号", "查询内容", "比对结果"]
    by_row = {row[0]: row for row in rows}
    assert by_row["1"][2] == "命中" and "C02" in by_row["1"][6] and "C37" in by_row["1"][6]
    assert "市场监督管理严重违法失信名单" in by_row["1"][5]
    assert by_row["2"][2] == "未命中" and by_row["2"][3] == clean.name
    assert "未登记" in by_row["3"][2] and "不表示无失信记录" in by_row["3"][2]
    assert by_row["4"][1].startswith("'=")  # neutralised against formula injection
    # Each found row is a check and an access-log entry; the receipt signs the file.
    assert Check.objects.filter(batch=batch).count() == 2
    assert SubjectAccess.objects.filter(subject=listed, reference=by_row["1"][7]).exists()
    assert Check.objects.get(public_id=by_row["1"][7]).feedback_due is not None
    receipt = batch.receipt
    assert receipt is not None and verify(receipt, published_keys()).valid
    digest = hashlib.sha256((Path(settings.XINYONG_VAR_DIR) / batch.result_path).read_bytes())
    assert receipt["payload"]["result_file"]["sha256"] == digest.hexdigest()


def test_names_in_an_xlsx_file_find_organisations_but_never_guess(
    listed: Subject, checker: Organisation
) -> None:
    twin_a, twin_b = company(11), company(12)
    Subject.objects.filter(pk__in=[twin_a.pk, twin_b.pk]).update(name="天津市同名贸易有限公司")
    SubjectName.objects.filter(subject__in=[twin_a, twin_b]).update(name="天津市同名贸易有限公司")
    batch = run(checker, xlsx([listed.name, "天津市同名贸易有限公司", "不存在的公司"]), "名单.xlsx")
    assert batch.status == BatchStatus.DONE, batch.error_message
    rows = {row[0]: row for row in result_rows(batch)[1:]}
    assert rows["1"][2] == "命中" and rows["1"][4] == listed.uscc
    assert "多个主体" in rows["2"][2]
    assert "未登记" in rows["3"][2]


def test_a_killed_run_taken_up_again_records_each_check_once(
    listed: Subject, clean: Subject, checker: Organisation
) -> None:
    batch = run(checker, gb18030_csv([listed.uscc, clean.uscc]), "a.csv")
    first = set(Check.objects.filter(batch=batch).values_list("public_id", flat=True))
    result = result_rows(batch)
    # As if the worker died after committing the checks but before finishing.
    BatchCheck.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, receipt=None)
    again = process_batch(batch)
    assert again.status == BatchStatus.DONE
    assert set(Check.objects.filter(batch=batch).values_list("public_id", flat=True)) == first
    assert SubjectAccess.objects.filter(reference__in=first).count() == 2
    assert result_rows(again) == result


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"\x00\x01binary garbage\xff" * 10, "x.csv", "文件"),
        ("统一社会信用代码\r\n".encode("gb18030"), "header.csv", "没有数据行"),
        (b"PK\x03\x04truncated", "broken.xlsx", ""),
    ],
)
def test_bad_files_fail_the_batch_with_a_reason_and_record_nothing(
    checker: Organisation, content: bytes, name: str, reason: str
) -> None:
    batch = run(checker, content, name)
    assert batch.status == BatchStatus.FAILED and reason in batch.error_message
    assert batch.error_message and not Check.objects.exists()


def test_refused_before_anything_is_stored(checker: Organisation) -> None:
    with pytest.raises(CheckError) as unknown:
        run(checker, gb18030_csv(["x"]), "a.csv", scenario="karaoke")
    assert unknown.value.reason == "lists.unknown_scenario"
    with pytest.raises(CheckError) as empty:
        run(checker, b"", "a.csv")
    assert empty.value.reason == "file.empty"
    assert not BatchCheck.objects.exists()


def test_the_command_prints_a_summary(
    listed: Subject, checker: Organisation, tmp_path: Path, capsys: Any
) -> None:
    path = tmp_path / "bidders.csv"
    path.write_bytes(gb18030_csv([listed.uscc]))
    call_command(
        "checks", "batch", str(path), "--org", checker.uscc, "--scenario", "public_bidding"
    )
    summary = json.loads(capsys.readouterr().out)
    assert (summary["status"], summary["rows"], summary["hits"]) == ("done", 1, 1)
    assert Path(summary["result_file"]).is_file()


def test_the_api_queues_the_batch_and_serves_the_result(
    listed: Subject, checker: Organisation, check_token: str, client: Client
) -> None:
    upload = io.BytesIO(gb18030_csv([listed.uscc]))
    upload.name = "bidders.csv"
    form = {"file": upload, "scenario": "public_bidding", "matter": "津招〔2026〕4号"}
    with pytest.MonkeyPatch.context() as patch:
        ran: list[int] = []
        patch.setattr("xinyong.checks.services.batch.enqueue", lambda batch: ran.append(batch.pk))
        patch.setattr("xinyong.api.check_batches.enqueue", lambda batch: ran.append(batch.pk))
        response = client.post("/api/v1/check-batches", form, headers=bearer(check_token))
    assert response.status_code == 202, response.content.decode()
    queued = response.json()
    assert queued["status"] == "queued" and queued["result_url"] is None and ran
    assert response["Location"] == f"http://testserver/api/v1/check-batches/{queued['batch']}"
    process_batch(BatchCheck.objects.get(public_id=queued["batch"]))
    done = client.get(
        f"/api/v1/check-batches/{queued['batch']}", headers=bearer(check_token)
    ).json()
    assert (done["status"], done["hits"]) == ("done", 1)
    result = client.get(done["result_url"], headers=bearer(check_token))
    assert result.status_code == 200 and "命中" in result.getvalue().decode("utf-8-sig")
    problem(
        client.post("/api/v1/check-batches", {"scenario": "x"}, headers=bearer(check_token)),
        422,
        "invalid_request",
    )
    problem(
        client.get("/api/v1/check-batches/chk_nope", headers=bearer(check_token)),
        404,
        "batch.not_found",
    )


def test_a_batch_row_is_read_and_answered_like_a_single_check(
    listed: Subject, checker: Organisation, check_token: str, client: Client
) -> None:
    batch = run(checker, gb18030_csv([listed.uscc]), "a.csv")
    check = Check.objects.get(batch=batch)
    read = client.get(f"/api/v1/checks/{check.public_id}", headers=bearer(check_token))
    assert read.status_code == 200, read.content.decode()
    answer = read.json()
    assert answer["check_id"] == check.public_id and answer["result"] == "hits"
    assert [m["code"] for m in answer["measures"]] == ["C02", "C37"]
    assert answer["receipt"]["batch"] == batch.public_id  # the batch's receipt signs it
    given = client.post(
        f"/api/v1/checks/{check.public_id}/feedback",
        json.dumps({"outcome": "applied"}),
        content_type="application/json",
        headers=bearer(check_token),
    )
    assert given.status_code == 201, given.content.decode()
