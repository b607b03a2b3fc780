"""Single checks: hits with their measures and legal basis, the legal boundaries (scenario,
removal, expiry, point in time), unknown subjects, signed receipts, the access log."""

from __future__ import annotations

import copy
import datetime
from typing import Any

import pytest
from django.utils import timezone

from tests.checks.conftest import D, body, list_company
from tests.lists.conftest import Staff, company
from xinyong.accounts.models import Organisation
from xinyong.checks.models import Check
from xinyong.checks.services import Checker, CheckError, CheckRequest, run_check
from xinyong.core.identifiers import make_uscc
from xinyong.core.signing import published_keys, verify
from xinyong.lists.models import ListEntry
from xinyong.lists.services import remove_by_outcome
from xinyong.subjects.models import AccessKind, Subject
from xinyong.subjects.services import access_log

pytestmark = pytest.mark.django_db


def ask(checker: Organisation, subject: Subject | str, **changes: Any) -> dict[str, Any]:
    code = subject if isinstance(subject, str) else subject.uscc
    values = body(**changes)
    request = CheckRequest(code, values["scenario"], values["matter"], values.get("as_of"))
    check = run_check(Checker.of(checker), request, actor_label="test")
    payload: dict[str, Any] = check.receipt["payload"]
    assert payload["check_id"] == check.public_id
    return payload


def test_a_listed_company_hits_with_each_measure_and_its_basis(
    listed: Subject, checker: Organisation
) -> None:
    answer = ask(checker, listed)
    assert answer["result"] == "hits"
    [entry] = answer["entries"]
    assert entry["list_type"] == "market_serious_illegal"
    assert entry["decision_no"] == f"津市监列〔2026〕{listed.pk}号"
    assert entry["decided_by"] == "天津市市场监督管理委员会"
    assert [m["code"] for m in answer["measures"]] == ["C02"]
    [measure] = answer["measures"]
    assert measure["because_of"] == ["market_serious_illegal"]
    assert any("第44号" in basis for basis in measure["legal_basis"])
    assert answer["subject"] == {
        "public_id": listed.public_id, "name": listed.name, "kind": "legal_person",
        "uscc": listed.uscc, "citizen_id": None,
    }  # fmt: skip
    assert answer["policy"]["version"] > 0 and len(answer["policy"]["fingerprint"]) == 64
    # The subject's access log names the check.
    [access] = access_log(listed.pk)
    assert access.kind == AccessKind.CHECK and access.organisation_id == checker.pk
    assert access.reference == answer["check_id"] and "政府采购" in access.purpose


def test_measures_fire_only_in_their_scenarios(listed: Subject, checker: Organisation) -> None:
    assert [m["code"] for m in ask(checker, listed, scenario="public_bidding")["measures"]] == [
        "C02",
        "C37",
    ]
    # No measure of this list applies to credit: no hit, and the entry is not reported.
    answer = ask(checker, listed, scenario="financing")
    assert (answer["result"], answer["entries"], answer["measures"]) == ("no_hits", [], [])
    assert answer["list_state"]["entries"] == 1


def test_a_clean_company_has_no_hits_and_an_unknown_one_is_not_vouched_for(
    clean: Subject, checker: Organisation
) -> None:
    assert ask(checker, clean)["result"] == "no_hits"
    unknown = ask(checker, make_uscc("9", "1", "120101", "99999999"))
    assert (unknown["result"], unknown["subject"]) == ("unknown_subject", None)
    assert not access_log(clean.pk).filter(reference=unknown["check_id"]).exists()


def test_removed_and_expired_entries_never_trigger(staff: Staff, checker: Organisation) -> None:
    repaired, expired = company(3), company(4)
    entry = list_company(staff, repaired)
    before_removal = timezone.now()
    remove_by_outcome(
        staff.market, ListEntry.objects.get(pk=entry.pk), outcome="repair",
        reference="津市监修〔2026〕1号", decided_on=D("2026-11-02"),
    )  # fmt: skip
    assert ask(checker, repaired)["result"] == "no_hits"
    # As of before the repair was recorded, the lists said otherwise.
    assert ask(checker, repaired, as_of=before_removal)["result"] == "hits"
    list_company(staff, expired, decided_on="2022-06-01")  # three years: ended 2025-06-01
    assert ask(checker, expired)["result"] == "no_hits"
    # Before the platform held any list policy it cannot answer at all: an error, not "no hits".
    with pytest.raises(CheckError) as refused:
        ask(checker, expired, as_of=timezone.make_aware(datetime.datetime(2025, 5, 31, 12)))
    assert refused.value.reason == "lists.policy_not_loaded"


def test_as_of_answers_what_the_lists_said_then(staff: Staff, checker: Organisation) -> None:
    subject = company(5)
    before = timezone.now()
    list_company(staff, subject)
    assert ask(checker, subject)["result"] == "hits"
    then = ask(checker, subject, as_of=before)
    assert then["result"] == "no_hits" and then["as_of"] <= then["checked_at"]


def test_the_receipt_verifies_and_a_tampered_one_does_not(
    listed: Subject, checker: Organisation
) -> None:
    request = CheckRequest(listed.uscc, "government_procurement", "津财采〔2026〕8号")
    receipt = run_check(Checker.of(checker), request, actor_label="test").receipt
    keys = published_keys()
    assert verify(receipt, keys).valid
    tampered = copy.deepcopy(receipt)
    tampered["payload"]["result"] = "no_hits"
    tampered["payload"]["entries"] = []
    assert not verify(tampered, keys).valid


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"scenario": "karaoke"}, "lists.unknown_scenario"),
        ({"matter": "  "}, "check.matter_required"),
        ({"subject": "91120101000000019X"}, "check.subject_code"),
        ({"subject": ""}, "check.subject_code"),
    ],
)
def test_bad_requests_are_refused_and_write_nothing(
    listed: Subject, checker: Organisation, changes: dict[str, str], reason: str
) -> None:
    values = body(**changes)
    request = CheckRequest(
        changes.get("subject", listed.uscc), values["scenario"], values["matter"]
    )
    with pytest.raises(CheckError) as refused:
        run_check(Checker.of(checker), request, actor_label="test")
    assert refused.value.reason == reason
    assert not access_log(listed.pk).exists()


def test_a_future_moment_is_refused(listed: Subject, checker: Organisation) -> None:
    later = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(CheckError, match="核查时点"):
        ask(checker, listed, as_of=later)


def test_the_stored_check_is_the_one_answered(listed: Subject, checker: Organisation) -> None:
    """The check and its access-log entry are written by prepared INSERTs, not the ORM's
    save: read back, every value is what the answer said."""
    values = body()
    request = CheckRequest(listed.uscc, values["scenario"], values["matter"])
    check = run_check(Checker.of(checker), request, actor_label="test")
    stored = Check.objects.get(pk=check.pk)
    assert stored.public_id == check.public_id and stored.subject_id == listed.pk
    assert stored.receipt == check.receipt
    assert (stored.checked_at, stored.as_of) == (check.checked_at, check.as_of)
    assert stored.feedback_due is not None and stored.feedback_due == check.feedback_due
    assert (stored.hit_count, stored.measure_count) == (check.hit_count, check.measure_count)
    [entry] = access_log(listed.pk)
    assert entry.reference == check.public_id and entry.accessed_at == check.checked_at
