"""Batch comparison's output pinned for a small mixed batch: the result file byte for byte,
each row's check answering exactly what a single check answers, one access-log entry per
found row, and the batch's signed receipt. Batches are computed set by set, single checks
one by one: this test holds the two to the same answers."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tests.checks.conftest import D, list_company
from tests.checks.test_batch import gb18030_csv
from tests.lists.conftest import Staff, company, decision, notice
from tests.subjects.codes import broken, citizen_id
from tests.subjects.helpers import link_ids
from xinyong.accounts.models import Organisation
from xinyong.catalog.services.measures import measure_policy
from xinyong.checks.models import BatchStatus, Check
from xinyong.checks.services.batch import process_batch, submit_batch
from xinyong.checks.services.running import Checker, answer
from xinyong.core.identifiers import make_uscc
from xinyong.core.privacy import mask_in_text
from xinyong.core.signing import published_keys, verify
from xinyong.lists.models import ListEntry
from xinyong.lists.services import (
    decide,
    entries_in_force,
    list_directly,
    notify,
    publish,
    record_statement,
    remove_by_outcome,
)
from xinyong.subjects.models import AccessKind, Subject, SubjectAccess, SubjectName
from xinyong.subjects.services import display_name

pytestmark = pytest.mark.django_db

MATTER = "津招〔2026〕9号 投标人资格审查"
SCENARIO = "public_bidding"
PERSON = citizen_id(7)


def list_for_tax(staff: Staff, subject: Subject) -> None:
    """`subject` on the tax authority's serious list (重大税收违法失信主体), published."""
    entry = notify(
        staff.tax, subject=subject, list_type="tax_major_violation",
        notice=notice(served_on="2026-09-30", notice_no="津税告〔2026〕1号"),
    )  # fmt: skip
    entry = record_statement(staff.tax, entry, statement="无异议", received_on=D("2026-10-01"))
    entry = decide(staff.tax, entry, decision(doc_no=f"津税列〔2026〕{subject.pk}号"))
    publish(staff.tax, entry, published_on=D("2026-10-14"))


@pytest.fixture
def mixed(staff: Staff, listed: Subject, clean: Subject) -> list[str]:
    """A file's values: hits on one list and on two, an incentive entry that no measure of
    the scenario follows, removed and expired entries, a person by ID number, names found,
    ambiguous and unknown, codes unknown and malformed, a repeat, blanks and a formula."""
    both, rewarded, repaired, expired = company(21), company(22), company(23), company(24)
    list_company(staff, both)
    list_for_tax(staff, both)
    list_directly(
        staff.tax, subject=rewarded, list_type="tax_credit_a",
        decision=decision("2026-04-20", "A2025-9"),
    )  # fmt: skip
    entry = list_company(staff, repaired)
    remove_by_outcome(
        staff.market, ListEntry.objects.get(pk=entry.pk), outcome="repair",
        reference="津市监修〔2026〕9号", decided_on=D("2026-11-02"),
    )  # fmt: skip
    list_company(staff, expired, decided_on="2022-06-01")
    link_ids("张三丰", citizen_id=PERSON)
    twin_a, twin_b = company(25), company(26)
    Subject.objects.filter(pk__in=[twin_a.pk, twin_b.pk]).update(name="天津市同名贸易有限公司")
    SubjectName.objects.filter(subject__in=[twin_a, twin_b]).update(name="天津市同名贸易有限公司")
    return [
        listed.uscc, clean.uscc, both.uscc, rewarded.uscc, repaired.uscc, expired.uscc,
        make_uscc("9", "1", "120101", "99999999"), "", PERSON, listed.name,
        "天津市同名贸易有限公司", "不存在的公司", listed.uscc.lower(), broken(clean.uscc),
        "=cmd|' /C calc'!A0", "  ", both.name, "张三丰",
    ]  # fmt: skip


