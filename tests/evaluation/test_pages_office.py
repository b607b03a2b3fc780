"""Back-office evaluation pages (/office/evaluation/): authorised staff find a subject, state a
purpose and read its grades explained with the run behind each; every read is in the
subject's access log; others are refused."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.evaluation.explain_fixtures import PENALTY_DOC, TJ, Graded, graded
from tests.evaluation.runs_fixtures import market, policy, var_dir
from xinyong.accounts.models import Organisation
from xinyong.accounts.services import create_staff_user
from xinyong.core.models import AuditEntry
from xinyong.evaluation.models import Score
from xinyong.subjects.models import AccessKind, Subject, SubjectAccess, SubjectKind
from xinyong.subjects.services import access_log

pytestmark = pytest.mark.django_db
__all__ = ["graded", "market", "policy", "var_dir"]  # fixtures used by name

LOOKUP = "/office/evaluation/"


def _staff(client: Client, kind: str, role: str, sector: str = "") -> Organisation:
    rows = Organisation.objects.filter(kind=kind, **({"sector": sector} if sector else {}))
    organisation = rows.order_by("pk").first() or Organisation.objects.create(
        uscc="91120000MA07BANK01", name=f"测试{kind}", kind=kind
    )
    user = create_staff_user(organisation=organisation, username=f"{kind}_{role}", roles=[role])
    client.force_login(user)
    return organisation


def _detail(subject: Subject) -> str:
    return reverse("office_evaluation:detail", args=[subject.public_id])


def test_credit_office_staff_read_with_a_purpose_and_the_read_is_logged(
    graded: Graded, client: Client
) -> None:
    credit = _staff(client, "credit_office", "operator")
    asked = client.get(_detail(graded.one)).content.decode()
    assert "查询用途" in asked and "grade-B" not in asked  # the purpose comes first
    assert not SubjectAccess.objects.filter(subject=graded.one).exists()
    page = client.post(_detail(graded.one), {"purpose": "行政许可审查 津市监许〔2026〕9号"})
    text = page.content.decode()
    assert page.status_code == 200 and "grade-B" in text and "grade-A" in text
    assert PENALTY_DOC in text and "得分82分，距A级（90分）还差8分。" in text
    run = Score.objects.filter(subject=graded.one, model_code=TJ).latest("id").run
    assert run.public_id in text and "命令行" in text and "TJGGXY v1" in text
    assert "信用风险一般" in text  # the supervision the model suggests for B
    [entry] = access_log(graded.one.pk)
    assert (entry.kind, entry.organisation_id) == (AccessKind.SHARED_READ, credit.pk)
    assert entry.purpose == "查询信用评价：行政许可审查 津市监许〔2026〕9号"
    assert AuditEntry.objects.filter(action="evaluation.read", object_id=graded.one.public_id)
    # No purpose: asked again, nothing read, nothing logged.
    again = client.post(_detail(graded.one), {"purpose": " "}).content.decode()
    assert "grade-B" not in again and access_log(graded.one.pk).count() == 1


def test_the_lookup_finds_a_subject_by_its_code(graded: Graded, client: Client) -> None:
    _staff(client, "department", "checker", "market_regulation")
    assert 'href="/office/evaluation/"' in client.get(LOOKUP).content.decode()  # the nav link
    found = client.post(LOOKUP, {"code": graded.one.uscc.lower()})
    assert found.status_code == 302 and found["Location"] == _detail(graded.one)
    by_id = client.post(LOOKUP, {"code": graded.two.public_id})
    assert by_id["Location"] == _detail(graded.two)
    missing = client.post(LOOKUP, {"code": "91120000MA00000000"})
    assert missing.status_code == 404 and "没有这个参与信用评价的主体" in missing.content.decode()


def test_natural_persons_have_no_evaluation_page(graded: Graded, client: Client) -> None:
    _staff(client, "credit_office", "auditor")
    person = Subject.objects.create(kind=SubjectKind.NATURAL_PERSON, name="王小明")
    assert client.get(_detail(person)).status_code == 404
    assert client.post(LOOKUP, {"code": person.public_id}).status_code == 404


@pytest.mark.parametrize(
    ("kind", "role", "sector"),
    [("department", "submitter", "market_regulation"), ("bank", "operator", "")],
)
def test_others_are_refused(
    graded: Graded, client: Client, kind: str, role: str, sector: str
) -> None:
    _staff(client, kind, role, sector)
    assert client.get(LOOKUP).status_code == 403
    refused = client.post(_detail(graded.one), {"purpose": "看看"})
    assert refused.status_code == 403 and "grade-B" not in refused.content.decode()
    assert not SubjectAccess.objects.exists()


def test_signing_in_comes_first(graded: Graded, client: Client) -> None:
    response = client.get(_detail(graded.one))
    assert response.status_code == 302 and "/office/login/" in response["Location"]
