"""The read-only back office pages of the catalogue."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from xinyong.catalog.models import CatalogItem, PolicyLoad, PolicyVersion, PublicationRuleSet
from xinyong.catalog.services import default_policy_dir, load_policy

pytestmark = pytest.mark.django_db


def test_staff_can_read_but_not_change(admin_client: Client) -> None:
    load_policy(default_policy_dir())
    item = CatalogItem.objects.get(code="XZCF")
    page = admin_client.get(reverse("admin:catalog_catalogitem_change", args=[item.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "版本历史" in body and "行政相对人名称" in body and 'name="_save"' not in body
    version = PolicyVersion.objects.get(kind="catalog_item", code="XZCF")
    assert reverse("admin:catalog_policyversion_change", args=[version.pk]) in body

    for name in ("catalogitem", "publicationruleset", "policyload", "policyversion", "deadline"):
        assert admin_client.get(reverse(f"admin:catalog_{name}_changelist")).status_code == 200
    rule_set = PublicationRuleSet.objects.first()
    assert rule_set is not None
    url = reverse("admin:catalog_publicationruleset_change", args=[rule_set.pk])
    assert admin_client.get(url).status_code == 200
    load = PolicyLoad.objects.get()
    assert (
        admin_client.get(reverse("admin:catalog_policyload_change", args=[load.pk])).status_code
        == 200
    )
    assert admin_client.get(reverse("admin:catalog_catalogitem_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:catalog_catalogitem_delete", args=[item.pk])).status_code
        == 403
    )
    assert CatalogItem.objects.filter(pk=item.pk).exists()
