"""The 异议处理中 mark on every public surface, and a withheld record on none."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.records.pipeline.helpers import uscc
from tests.records.test_public_fixtures import company, land, market, penalty, policy, var_dir
from xinyong.accounts.models import Organisation
from xinyong.records import due_process
from xinyong.records.models import Record

__all__ = ["market", "policy", "var_dir"]  # fixtures used by name

DOC = "津市监罚〔2026〕71号"


@pytest.fixture
def record(market: Organisation) -> Record:
    land(market, "XZCF", [penalty(DOC, company(7)), penalty("津市监罚〔2026〕72号", company(7))])
    return Record.objects.get(doc_no=DOC)


def _api_record(client: Client) -> dict[str, object] | None:
    body = client.get(f"/api/v1/subjects/{uscc(7)}").json()
    records = [r for group in body["items"] for r in group["records"]]
    return next((r for r in records if r["doc_no"] == DOC), None)


def _search_hit(client: Client) -> dict[str, object]:
    hits: list[dict[str, object]] = client.get("/api/v1/subjects", {"q": uscc(7)}).json()["results"]
    assert len(hits) == 1
    return hits[0]


def test_a_marked_record_shows_the_mark_everywhere(client: Client, record: Record) -> None:
    page = client.get(f"/subjects/{uscc(7)}/").content.decode()
    assert "异议处理中" not in page
    assert _api_record(client) == {**(_api_record(client) or {}), "under_objection": False}
    due_process.set_objection_mark(record, "marked", reference="YY1", organisation_id=None)
    page = client.get(f"/subjects/{uscc(7)}/").content.decode()
    assert page.count('class="tag warning"') == 2  # the header and the record
    assert (_api_record(client) or {})["under_objection"] is True
    hit = _search_hit(client)
    assert hit["under_objection"] is True and hit["public_records"] == 2
    search = client.get("/search/", {"q": uscc(7)}).content.decode()
    assert "异议处理中" in search


def test_a_withheld_record_is_on_no_public_surface(client: Client, record: Record) -> None:
    due_process.set_objection_mark(record, "withheld", reference="YY2", organisation_id=None)
    page = client.get(f"/subjects/{uscc(7)}/").content.decode()
    assert DOC not in page and "津市监罚〔2026〕72号" in page
    assert _api_record(client) is None
    hit = _search_hit(client)
    assert hit["public_records"] == 1 and hit["under_objection"] is False
    due_process.set_objection_mark(record, "", reference="YY2", organisation_id=None)
    assert DOC in client.get(f"/subjects/{uscc(7)}/").content.decode()


def test_a_repaired_record_leaves_every_surface(client: Client, record: Record) -> None:
    due_process.mark_repaired(
        record, on=record.decision_date, reference="津市监修〔2026〕1号", organisation_id=None
    )
    assert DOC not in client.get(f"/subjects/{uscc(7)}/").content.decode()
    assert _api_record(client) is None and _search_hit(client)["public_records"] == 1
    with pytest.raises(due_process.DueProcessError):
        due_process.mark_repaired(
            record, on=record.decision_date, reference="x", organisation_id=None
        )
