"""Back office for evaluation: published model versions, runs, scores and the stale queue.

All read-only: versions are published and runs made by `xinyong.evaluation.services`,
which audit each. Subjects appear by their public id, never by a code.
"""

from __future__ import annotations

from django.contrib import admin

from xinyong.core.admin import ReadOnlyAdmin
from xinyong.evaluation.models import ModelVersion, Run, Score, Stale, Watermark


@admin.register(ModelVersion)
class ModelVersionAdmin(ReadOnlyAdmin):
    list_display = ("code", "version", "name", "file_name", "published_at", "published_by")
    list_filter = ("code",)
    exclude = ("content",)
    readonly_fields = ("content_hash",)


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "model_version",
        "kind",
        "trigger",
        "as_of",
        "status",
        "subjects",
        "started_at",
        "finished_at",
    )
    list_filter = ("kind", "trigger", "status")
    list_select_related = ("model_version",)
    date_hierarchy = "started_at"


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ("id", "model_code", "subject", "score", "grade", "legacy_grade", "knockout")
    list_select_related = ("subject",)
    raw_id_fields = ("run", "model_version", "subject")
    show_full_result_count = False  # millions of rows: no filters or counts over them all


@admin.register(Stale)
class StaleAdmin(ReadOnlyAdmin):
    list_display = ("subject", "reason", "queued_at")
    list_select_related = ("subject",)
    raw_id_fields = ("subject",)


@admin.register(Watermark)
class WatermarkAdmin(ReadOnlyAdmin):
    list_display = ("name", "at")
