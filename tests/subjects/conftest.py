"""Fixtures for the subjects tests: the districts the tests link into."""

from __future__ import annotations

import pytest

from xinyong.core.models import District


@pytest.fixture
def districts(db: None) -> dict[str, District]:
    heping = District.objects.create(code="120101", name="和平区")
    binhai = District.objects.create(code="120116", name="滨海新区")
    tanggu = District.objects.create(
        code="120107", name="塘沽区", is_current=False, successor=binhai
    )
    return {d.code: d for d in (heping, binhai, tanggu)}
