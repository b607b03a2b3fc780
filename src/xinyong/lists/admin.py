"""Back-office views of list entries and their history, read-only and restricted.

Entries change only through `xinyong.lists.services`, which checks the order of steps and
who may take them and audits each; here they are shown, as `restrict()` lets the signed-in
viewer see them. Subjects appear by their public id, never by a code.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from xinyong.accounts.permissions import viewer_for_request
from xinyong.core.permissions import VIEW, can
from xinyong.lists.models import ListEntry, ListEntryStep
from xinyong.records.admin import ReadOnlyAdmin


class ListEntryStepInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ListEntryStep
    extra = 0
    can_delete = False
    fields = ("kind", "on", "at", "organisation", "actor_label", "shown_details")
    readonly_fields = fields
    ordering = ("id",)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        viewer = viewer_for_request(request)
        return not viewer.is_anonymous and can(viewer, ListEntryStep, VIEW)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description=_("内容"))
    def shown_details(self, obj: ListEntryStep) -> SafeString:
        text = json.dumps(obj.details, ensure_ascii=False, indent=1, sort_keys=True)
        return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', text)


@admin.register(ListEntry)
class ListEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "short_id",
        "list_type",
        "subject",
        "organisation",
        "state",
        "origin",
        "doc_no",
        "response_due",
        "starts_on",
        "ends_on",
        "removed_on",
    )
    list_filter = ("state", "origin", "list_type", "removal_kind")
    list_select_related = ("list_type", "subject", "organisation")
    search_fields = ("=public_id", "=doc_no", "=notice_no", "=subject__public_id")
    date_hierarchy = "created_at"
    fields = (
        "public_id",
        "list_type",
        "list_type_version",
        "subject",
        "organisation",
        "origin",
        "record",
        "state",
        "notice_no",
        "notice_served_on",
        "grounds",
        "notice_basis",
        "response_due",
        "response_due_provisional",
        "statement",
        "statement_on",
        "doc_no",
        "decision_date",
        "facts",
        "reasons",
        "basis",
        "measures",
        "removal_conditions",
        "remedies",
        "starts_on",
        "ends_on",
        "in_force_from",
        "published_on",
        "published_at",
        "removed_on",
        "removed_at",
        "removal_kind",
        "removal_reference",
        "removal_note",
        "created_at",
    )
    inlines = (ListEntryStepInline,)

    @admin.display(description=_("条目"), ordering="public_id")
    def short_id(self, obj: ListEntry) -> str:
        return obj.public_id[:8]


@admin.register(ListEntryStep)
class ListEntryStepAdmin(ReadOnlyAdmin):
    list_display = ("entry", "kind", "on", "at", "organisation", "actor_label")
    list_filter = ("kind",)
    list_select_related = ("entry", "organisation")
    date_hierarchy = "at"
    fields = ("entry", "kind", "on", "at", "organisation", "actor_label", "details")

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).order_by("-id")
