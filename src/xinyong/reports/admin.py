"""Back-office (admin) view of issued reports: read-only, because a report is evidence and
`xinyong.reports.services` is the only writer."""

from __future__ import annotations

from django.contrib import admin

from xinyong.core.admin import ReadOnlyAdmin
from xinyong.reports.models import Report, ReportBatch


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = (
        "number", "issued_at", "type_code", "audience", "organisation", "requested_by",
        "revoked_at",
    )  # fmt: skip
    list_filter = ("type_code", "audience")
    list_select_related = ("organisation",)
    date_hierarchy = "issued_at"
    search_fields = ("=number", "=code")
    show_full_result_count = False
    exclude = ("subject", "content", "scope")


@admin.register(ReportBatch)
class ReportBatchAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id", "created_at", "organisation", "type_code", "status", "total", "failed",
    )  # fmt: skip
    list_filter = ("status", "type_code")
    list_select_related = ("organisation",)
    search_fields = ("=public_id",)
    exclude = ("rows",)
