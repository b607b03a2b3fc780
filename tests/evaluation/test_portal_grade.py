"""The public subject page shows a model's grade only where the model's `public_grades`
contains it (纳税信用A级), with the model's name and the date, and nothing else of the
evaluation."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.evaluation.explain_fixtures import Graded, graded
from tests.evaluation.runs_fixtures import days_ago, market, policy, var_dir

pytestmark = pytest.mark.django_db
__all__ = ["graded", "market", "policy", "var_dir"]  # fixtures used by name


def _page(client: Client, uscc: str) -> str:
    response = client.get(f"/subjects/{uscc}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_public_grade_is_shown_with_the_model_and_date(graded: Graded, client: Client) -> None:
    page = _page(client, graded.one.uscc)
    assert 'id="grades"' in page and "纳税信用级别 A级" in page
    assert f"评价日期 {days_ago(0):%Y-%m-%d}" in page
    # TJGGXY keeps every grade private; no score or reason is ever public.
    assert "天津市公共信用综合评价" not in page
    assert "得分" not in page and "扣分" not in page


def test_a_grade_policy_keeps_private_is_not_shown(graded: Graded, client: Client) -> None:
    page = _page(client, graded.two.uscc)  # B and M: neither public
    assert 'id="grades"' not in page and "纳税信用级别" not in page
