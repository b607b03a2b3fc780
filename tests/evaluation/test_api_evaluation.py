"""`GET /api/v1/subjects/{key}/evaluation`: the public sees only the grades policy makes
public; a government token with `evaluation:read` and a purpose gets every grade explained,
and the read is in the subject's access log; others are refused; persons are not evaluated."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.evaluation.explain_fixtures import PENALTY_DOC, TAX, TJ, Graded, graded
from tests.evaluation.runs_fixtures import market, policy, var_dir
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_token
from xinyong.core.models import AuditEntry
from xinyong.evaluation.models import Score
from xinyong.subjects.models import AccessKind, Subject, SubjectAccess, SubjectKind

pytestmark = pytest.mark.django_db
__all__ = ["graded", "market", "policy", "var_dir"]  # fixtures used by name

SCOPE = "evaluation:read"


def _url(key: str) -> str:
    return f"/api/v1/subjects/{key}/evaluation"


def _token(organisation: Organisation, *scopes: str) -> dict[str, str]:
    secret = create_token(organisation=organisation, scopes=scopes).secret
    return {"Authorization": f"Bearer {secret}"}


def _problem(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


def test_a_government_token_reads_every_grade_explained(
    graded: Graded, market: Organisation, client: Client
) -> None:
    response = client.get(
        _url(graded.one.uscc), {"purpose": "行政许可审查"}, headers=_token(market, SCOPE)
    )
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert body["view"] == "full" and body["subject"]["uscc"] == graded.one.uscc
    models = {m["code"]: m for m in body["models"]}
    assert list(models) == [TAX, TJ]
    tj = models[TJ]
    assert (tj["grade"], tj["score"], tj["legacy_grade"], tj["version"]) == ("B", 82, "良", 1)
    assert tj["reasons"][0] == "得分82分，距A级（90分）还差8分。"
    explanation = tj["explanation"]
    run = Score.objects.filter(subject=graded.one, model_code=TJ).latest("id").run
    assert explanation["run"]["public_id"] == run.public_id
    assert explanation["run"]["trigger"] == "cli" and explanation["run"]["as_of"] == str(run.as_of)
    assert explanation["why_not_higher"]["costs"] == ["penalties_general"]
    indicators = {i["code"]: i for d in explanation["dimensions"] for i in d["indicators"]}
    general = indicators["penalties_general"]
    assert (general["points"], general["value"], general["measure"]) == (-3, 1, "count")
    [record] = general["records"]
    assert (record["item_code"], record["doc_no"], record["amount"]) == ("XZCF", PENALTY_DOC, "1.5")
    assert record["decision_date"] and "行政处罚法" in record["legal_basis"]
    assert models[TAX]["explanation"]["why_not_higher"] is None
    [entry] = SubjectAccess.objects.filter(subject=graded.one)
    assert (entry.kind, entry.organisation_id) == (AccessKind.SHARED_READ, market.pk)
    assert entry.purpose == "查询信用评价：行政许可审查"
    audit = AuditEntry.objects.get(action="evaluation.read")
    assert audit.actor_label.startswith("token:") and audit.organisation_id == market.pk


def test_the_public_sees_only_public_grades_without_explanation(
    graded: Graded, client: Client
) -> None:
    body = client.get(_url(graded.one.uscc)).json()
    assert body["view"] == "public"
    [shown] = body["models"]
    assert (shown["code"], shown["name"], shown["grade"]) == (TAX, "纳税信用级别", "A")
    assert shown["evaluated_on"] and shown["as_of"]
    assert shown["score"] is None and shown["explanation"] is None and shown["reasons"] == []
    # Company 2: B and M, neither public; by its public id.
    assert client.get(_url(graded.two.public_id)).json()["models"] == []
    assert not SubjectAccess.objects.exists()


def test_without_the_scope_or_outside_government_a_token_is_refused(
    graded: Graded, market: Organisation, client: Client
) -> None:
    plain = client.get(
        _url(graded.one.uscc), {"purpose": "x"}, headers=_token(market, "subjects:read")
    )
    _problem(plain, 403, "auth.missing_scope")
    bank = Organisation.objects.create(uscc="91120000MA07BANK02", name="测试银行", kind="bank")
    refused = client.get(_url(graded.one.uscc), {"purpose": "x"}, headers=_token(bank, SCOPE))
    _problem(refused, 403, "evaluation.government_only")
    no_purpose = client.get(_url(graded.one.uscc), headers=_token(market, SCOPE))
    _problem(no_purpose, 422, "purpose.required")
    assert not SubjectAccess.objects.exists()


def test_persons_and_unknown_keys_are_not_found(
    graded: Graded, market: Organisation, client: Client
) -> None:
    person = Subject.objects.create(kind=SubjectKind.NATURAL_PERSON, name="王小明")
    _problem(client.get(_url(person.public_id)), 404, "subject.not_evaluated")
    headers = _token(market, SCOPE)
    found = client.get(_url(person.public_id), {"purpose": "x"}, headers=headers)
    _problem(found, 404, "subject.not_evaluated")
    _problem(client.get(_url("91120000MA00000000")), 404, "subject.not_evaluated")


def test_openapi_documents_the_endpoint(policy: None, client: Client) -> None:
    spec = client.get("/api/openapi.json").json()
    operation = spec["paths"]["/api/v1/subjects/{key}/evaluation"]["get"]
    assert operation["summary"] and "evaluation:read" in operation["description"]
    assert {"200", "401", "403", "404", "422", "429"} <= set(operation["responses"])
    assert operation["security"] == [{"TokenAuth": []}, {}]
    assert {p["name"] for p in operation["parameters"]} == {"key", "purpose"}
    schemas = spec["components"]["schemas"]
    for name in ("EvaluationOut", "ModelGradeOut", "IndicatorOut", "RecordBehind"):
        assert name in schemas
