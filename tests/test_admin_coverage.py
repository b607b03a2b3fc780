"""Every model of the platform is reachable in the Django admin (directly or as an inline)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client

from xinyong.accounts.models import User

APPS = (
    "core",
    "accounts",
    "catalog",
    "subjects",
    "records",
    "lists",
    "commitments",
    "agencies",
    "financing",
    "tipoffs",
    "consents",
    "evaluation",
)


def _inlined() -> set[type]:
    models: set[type] = set()
    for model_admin in admin.site._registry.values():
        models.update(inline.model for inline in model_admin.inlines)
    return models


def test_every_model_has_an_admin() -> None:
    missing = [
        model._meta.label
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        if model not in admin.site._registry and model not in _inlined()
    ]
    assert missing == []


@pytest.mark.django_db
def test_every_admin_changelist_renders_in_both_languages() -> None:
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="pw-unused-anywhere-1"))
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in APPS:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        for prefix in ("", "/en"):
            response = client.get(f"{prefix}/admin/{info[0]}/{info[1]}/")
            assert response.status_code == 200, (prefix, info, model_admin)
