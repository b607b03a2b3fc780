"""Back-office (admin) view of checks, feedback and batch comparisons: read-only, because
`xinyong.checks.services` is the only writer and a check is evidence."""

from __future__ import annotations

from django.contrib import admin

from xinyong.checks.models import BatchCheck, Check, Feedback
from xinyong.core.admin import ReadOnlyAdmin


@admin.register(Check)
class CheckAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id", "checked_at", "organisation", "scenario", "query_shown", "hit_count",
        "measure_count", "feedback_due",
    )  # fmt: skip
    list_filter = ("scenario", "organisation")
    list_select_related = ("organisation",)
    date_hierarchy = "checked_at"
    search_fields = ("=public_id",)
    show_full_result_count = False
    exclude = ("subject",)


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("check_ref", "reported_at", "reported_by")
    list_select_related = ("check_ref",)
    exclude = ("user",)


@admin.register(BatchCheck)
class BatchCheckAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id", "created_at", "organisation", "scenario", "status", "rows_total", "hits",
        "unknown",
    )  # fmt: skip
    list_filter = ("status", "scenario")
    list_select_related = ("organisation",)
