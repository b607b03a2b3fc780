"""Lists in the subjects read API: `lists` of a subject, `on_lists` of each search hit, the
public rule (removed, expired and unpublished entries never there), queries, OpenAPI."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import TokenFactory, bearer
from tests.lists.public_fixtures import (
    FACTS,
    HIDDEN_DOCS,
    MARKET_BASIS,
    MARKET_LIST,
    MARKET_LIST_NAME,
    TAX_A,
    Listings,
    days_ago,
    listed,
)
from xinyong.accounts.models import Organisation

__all__ = ["listed"]  # fixtures used by name

URL = "/api/v1/subjects"


def _json(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content.decode()
    body: dict[str, Any] = response.json()
    return body


def test_a_subject_carries_its_public_list_entries(listed: Listings, client: Client) -> None:
    body = _json(client.get(f"{URL}/{listed.both.uscc}"))
    punishment, incentive = body["lists"]
    assert punishment == {
        "list_type": MARKET_LIST,
        "list_name": MARKET_LIST_NAME,
        "kind": "punishment",
        "department": "天津市市场监督管理委员会",
        "doc_no": "津市监列〔2026〕1号",
        "decision_date": days_ago(30).isoformat(),
        "starts_on": days_ago(30).isoformat(),
        "ends_on": punishment["ends_on"],
        "published_on": days_ago(30).isoformat(),
        "reason": FACTS,
        "decision_basis": "《市场监督管理严重违法失信名单管理办法》第九条",
        "legal_basis": punishment["legal_basis"],
    }
    assert punishment["ends_on"] > days_ago(0).isoformat()
    assert MARKET_BASIS in punishment["legal_basis"]
    assert (incentive["list_type"], incentive["kind"]) == (TAX_A, "incentive")
    # The existing fields are unchanged.
    assert {"view", "subject", "records_total", "items", "links"} <= set(body)


def test_removed_expired_and_unpublished_entries_are_never_in_the_api(
    listed: Listings, client: Client
) -> None:
    for subject in listed.hidden:
        body = _json(client.get(f"{URL}/{subject.uscc}"))
        assert body["lists"] == []
        assert not any(doc in json.dumps(body, ensure_ascii=False) for doc in HIDDEN_DOCS)
    hits = _json(client.get(URL, {"q": "名单公示"}))["results"]
    assert {hit["uscc"]: hit["on_lists"] for hit in hits} == {
        listed.both.uscc: ["punishment", "incentive"],
        listed.recent.uscc: ["punishment"],
        listed.removed.uscc: [],
        listed.expired.uscc: [],
        listed.unpublished.uscc: [],
    }


def test_a_listed_person_is_masked(listed: Listings, client: Client) -> None:
    response = client.get(f"{URL}/{listed.person.public_id}")
    [entry] = _json(response)["lists"]
    assert entry["reason"] == "王**隐匿收入，偷税数额较大"
    assert "王小五" not in response.content.decode()


def test_the_shared_view_carries_the_same_lists(
    listed: Listings, hrss: Organisation, token_for: TokenFactory, client: Client
) -> None:
    public = _json(client.get(f"{URL}/{listed.both.uscc}"))
    secret = token_for(hrss, "subjects:read", "records:read_shared")
    shared = _json(
        client.get(f"{URL}/{listed.both.uscc}", {"purpose": "行政许可审查"}, headers=bearer(secret))
    )
    assert shared["view"] == "shared" and shared["lists"] == public["lists"]
    unpublished = client.get(
        f"{URL}/{listed.unpublished.uscc}", {"purpose": "行政许可审查"}, headers=bearer(secret)
    )
    assert _json(unpublished)["lists"] == []


def _queries(client: Client, url: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_lists_cost_one_query_whatever_their_number(listed: Listings, client: Client) -> None:
    assert _queries(client, f"{URL}/{listed.removed.uscc}") == _queries(
        client, f"{URL}/{listed.both.uscc}"
    )
    with CaptureQueriesContext(connection) as captured:
        _json(client.get(URL, {"q": "名单公示"}))
    assert sum("lists_listentry" in q["sql"] for q in captured.captured_queries) == 1


def test_openapi_documents_the_lists(listed: Listings, client: Client) -> None:
    spec = _json(client.get("/api/openapi.json"))
    schemas = spec["components"]["schemas"]
    entry = schemas["ListEntryOut"]["properties"]
    assert all("description" in value for value in entry.values())
    assert entry["kind"]["enum"] == ["punishment", "incentive"]
    assert "lists" in schemas["SubjectOut"]["properties"]
    assert schemas["SubjectHit"]["properties"]["on_lists"]["description"]
    read = spec["paths"]["/api/v1/subjects/{key}"]["get"]
    assert "lists 为主体当前所在的已公布名单条目" in read["description"]
