"""The office pages of classified supervision (/office/supervision/): who may use them, the
counts with each grade's supervision, the filtered list with links to each subject's
evaluation, and the CSV download."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.evaluation.supervision_fixtures import (
    CODE,
    HEDONG,
    HEPING,
    policy,
    subject,
    var_dir,
    version,
)
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_staff_user
from xinyong.evaluation import views_supervision
from xinyong.evaluation.models import ModelVersion
from xinyong.evaluation.services import run_full
from xinyong.subjects.models import Subject

pytestmark = pytest.mark.django_db
__all__ = ["policy", "var_dir", "version"]  # fixtures used by name


def signed_in(kind: str, *roles: str, sector: str = "", district: str = "") -> Client:
    organisations = Organisation.objects.filter(kind=kind)
    if sector:
        organisations = organisations.filter(sector=sector)
    if district:
        organisations = organisations.filter(district__code=district)
    organisation = organisations.order_by("pk")[0]
    user = create_staff_user(organisation=organisation, username=f"{kind}-{'-'.join(roles)}",
                             roles=list(roles))  # fmt: skip
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def graded(version: ModelVersion) -> ModelVersion:
    subject(1, "A"), subject(2, "B"), subject(3, "B", HEDONG), subject(4, "D")
    run_full(version)
    return version


def test_only_supervising_staff_use_the_pages(graded: ModelVersion) -> None:
    assert Client().get("/office/supervision/")["Location"].startswith("/office/login/")
    for client in (
        signed_in("department", "submitter", sector="market_regulation"),
        signed_in("court", "checker"),
    ):
        assert client.get("/office/supervision/").status_code == 403
        assert client.get("/office/supervision/subjects/?format=csv").status_code == 403
    for client in (
        signed_in("credit_office", "operator"),
        signed_in("department", "checker", sector="market_regulation"),
    ):
        assert client.get("/office/supervision/").status_code == 200


def test_the_overview_counts_grades_by_district_with_their_supervision(
    graded: ModelVersion,
) -> None:
    client = signed_in("credit_office", "operator")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/office/supervision/?model={CODE}").content.decode()
    assert "分级监管测试模型（SUPVTEST）" in page and "第 1 版" in page
    assert "降低抽查比例和频次" in page and "无事不扰" in page and "重点监管" in page
    assert f"model={CODE}&amp;district={HEPING}&amp;grade=B" in page  # a cell links to its list
    assert "和平区" in page and "河东区" in page
    assert len([q for q in queries.captured_queries if "WITH late" in q["sql"]]) <= 1
    assert len(queries.captured_queries) < 20
    # An unknown model is a bad request, not an error.
    assert client.get("/office/supervision/?model=NOSUCH").status_code == 400


def test_the_list_filters_links_each_subject_and_downloads(graded: ModelVersion) -> None:
    client = signed_in("department", "checker", sector="market_regulation")
    page = client.get(f"/office/supervision/subjects/?model={CODE}&grade=B").content.decode()
    assert "共 2 个主体" in page and "按常规比例抽查" in page
    assert "分级监管测试2公司" in page and "分级监管测试3公司" in page
    assert "分级监管测试1公司" not in page
    second = Subject.objects.get(name="分级监管测试2公司")
    assert f'href="/office/evaluation/{second.public_id}/"' in page
    page = client.get(
        f"/office/supervision/subjects/?model={CODE}&grade=B&district={HEDONG}"
    ).content.decode()
    assert "共 1 个主体" in page and "分级监管测试2公司" not in page

    response = client.get(f"/office/supervision/subjects/?model={CODE}&grade=B&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"supervision-{CODE}-B-all-" in response["Content-Disposition"]
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:4] == ["名称", "统一社会信用代码", "区划", "等级"]
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in rows[1:]] == [
        ("分级监管测试2公司", "和平区", "B", "良", "80"),
        ("分级监管测试3公司", "河东区", "B", "良", "80"),
    ]


def test_the_list_pages(graded: ModelVersion, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views_supervision, "PAGE_SIZE", 3)
    client = signed_in("credit_office", "auditor")
    first = client.get(f"/office/supervision/subjects/?model={CODE}").content.decode()
    assert "第 1 / 2 页" in first and "分级监管测试4公司" not in first
    second = client.get(f"/office/supervision/subjects/?model={CODE}&page=2").content.decode()
    assert "分级监管测试4公司" in second


def test_a_district_government_sees_its_own_district(graded: ModelVersion) -> None:
    client = signed_in("district", "checker", district=HEDONG)
    page = client.get(f"/office/supervision/?model={CODE}&district={HEPING}").content.decode()
    assert "河东区" in page and "和平区" not in page
    listed = client.get(f"/office/supervision/subjects/?model={CODE}").content.decode()
    assert "共 1 个主体" in listed and "分级监管测试3公司" in listed
