"""The subjects read API with tokens: scopes, the government-shared view with its purpose
and audit entry, organisations that may not have it, and bad tokens."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api.conftest import TokenFactory, bearer, problem
from tests.records.pipeline.helpers import citizen_id, uscc
from tests.records.test_public_fixtures import company, days_ago, land, wage_arrears
from xinyong.accounts.models import ApiToken, Organisation
from xinyong.accounts.services import revoke_token
from xinyong.core import audit
from xinyong.core.models import AuditEntry
from xinyong.subjects.models import AccessKind, Subject
from xinyong.subjects.services import access_log

URL = "/api/v1/subjects"
SHARED = ("subjects:read", "records:read_shared")
PURPOSE = "行政许可审查 津市监许〔2026〕1号"


def _reads() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="subject.read").order_by("seq"))


def _groups(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {g["code"]: g for g in body["items"]}


def test_a_government_token_with_purpose_gets_the_shared_view_and_is_audited(
    mixed: Subject, hrss: Organisation, token_for: TokenFactory, client: Client
) -> None:
    secret = token_for(hrss, *SHARED)
    response = client.get(f"{URL}/{uscc(1)}", {"purpose": PURPOSE}, headers=bearer(secret))
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert body["view"] == "shared"
    groups = _groups(body)
    shared = groups["TQNMGGZ"]
    assert shared["disclosure"] == "government" and shared["total"] == 1
    assert [r["doc_no"] for r in shared["records"]] == ["津人社处〔2026〕1号"]
    assert groups["SHBXQJ"]["total"] == 0  # another shared item, empty
    # Public items still follow the public rule: nothing ended, unpublished or withdrawn.
    assert [r["doc_no"] for r in groups["XZCF"]["records"]] == ["津市监罚〔2026〕1号"]
    assert body["records_total"] == 3
    rep_id = citizen_id(1, born="19700101")
    assert rep_id not in response.content.decode()

    [entry] = _reads()
    assert (entry.object_type, entry.object_id) == ("subject", mixed.public_id)
    assert entry.purpose == PURPOSE and entry.organisation_id == hrss.pk
    assert entry.actor_label == f"token:{secret[:11]}" and entry.request_id
    assert entry.after == {"view": "shared", "records": {"TQNMGGZ": 1}}
    assert audit.verify()[1] is None
    # The subject's own access log names the reader, the purpose and the basis.
    [access] = access_log(mixed.pk)
    assert (access.kind, access.organisation_id) == (AccessKind.SHARED_READ, hrss.pk)
    assert access.purpose == PURPOSE and "TQNMGGZ" in access.legal_basis


def test_a_purpose_is_required_and_id_numbers_in_it_are_masked(
    mixed: Subject, hrss: Organisation, token_for: TokenFactory, client: Client
) -> None:
    secret = token_for(hrss, *SHARED)
    problem(client.get(f"{URL}/{uscc(1)}", headers=bearer(secret)), 422, "purpose.required")
    blank = client.get(f"{URL}/{uscc(1)}", {"purpose": "  "}, headers=bearer(secret))
    problem(blank, 422, "purpose.required")
    # Refused before the key is looked up: a key cannot be probed without a purpose.
    problem(client.get(f"{URL}/{uscc(404)}", headers=bearer(secret)), 422, "purpose.required")
    assert _reads() == []
    number = citizen_id(3, born="19800101")
    asked = client.get(
        f"{URL}/{uscc(1)}", {"purpose": f"核查 {number} 的关联企业"}, headers=bearer(secret)
    )
    assert asked.status_code == 200
    [entry] = _reads()
    assert number not in json.dumps([entry.purpose, entry.after], ensure_ascii=False)
    assert entry.purpose == f"核查 {number[:6]}********{number[-4:]} 的关联企业"
    assert [a.purpose for a in access_log(mixed.pk)] == [entry.purpose]


def test_anonymous_callers_and_plain_tokens_get_the_public_view_unaudited(
    mixed: Subject, market: Organisation, token_for: TokenFactory, client: Client
) -> None:
    anonymous = client.get(f"{URL}/{uscc(1)}", {"purpose": PURPOSE}).json()
    plain = client.get(
        f"{URL}/{uscc(1)}", headers=bearer(token_for(market, "subjects:read"))
    ).json()
    for body in (anonymous, plain):
        assert body["view"] == "public" and "TQNMGGZ" not in _groups(body)
        assert "津人社处" not in json.dumps(body, ensure_ascii=False)
    assert anonymous == plain
    assert _reads() == []
    assert not access_log(mixed.pk).exists()


def test_expired_and_withdrawn_shared_records_are_absent(
    mixed: Subject, hrss: Organisation, token_for: TokenFactory, client: Client
) -> None:
    old = wage_arrears("津人社处〔2022〕9号", company(1), hrss)
    old["decision_date"] = days_ago(4 * 365).isoformat()  # shared for three years
    land(hrss, "TQNMGGZ", [old])
    body = client.get(
        f"{URL}/{uscc(1)}", {"purpose": PURPOSE}, headers=bearer(token_for(hrss, *SHARED))
    ).json()
    assert [r["doc_no"] for r in _groups(body)["TQNMGGZ"]["records"]] == ["津人社处〔2026〕1号"]


def test_shared_scope_outside_government_is_refused(
    mixed: Subject, bank: Organisation, token_for: TokenFactory, client: Client
) -> None:
    secret = token_for(bank, *SHARED)
    response = client.get(f"{URL}/{uscc(1)}", {"purpose": PURPOSE}, headers=bearer(secret))
    problem(response, 403, "records.shared_government_only")
    assert _reads() == []
    plain = client.get(f"{URL}/{uscc(1)}", headers=bearer(token_for(bank, "subjects:read")))
    assert plain.json()["view"] == "public"


def test_scopes_and_bad_tokens(
    mixed: Subject, hrss: Organisation, token_for: TokenFactory, client: Client
) -> None:
    for url in (f"{URL}/{uscc(1)}", f"{URL}?q=公示"):
        no_scope = client.get(url, headers=bearer(token_for(hrss, "records:submit")))
        problem(no_scope, 403, "auth.missing_scope")
        shared_only = client.get(url, headers=bearer(token_for(hrss, "records:read_shared")))
        problem(shared_only, 403, "auth.missing_scope")
        unknown = client.get(url, headers=bearer("xy_00000000_" + "a" * 43))
        problem(unknown, 401, "auth.invalid_token")
        assert unknown["WWW-Authenticate"].startswith("Bearer")
        problem(client.get(url, headers={"Authorization": "Token x"}), 401, "auth.malformed")
    expired = token_for(hrss, *SHARED)
    ApiToken.objects.filter(prefix=expired[:11]).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    revoked = token_for(hrss, *SHARED)
    revoke_token(ApiToken.objects.get(prefix=revoked[:11]))
    for secret in (expired, revoked):
        response = client.get(f"{URL}/{uscc(1)}", {"purpose": PURPOSE}, headers=bearer(secret))
        problem(response, 401, "auth.invalid_token")
    assert _reads() == []


def test_shared_view_queries_do_not_grow_with_records(
    hrss: Organisation, token_for: TokenFactory, client: Client
) -> None:
    secret = token_for(hrss, *SHARED)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{URL}/{uscc(5)}", {"purpose": PURPOSE}, headers=bearer(secret))
            assert response.status_code == 200
        return len(captured)

    land(hrss, "TQNMGGZ", [wage_arrears("津人社处〔2026〕100号", company(5), hrss)])
    queries()  # a token's first use stamps it, the first audit entry starts the chain
    few = queries()
    land(
        hrss,
        "TQNMGGZ",
        [wage_arrears(f"津人社处〔2026〕{n}号", company(5), hrss) for n in range(101, 130)],
    )
    assert queries() == few
    assert len(_reads()) == 3
