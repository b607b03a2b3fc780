"""Publishing models: a changed file becomes the next version, an unchanged one writes
nothing, and runs use the latest version."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.evaluation.runs_fixtures import (
    CODE,
    company,
    land,
    latest,
    market,
    model_dir,
    penalty,
    policy,
    set_weight,
    subject_of,
    var_dir,
    version,
)
from xinyong.accounts.models import Organisation
from xinyong.core.errors import ReasonedError
from xinyong.core.models import AuditEntry
from xinyong.core.models.audit import AppendOnlyError
from xinyong.evaluation.models import ModelVersion
from xinyong.evaluation.schema import load_spec
from xinyong.evaluation.services import (
    EvaluationError,
    latest_version,
    publish,
    published_versions,
    run_model,
    spec_of,
)

pytestmark = pytest.mark.django_db
__all__ = ["market", "model_dir", "policy", "var_dir", "version"]  # fixtures used by name


def _written() -> tuple[int, int]:
    return ModelVersion.objects.count(), AuditEntry.objects.count()


def test_publishing_an_unchanged_model_writes_nothing(
    version: ModelVersion, model_dir: Path
) -> None:
    assert (version.code, version.version, version.file_name) == (CODE, 1, "testeval.yaml")
    assert AuditEntry.objects.filter(action="evaluation.publish", object_id=str(version)).exists()
    before = _written()
    again = publish(CODE, directory=model_dir)
    assert (again.created, again.version.pk) == (False, version.pk)
    # Comments and layout are not content.
    path = model_dir / "testeval.yaml"
    path.write_text("# 测试模型\n" + path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    assert not publish(CODE, directory=model_dir).created
    assert _written() == before


def test_a_changed_weight_is_the_next_version_and_runs_use_it(
    version: ModelVersion, model_dir: Path, market: Organisation
) -> None:
    land(market, "XZCF", [penalty("津市监罚〔2026〕31号", company(31))])
    subject = subject_of(31)
    assert run_model(CODE).model_version == version
    assert (latest(subject).score, latest(subject).grade) == (70, "C")

    set_weight(model_dir, "points_each: -10", "points_each: -25")
    second = publish(CODE, directory=model_dir)
    assert second.created and second.version.version == 2
    assert second.version.content_hash != version.content_hash
    assert latest_version(CODE) == second.version == published_versions()[0]
    run = run_model(CODE)
    assert run.model_version == second.version
    score = latest(subject)
    assert (score.score, score.grade, score.points, score.model_version_id) == (
        55,
        "D",
        "0,-25,0",
        second.version.pk,
    )
    # The first version is kept as it was, and still reads as the model it was.
    version.refresh_from_db()
    assert spec_of(version).indicator("penalties").points_each == -10


def test_the_stored_version_is_the_file_s_model(version: ModelVersion, model_dir: Path) -> None:
    assert spec_of(version) == load_spec(model_dir / "testeval.yaml")
    with pytest.raises(AppendOnlyError):
        version.save()
    with pytest.raises(AppendOnlyError):
        version.delete()


def test_an_unknown_or_invalid_model_is_refused(policy: None, model_dir: Path) -> None:
    before = _written()
    with pytest.raises(EvaluationError) as unknown:
        publish("NOSUCH", directory=model_dir)
    assert unknown.value.reason == "evaluation.unknown_model"
    set_weight(model_dir, "items: [XZCF]", "items: [NO_SUCH_ITEM]")
    with pytest.raises(ReasonedError):
        publish(CODE, directory=model_dir)
    assert _written() == before
