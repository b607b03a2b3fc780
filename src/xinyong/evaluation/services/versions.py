"""Publishing evaluation models: a validated model file becomes a new `ModelVersion`.

Publishing is deliberate: an operator edits a model file, runs a backtest, then publishes
(`xinyong evaluate publish --model CODE`). A file whose content (canonical JSON of the
validated model) equals the latest version writes nothing; a changed one becomes the next
version, with an audit entry. Runs always use a model's latest published version.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _

from xinyong.catalog.services.loading import content_hash
from xinyong.core import audit
from xinyong.core.context import current_actor
from xinyong.core.errors import ReasonedError
from xinyong.evaluation.models import ModelVersion
from xinyong.evaluation.schema import ModelSpec, load_spec, models_directory

_PG_LOCK_KEY = 0x6576616C  # "eval": one publication at a time on PostgreSQL


class EvaluationError(ReasonedError):
    """A refused evaluation action (unknown or unpublished model, bad date): nothing was
    written."""


@dataclass(frozen=True)
class Published:
    """What publishing a model did: the model's latest version, and whether it is new."""

    version: ModelVersion
    created: bool


def model_files(directory: Path | None = None) -> list[tuple[Path, ModelSpec]]:
    """Every model file in `directory` (the packaged models by default), validated."""
    return [
        (path, load_spec(path)) for path in sorted((directory or models_directory()).glob("*.yaml"))
    ]


def model_file(code: str, directory: Path | None = None) -> tuple[Path, ModelSpec]:
    """The file of the model `code`, validated; refused when none or two files define it."""
    found = [(path, spec) for path, spec in model_files(directory) if spec.code == code]
    if not found:
        raise EvaluationError("evaluation.unknown_model", _("没有代码为 %s 的评价模型文件") % code)
    if len(found) > 1:
        raise EvaluationError(
            "evaluation.duplicate_model",
            _("模型代码 %(c)s 在多个文件中使用：%(f)s")
            % {"c": code, "f": "、".join(path.name for path, _spec in found)},
        )
    return found[0]


def latest_version(code: str) -> ModelVersion | None:
    """The latest published version of model `code`, or None before its first."""
    return ModelVersion.objects.filter(code=code).order_by("-version").first()


def published_versions() -> list[ModelVersion]:
    """The latest version of every published model, by code."""
    latest: dict[str, ModelVersion] = {}
    for version in ModelVersion.objects.order_by("code", "-version"):
        latest.setdefault(version.code, version)
    return list(latest.values())


def spec_of(version: ModelVersion) -> ModelSpec:
    """The model a version stored, as the compiler takes it."""
    return ModelSpec.model_validate(version.content)


def publish(code: str, *, directory: Path | None = None) -> Published:
    """Store the model file of `code` as a new version when it differs from the latest."""
    path, spec = model_file(code, directory)
    content = spec.model_dump(mode="json")
    digest = content_hash(content)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        latest = latest_version(code)
        if latest is not None and latest.content_hash == digest:
            return Published(latest, created=False)
        made = ModelVersion.objects.create(
            code=code,
            version=latest.version + 1 if latest else 1,
            name=spec.name,
            content=content,
            content_hash=digest,
            file_name=path.name,
            published_by=current_actor().label[:150],
        )
        audit.record(
            "evaluation.publish",
            "evaluation_model",
            str(made),
            before={"version": latest.version, "content_hash": latest.content_hash}
            if latest
            else None,
            after={"version": made.version, "content_hash": digest, "file": path.name},
        )
    return Published(made, created=True)


def publish_all(directory: Path | None = None) -> list[Published]:
    """Publish every model file that changed (`publish`, file by file)."""
    return [publish(spec.code, directory=directory) for _path, spec in model_files(directory)]
