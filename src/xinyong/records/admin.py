"""Back-office views of submissions, records, rejected rows and events (read-only), and of
the departments' header mappings (edited through `records.mappings`, which audits).

Records change only through the ingestion pipeline, which versions and audits every change;
here they are shown, never edited. Personal identifiers in a version's content appear only
in their masked form: the stored ciphertext and keyed hash are not for people to read.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from xinyong.accounts.permissions import viewer_for_request
from xinyong.core.permissions import VIEW, can, restrict
from xinyong.records import mappings
from xinyong.records.models import (
    HeaderMapping,
    Record,
    RecordEvent,
    RecordVersion,
    RejectedRow,
    Submission,
)


def shown_content(data: Any) -> Any:
    """A version's content with every protected value ({"masked", "hash", "enc"}) reduced to
    its masked form."""
    if isinstance(data, dict):
        if "masked" in data and ("enc" in data or "hash" in data):
            return data["masked"]
        return {key: shown_content(value) for key, value in data.items()}
    if isinstance(data, list):
        return [shown_content(value) for value in data]
    return data


def _pretty(value: Any) -> SafeString:
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)
    return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', text)


class _ReadOnly:
    """Rows as `restrict()` lets the signed-in viewer see them; nobody adds, changes or
    deletes them here."""

    model: type[Model]

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        viewer = viewer_for_request(request)
        return not viewer.is_anonymous and can(viewer, self.model, VIEW, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyAdmin(_ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return restrict(super().get_queryset(request), viewer_for_request(request), VIEW)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return [*(self.fields or ()), *self.readonly_fields]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = (
        "short_id",
        "organisation",
        "item",
        "channel",
        "file_name",
        "status",
        "rows_total",
        "accepted",
        "rejected",
        "unchanged",
        "late",
        "received_at",
    )
    list_filter = ("status", "channel", "item")
    list_select_related = ("organisation", "item")
    search_fields = ("=public_id", "file_name", "organisation__name", "=organisation__uscc")
    date_hierarchy = "received_at"
    fields = (
        "public_id",
        "organisation",
        "item",
        "item_version",
        "channel",
        "file_name",
        "file_format",
        "encoding",
        "file_sha256",
        "status",
        "error_code",
        "error_message",
        "rows_total",
        "rows_done",
        "accepted",
        "rejected",
        "unchanged",
        "new_records",
        "new_versions",
        "late",
        "submitted_by",
        "token",
        "received_at",
        "started_at",
        "finished_at",
    )

    @admin.display(description=_("批次"), ordering="public_id")
    def short_id(self, obj: Submission) -> str:
        return obj.public_id[:8]


class RecordVersionInline(_ReadOnly, admin.StackedInline):  # type: ignore[type-arg]
    model = RecordVersion
    extra = 0
    can_delete = False
    fields = ("version", "submission", "row_no", "content_hash", "created_at", "content", "others")
    readonly_fields = fields
    ordering = ("-version",)

    @admin.display(description=_("内容"))
    def content(self, obj: RecordVersion) -> SafeString:
        return _pretty(shown_content(obj.data))

    @admin.display(description=_("其他列"))
    def others(self, obj: RecordVersion) -> SafeString:
        return _pretty(shown_content(obj.extra))


@admin.register(Record)
class RecordAdmin(ReadOnlyAdmin):
    list_display = (
        "doc_no",
        "item",
        "organisation",
        "subject",
        "decision_date",
        "severity",
        "state",
        "version_count",
        "published",
        "publication_ends",
        "late",
    )
    list_filter = ("item", "state", "severity", "published", "late")
    list_select_related = ("item", "organisation", "subject")
    search_fields = ("=doc_no", "=subject__uscc")
    date_hierarchy = "decision_date"
    fields = (
        "doc_no",
        "item",
        "organisation",
        "subject",
        "state",
        "current_version",
        "version_count",
        "decision_date",
        "severity",
        "published",
        "publication_ends",
        "repair_from",
        "received_at",
        "timeliness_days",
        "timeliness_provisional",
        "late",
        "updated_at",
    )
    inlines = (RecordVersionInline,)


@admin.register(RejectedRow)
class RejectedRowAdmin(ReadOnlyAdmin):
    list_display = ("submission", "row_no", "reason_text")
    list_select_related = ("submission",)
    search_fields = ("=submission__public_id",)
    fields = ("submission", "row_no", "reason_list")

    def get_queryset(self, request: HttpRequest) -> QuerySet[RejectedRow]:
        return super().get_queryset(request).order_by("submission_id", "row_no")

    @admin.display(description=_("原因"))
    def reason_text(self, obj: RejectedRow) -> str:
        return "；".join(str(reason.get("message", "")) for reason in obj.reasons)

    @admin.display(description=_("原因"))
    def reason_list(self, obj: RejectedRow) -> SafeString:
        return _pretty(obj.reasons)


@admin.register(RecordEvent)
class RecordEventAdmin(ReadOnlyAdmin):
    """Events have no rule of their own: a viewer sees the events of the records it sees."""

    list_display = ("kind", "record", "submission", "created_at", "processed_at")
    list_filter = ("kind",)
    list_select_related = ("record", "submission")
    date_hierarchy = "created_at"
    fields = ("kind", "record", "submission", "created_at", "processed_at")

    def _visible_records(self, request: HttpRequest) -> QuerySet[Record]:
        return restrict(Record.objects.all(), viewer_for_request(request), VIEW)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = admin.ModelAdmin.get_queryset(self, request)
        return queryset.filter(record__in=self._visible_records(request))

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        viewer = viewer_for_request(request)
        if viewer.is_anonymous or not can(viewer, Record, VIEW):
            return False
        if obj is None:
            return True
        record_id: int = getattr(obj, "record_id", 0)
        return self._visible_records(request).filter(pk=record_id).exists()


class HeaderMappingForm(forms.ModelForm):  # type: ignore[type-arg]
    """Checks with the service's rules, so a refusal shows on the form."""

    class Meta:
        model = HeaderMapping
        fields = ["organisation", "item", "header", "field_key"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        changing = self.instance.pk is not None
        item = self.instance.item if changing else cleaned.get("item")
        header = self.instance.header if changing else cleaned.get("header")
        if item is None or header is None:
            return cleaned
        try:
            header, cleaned["field_key"] = mappings.check(
                item, header, cleaned.get("field_key", "")
            )
        except mappings.MappingError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        if not changing:
            cleaned["header"] = header
        return cleaned


@admin.register(HeaderMapping)
class HeaderMappingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A department's own header names; saving and deleting go through `records.mappings`."""

    form = HeaderMappingForm
    list_display = ("organisation", "item", "header", "field_key")
    list_filter = ("item",)
    list_select_related = ("organisation", "item")
    search_fields = ("header", "field_key", "organisation__name")
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A mapping is identified by its header: change the field, or delete and add anew.
        return ("organisation", "item", "header") if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = mappings.save_header_mapping(
            organisation=obj.organisation,
            item=obj.item,
            header=obj.header,
            field_key=form.cleaned_data["field_key"],
        )
        obj.pk, obj._state.adding = saved.pk, False

    def delete_model(self, request: HttpRequest, obj: HeaderMapping) -> None:
        mappings.delete_header_mapping(obj)
