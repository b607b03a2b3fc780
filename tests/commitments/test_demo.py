"""The demo's commitments (`xinyong.commitments.demo.seed`): made once on the demo's data,
with each outcome, and not again."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_django.fixtures import Settings as SettingsWrapper

from xinyong.commitments.demo import seed
from xinyong.commitments.models import Commitment, CommitmentState
from xinyong.records.models import Record

pytestmark = pytest.mark.django_db


def test_seed_makes_each_outcome_once(
    tmp_path: Path, settings: SettingsWrapper, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.XINYONG_VAR_DIR = tmp_path
    call_command("demo", "--prepare-only")
    capsys.readouterr()  # the demo's passwords: not for the test log
    seed()
    states = sorted(Commitment.objects.values_list("state", flat=True))
    assert states == sorted(
        [
            CommitmentState.FULFILLED,
            CommitmentState.BREACHED,
            CommitmentState.IN_FORCE,
            CommitmentState.IN_FORCE,
        ]
    )
    assert Record.objects.filter(item__code="WBXYCN").count() == 1
    assert Record.objects.filter(item__code="XYCN").count() == 4
    seed()
    assert Commitment.objects.count() == 4
