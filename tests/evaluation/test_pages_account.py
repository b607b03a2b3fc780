"""The subject's evaluation page in its account (/account/evaluation/): each model's grade
explained with the records behind the points, why it is not higher, its history and the way
to object; for the owner and an enterprise's staff alike, never for a natural person."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.evaluation.explain_fixtures import PENALTY_DOC, TAX, TJ, Graded, graded
from tests.evaluation.runs_fixtures import market, policy, var_dir
from tests.rights.helpers import signed_in_client
from xinyong.rights.models import MemberRole, SubjectMember
from xinyong.rights.services import add_staff
from xinyong.rights.session import MEMBER_KEY
from xinyong.subjects.models import Subject, SubjectKind

pytestmark = pytest.mark.django_db
__all__ = ["graded", "market", "policy", "var_dir"]  # fixtures used by name

URL = "/account/evaluation/"


def test_the_subject_reads_each_grade_explained(graded: Graded, client: Client) -> None:
    signed_in_client(client, graded.one)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "天津市公共信用综合评价" in page and "纳税信用级别" in page
    assert 'class="grade grade-B"' in page and 'class="grade grade-A"' in page
    assert "得分 <strong>82</strong> 分" in page and "原等级“良”" in page
    # The penalty behind the points, with the catalogue's legal basis and a link to it.
    assert PENALTY_DOC in page and "《中华人民共和国行政处罚法》" in page
    record = graded.one.records.get(doc_no=PENALTY_DOC)
    assert reverse("account:record", args=[record.pk]) in page
    assert "得分82分，距A级（90分）还差8分。" in page
    assert "扣分最多的指标依次为：一般行政处罚 −3分。" in page
    assert "已是本模型的最高等级。" in page  # the tax A
    assert "首次评价" in page
    for code in (TJ, TAX):
        assert reverse("objections:grade_new", kwargs={"model_code": code}) in page
    # Run metadata is for the back office.
    assert "批次编号" not in page


def test_an_enterprises_staff_member_sees_it_too(graded: Graded, client: Client) -> None:
    owner, _made = SubjectMember.objects.get_or_create(subject=graded.two, role=MemberRole.OWNER)
    staff = add_staff(owner, name="李经办", mobile="13800138000")
    session = client.session
    session[MEMBER_KEY] = staff.pk
    session.save()
    page = client.get(URL).content.decode()
    assert 'class="grade grade-M"' in page and "新设立或评价年度内无生产经营业务收入" in page
    assert PENALTY_DOC not in page  # another subject's record
    assert 'aria-current="page">信用评价<' in page


def test_a_natural_person_is_not_evaluated(graded: Graded, client: Client) -> None:
    person = Subject.objects.create(kind=SubjectKind.NATURAL_PERSON, name="王小明")
    signed_in_client(client, person)
    page = client.get(URL).content.decode()
    assert "自然人不参与公共信用评价。" in page and "grade-" not in page
    home = client.get(reverse("account:home")).content.decode()
    assert URL not in home


def test_signing_in_comes_first(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
