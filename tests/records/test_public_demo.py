"""The demo's records: synthetic files landed per department, some public, some not."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db.models import Count
from pytest_django.fixtures import Settings

from xinyong.demo import services
from xinyong.demo.records import land_records
from xinyong.records.models import Record
from xinyong.records.public import public_records

pytestmark = pytest.mark.django_db


def test_demo_records_land_through_the_pipeline_once(tmp_path: Path, settings: Settings) -> None:
    settings.XINYONG_VAR_DIR = tmp_path
    services.load_tianjin_policy()
    services.ensure_subjects()
    landed = land_records()
    assert landed.accepted > 500 and landed.rejected < 20
    assert landed.public == public_records().count()
    public = dict(public_records().values_list("item__code").annotate(n=Count("pk")))
    assert public["XZCF"] >= 20 and public["XZXK"] >= 200
    # Each department sent its own decisions.
    assert Record.objects.values("organisation").distinct().count() > 5
    # Ended and never-published penalties are kept, and absent from the public view.
    penalties = Record.objects.filter(item__code="XZCF")
    assert penalties.filter(published=False).exists()
    assert penalties.exclude(pk__in=public_records().values("pk")).count() > public["XZCF"]
    again = land_records()
    assert (again.submissions, again.accepted, again.public) == (0, 0, landed.public)
