"""The back office shows subjects read-only, persons masked."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from .codes import business_reg, citizen_id, uscc
from .helpers import link_ids

pytestmark = pytest.mark.django_db


def test_list_search_and_detail_show_masked_values_only(admin_client: Client) -> None:
    person = link_ids("张三丰", citizen_id=citizen_id(1)).subject
    org = link_ids("天津甲乙贸易有限公司", uscc=uscc(2), business_reg=business_reg(2)).subject
    assert person is not None and org is not None
    link_ids("天津甲乙科技有限公司", uscc=uscc(2))
    changelist = reverse("admin:subjects_subject_changelist")

    page = admin_client.get(changelist).content.decode()
    assert "张**" in page and "张三丰" not in page
    assert "120101********0013" in page and citizen_id(1) not in page
    assert "天津甲乙科技有限公司" in page

    for term, expected in [
        (uscc(2), org),
        (business_reg(2), org),
        ("甲乙贸易", org),  # a former name
        ("三丰", person),
    ]:
        found = admin_client.get(changelist, {"q": term}).content.decode()
        assert expected.public_id in found, term
        other = person if expected == org else org
        assert other.public_id not in found, term

    detail = admin_client.get(reverse("admin:subjects_subject_change", args=[person.pk]))
    text = detail.content.decode()
    assert detail.status_code == 200
    assert "120101********0013" in text and citizen_id(1) not in text
    assert person.citizen_id_hash not in text and person.citizen_id_encrypted not in text
    assert "张三丰" not in text and "张**" in text


def test_the_admin_cannot_change_subjects(admin_client: Client) -> None:
    org = link_ids(uscc=uscc(3)).subject
    assert org is not None
    add = admin_client.get(reverse("admin:subjects_subject_add"))
    assert add.status_code == 403
    post = admin_client.post(
        reverse("admin:subjects_subject_change", args=[org.pk]), {"name": "改名"}
    )
    assert post.status_code == 403
    org.refresh_from_db()
    assert org.name == "天津市某某有限公司"
