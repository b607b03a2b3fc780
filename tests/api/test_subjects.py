"""The subjects read API as anonymous callers see it: search, a subject's public view,
masking, pagination, errors as problems, no N+1, and the OpenAPI document."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import problem
from tests.records.pipeline.helpers import citizen_id, uscc
from tests.records.test_public_fixtures import BASIS, company, land, licence, penalty, person
from tests.subjects.helpers import link_ids
from xinyong.accounts.models import Organisation
from xinyong.subjects.models import Subject

URL = "/api/v1/subjects"


def _json(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content.decode()
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


def _masked(number: str) -> str:
    return number[:6] + "********" + number[-4:]


# -- search ------------------------------------------------------------------------------------


def test_two_characters_find_a_company_with_its_public_count_and_links(
    mixed: Subject, client: Client
) -> None:
    body = _json(client.get(URL, {"q": "公示"}))
    assert body["total"] == 1 and body["pages"] == 1 and body["page"] == 1
    [hit] = body["results"]
    assert hit["name"] == "天津市公示测试1有限公司"
    assert (hit["code"], hit["uscc"], hit["code_label"]) == (uscc(1), uscc(1), "统一社会信用代码")
    assert hit["kind_code"] == "legal_person" and hit["district"] and hit["match"] == "substring"
    # The current penalty and licence; not the ended, unpublished, withdrawn or shared ones.
    assert hit["public_records"] == 2
    assert hit["links"] == {
        "api": f"http://testserver{URL}/{uscc(1)}",
        "page": f"http://testserver/subjects/{uscc(1)}/",
    }
    assert body["links"] == {"next": None, "previous": None}
    assert _json(client.get(URL, {"q": uscc(1)}))["results"][0]["match"] == "code"


def _search(client: Client, q: str, **params: int | str) -> Any:
    return client.get(URL, {"q": q, **params})


def test_search_pages_with_limits(market: Organisation, client: Client) -> None:
    land(market, "XZCF", [penalty(f"津市监罚〔2026〕{n}号", company(n)) for n in range(1, 8)])
    first = _json(_search(client, "公示测试", page_size=3))
    assert (first["total"], first["pages"], len(first["results"])) == (7, 3, 3)
    assert first["links"]["previous"] is None
    second = _json(client.get(first["links"]["next"].removeprefix("http://testserver")))
    assert second["page"] == 2 and second["links"]["previous"] is not None
    last = _json(_search(client, "公示测试", page_size=3, page=3))
    assert len(last["results"]) == 1 and last["links"]["next"] is None
    pages = (first, second, last)
    assert len({hit["name"] for page in pages for hit in page["results"]}) == 7
    problem(_search(client, "公示测试", page_size=3, page=4), 404, "page.not_found")
    body = problem(_search(client, "公示测试", page_size=51), 422, "invalid_request")
    assert [e["location"] for e in body["errors"]] == ["query.page_size"]
    problem(_search(client, "公示测试", page=0), 422, "invalid_request")
    problem(client.get(URL), 422, "invalid_request")
    problem(_search(client, "x" * 101), 422, "invalid_request")
    problem(_search(client, "公示", district="999999"), 422, "district.unknown")


def test_persons_only_by_exact_name_and_district_and_never_by_id_number(
    market: Organisation, client: Client
) -> None:
    number = citizen_id(7, born="19850101")
    # Ingestion leaves a person's district empty; the register may know it.
    link_ids("李四光", citizen_id=number, district_code="120101")
    land(market, "XZCF", [penalty("津市监罚〔2026〕7号", person(7))])
    subject = Subject.objects.get(kind="natural_person")
    assert subject.district is not None
    assert _json(client.get(URL, {"q": "李四光"}))["total"] == 0
    assert _json(client.get(URL, {"q": "李四"}))["total"] == 0
    found = _json(client.get(URL, {"q": "李四光", "district": subject.district.code}))
    [hit] = found["results"]
    assert hit["name"] == "李**" and hit["code"] == _masked(number)
    assert hit["uscc"] is None and hit["public_id"] == subject.public_id
    assert hit["links"]["api"] == f"http://testserver{URL}/{subject.public_id}"
    assert number not in json.dumps(found)
    refused = client.get(URL, {"q": number})
    problem(refused, 422, "query.id_number")
    assert number not in refused.content.decode()


# -- one subject ------------------------------------------------------------------------------


def test_the_public_view_shows_public_records_only_and_masks_ids(
    mixed: Subject, client: Client
) -> None:
    body = _json(client.get(f"{URL}/{uscc(1)}"))
    assert body["view"] == "public"
    assert body["subject"]["name"] == "天津市公示测试1有限公司"
    assert body["subject"]["uscc"] == uscc(1) and body["subject"]["masked_id"] is None
    groups = {g["code"]: g for g in body["items"]}
    assert "TQNMGGZ" not in groups  # 政务共享: not even an empty group
    assert all(g["disclosure"] == "public" for g in groups.values())
    assert [r["doc_no"] for r in groups["XZCF"]["records"]] == ["津市监罚〔2026〕1号"]
    assert [r["doc_no"] for r in groups["XZXK"]["records"]] == ["津市监许〔2026〕1号"]
    assert groups["XZCF"]["total"] == 1 and body["records_total"] == 2
    shown = groups["XZCF"]["records"][0]
    assert shown["legal_basis"] == BASIS and shown["department"] == "天津市市场监督管理委员会"
    assert shown["published_until"] is not None
    values = {f["key"]: f["value"] for f in shown["fields"]}
    rep_id = citizen_id(1, born="19700101")
    assert values["legal_rep_id_no"] == _masked(rep_id)
    assert rep_id not in json.dumps(body)
    for doc in ("2024〕2号", "2026〕3号", "2026〕4号", "津人社处"):  # ended, warning, withdrawn
        assert doc not in json.dumps(body, ensure_ascii=False)
    assert body["links"]["page"] == f"http://testserver/subjects/{uscc(1)}/"
    # A USCC typed in lower case names the same subject.
    assert _json(client.get(f"{URL}/{uscc(1).lower()}"))["subject"]["public_id"] == (
        mixed.public_id
    )


def test_a_person_is_read_by_public_id_masked_and_never_by_id_number(
    market: Organisation, client: Client
) -> None:
    number = citizen_id(7, born="19850101")
    facts = "李四光在本市销售假冒商品，身份证号" + number
    land(market, "XZCF", [penalty("津市监罚〔2026〕7号", person(7), facts=facts)])
    subject = Subject.objects.get(kind="natural_person")
    response = client.get(f"{URL}/{subject.public_id}")
    body = _json(response)
    assert body["subject"]["name"] == "李**" and body["subject"]["uscc"] is None
    assert body["subject"]["masked_id"] == _masked(number)
    [record] = next(g for g in body["items"] if g["code"] == "XZCF")["records"]
    values = {f["key"]: f["value"] for f in record["fields"]}
    assert values["facts"] == f"李**在本市销售假冒商品，身份证号{_masked(number)}"
    assert number not in response.content.decode() and "李四光" not in body["subject"]["name"]
    assert body["links"]["page"] == f"http://testserver/subjects/id/{subject.public_id}/"
    by_number = client.get(f"{URL}/{number}")
    problem(by_number, 404, "subject.not_found")
    assert number not in by_number.content.decode()


def test_unknown_and_malformed_keys_are_404_or_422(policy: None, client: Client) -> None:
    problem(client.get(f"{URL}/{uscc(404)}"), 404, "subject.not_found")
    problem(client.get(f"{URL}/nothing-here"), 404, "subject.not_found")
    problem(client.get(f"{URL}/{'x' * 33}"), 422, "invalid_request")


def test_script_in_names_and_texts_comes_back_as_json_data(
    market: Organisation, client: Client
) -> None:
    name = "天津市<script>alert(1)</script>有限公司"
    facts = '经查，<img src=x onerror="alert(2)">当事人发布虚假广告。'
    land(market, "XZCF", [penalty("津市监罚〔2026〕9号", company(9, name), facts=facts)])
    stored = Subject.objects.get(uscc=uscc(9)).name
    response = client.get(f"{URL}/{uscc(9)}")
    body = _json(response)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body["subject"]["name"] == stored and "<script>" in stored
    values = {f["key"]: f["value"] for f in body["items"][1]["records"][0]["fields"]}
    assert values["facts"] == facts
    hits = _json(client.get(URL, {"q": "<script>"}))
    assert [hit["name"] for hit in hits["results"]] == [stored]


def _queries(client: Client, url: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_results_or_records(market: Organisation, client: Client) -> None:
    land(market, "XZCF", [penalty(f"津市监罚〔2026〕{n}号", company(n)) for n in range(1, 4)])
    land(market, "XZCF", [penalty("津市监罚〔2026〕50号", company(50))])
    few_hits = _queries(client, URL, q="公示测试")
    one_record = _queries(client, f"{URL}/{uscc(50)}")
    land(market, "XZCF", [penalty(f"津市监罚〔2026〕{n}号", company(n)) for n in range(4, 19)])
    land(market, "XZCF", [penalty(f"津市监罚〔2026〕{n}号", company(50)) for n in range(60, 80)])
    land(market, "XZXK", [licence(f"津市监许〔2026〕{n}号", company(50)) for n in range(60, 70)])
    assert _queries(client, URL, q="公示测试") == few_hits
    assert _queries(client, f"{URL}/{uscc(50)}") == one_record


# -- the document -------------------------------------------------------------------------------


def test_openapi_documents_both_endpoints(policy: None, client: Client) -> None:
    spec = _json(client.get("/api/openapi.json"))
    search = spec["paths"]["/api/v1/subjects"]["get"]
    read = spec["paths"]["/api/v1/subjects/{key}"]["get"]
    for operation in (search, read):
        assert operation["summary"] and "脱敏" in operation["description"]
        assert {"200", "401", "403", "404", "422", "429"} <= set(operation["responses"])
        assert operation["security"] == [{"TokenAuth": []}, {}]  # the token is optional
        assert "Retry-After" in operation["responses"]["429"]["headers"]
    params = {p["name"]: p for p in search["parameters"]}
    assert set(params) == {"q", "district", "page", "page_size"}
    assert params["page_size"]["schema"]["maximum"] == 50 and params["q"]["description"]
    assert {p["name"] for p in read["parameters"]} == {"key", "purpose"}
    schemas = spec["components"]["schemas"]
    for name in ("SearchPage", "SubjectHit", "SubjectOut", "ItemRecords", "RecordOut"):
        properties = schemas[name]["properties"]
        described = [k for k, v in properties.items() if "description" in v]
        assert len(described) >= len(properties) - 2, name  # nested objects carry their own