def test_the_result_file_checks_access_log_and_receipt_are_pinned(
    mixed: list[str], checker: Organisation
) -> None:
    numbered = [f"{n},{value}" for n, value in enumerate(mixed, 1)]  # blank values kept
    batch = submit_batch(
        checker, upload=io.BytesIO(gb18030_csv(numbered, "序号,统一社会信用代码")),
        file_name="mixed.csv",
        scenario=SCENARIO, matter=MATTER, created_by="张科长",
    )  # fmt: skip
    batch = process_batch(batch)
    assert batch.status == BatchStatus.DONE, batch.error_message
    as_of = batch.as_of
    assert as_of is not None
    checks = {c.batch_row: c for c in Check.objects.filter(batch=batch).select_related("subject")}
    policy = measure_policy(as_of)
    scenario = policy.scenario(SCENARIO)
    unknown, blank = "平台未登记该主体（不表示无失信记录）", "空行"

    expected_rows: list[list[str]] = []
    for row, value in enumerate(mixed, 1):
        check = checks.get(row)
        shown = mask_in_text(value.strip())
        if check is None:
            outcome = (
                blank if not value.strip()
                else "名称对应多个主体，请改用统一社会信用代码" if value == "天津市同名贸易有限公司"
                else unknown
            )  # fmt: skip
            shown = "'" + shown if shown.startswith("=") else shown
            expected_rows.append([str(row), shown, outcome, "", "", "", "", ""])
            continue
        subject = check.subject
        assert subject is not None
        entries = entries_in_force([subject.pk], as_of).get(subject.pk, [])
        single, payload = answer(
            checker=Checker.of(checker), actor_label="张科长", subject=subject,
            query_shown=shown, scenario=scenario, matter=MATTER, as_of=as_of, now=as_of,
            entries=entries, policy=policy,
        )  # fmt: skip
        payload["check_id"] = check.public_id
        # The row's check is the single check's answer, kept under the batch's receipt.
        assert check.receipt == {"payload": payload, "batch": batch.public_id, "row": row}
        assert (check.hit_count, check.measure_count, check.list_state) == (
            single.hit_count, single.measure_count, single.list_state,
        )  # fmt: skip
        assert (check.query_shown, check.as_of, check.checked_at) == (shown, as_of, as_of)
        assert (check.actor_label, check.matter, check.scenario) == ("张科长", MATTER, SCENARIO)
        assert check.policy_version == policy.state.version
        assert (check.feedback_due is not None) == bool(check.hit_count)
        lists = "；".join(
            f"{e['list_name']}（{e['decided_by']} {e['decision_no']}）" for e in payload["entries"]
        )
        measures = "；".join(f"{m['code']} {m['text']}" for m in payload["measures"])
        expected_rows.append(
            [
                str(row), shown, "命中" if check.hit_count else "未命中", display_name(subject),
                subject.uscc, lists, measures, check.public_id,
            ]
        )  # fmt: skip

    out = io.StringIO(newline="")
    header = ["行号", "查询内容", "比对结果", "主体名称", "统一社会信用代码", "名单", "措施"]
    csv.writer(out).writerows([[*header, "核查编号"], *expected_rows])
    result = (Path(settings.XINYONG_VAR_DIR) / batch.result_path).read_bytes()
    assert result == b"\xef\xbb\xbf" + out.getvalue().encode()

    outcomes = [r[2] for r in expected_rows]
    assert outcomes == [
        "命中", "未命中", "命中", "未命中", "未命中", "未命中", unknown, blank, "未命中", "命中",
        "名称对应多个主体，请改用统一社会信用代码", unknown, "命中", unknown, unknown, blank,
        "命中", unknown,
    ]  # fmt: skip
    assert expected_rows[2][6].split("；")[0].startswith("C02") and "C20" in expected_rows[2][6]
    assert "重大税收违法失信主体" in expected_rows[2][5] and expected_rows[8][3] == "张**"
    assert checks[4].receipt["payload"]["list_state"]["entries"] == 1  # listed, no measure

    accesses = SubjectAccess.objects.filter(reference__in=[c.public_id for c in checks.values()])
    assert sorted(
        (a.reference, a.subject_id, a.kind, a.organisation_id, a.accessed_at, a.purpose,
         a.legal_basis)
        for a in accesses
    ) == sorted(
        (c.public_id, c.subject_id, AccessKind.CHECK, checker.pk, as_of,
         f"{scenario.name}：{MATTER}", "联合奖惩核查（批量比对）")
        for c in checks.values()
    )  # fmt: skip

    receipt = batch.receipt
    assert receipt is not None and verify(receipt, published_keys()).valid
    assert receipt["payload"] == {
        "type": "xinyong.check-batch/1",
        "batch": batch.public_id,
        "checked_at": timezone.localtime(as_of).isoformat(timespec="seconds"),
        "checker": {"uscc": checker.uscc, "name": checker.name},
        "scenario": {"code": SCENARIO, "name": scenario.name},
        "matter": MATTER,
        "rows": 18,
        "hits": 5,
        "unknown": 6,
        "result_file": {"name": "result.csv", "sha256": hashlib.sha256(result).hexdigest()},
        "policy": {"version": policy.state.version, "fingerprint": policy.state.fingerprint},
    }
