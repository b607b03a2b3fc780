"""Tip-offs in the Django admin, read-only and restricted: they change only through
`xinyong.tipoffs.services`. The admin never shows the informant's contact details, a reported
person's name in clear or the receipt hash: those fields are not listed anywhere here."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xinyong.records.admin import ReadOnlyAdmin
from xinyong.tipoffs.models import TipOff, TipOffAttachment, TipOffNote


@admin.register(TipOff)
class TipOffAdmin(ReadOnlyAdmin):
    list_display = (
        "shown_number",
        "category_name",
        "reported_kind",
        "reported_name",
        "anonymous",
        "state",
        "department",
        "filed_on",
        "closed_on",
        "outcome",
    )
    list_filter = ("state", "outcome", "reported_kind", "anonymous")
    list_select_related = ("department",)
    search_fields = ("=public_id", "=reported_code")
    date_hierarchy = "filed_at"
    fields = (
        "public_id",
        "category",
        "category_name",
        "reported_kind",
        "reported_name",
        "reported_code",
        "subject",
        "facts",
        "anonymous",
        "state",
        "filed_at",
        "department",
        "routing_note",
        "routed_at",
        "routed_by",
        "investigation_started_at",
        "outcome",
        "outcome_summary",
        "closed_at",
        "closed_by",
        "reward_amount",
        "reward_decided_on",
        "reward_decided_by",
        "reward_recorded_by",
    )

    @admin.display(description=_("举报编号"), ordering="pk")
    def shown_number(self, obj: TipOff) -> str:
        return obj.number


@admin.register(TipOffAttachment)
class TipOffAttachmentAdmin(ReadOnlyAdmin):
    list_display = ("tipoff", "position", "name", "content_type", "size", "sha256")
    list_select_related = ("tipoff",)
    fields = ("tipoff", "position", "name", "content_type", "size", "sha256")


@admin.register(TipOffNote)
class TipOffNoteAdmin(ReadOnlyAdmin):
    list_display = ("tipoff", "written_at", "written_by")
    list_select_related = ("tipoff", "written_by")
    fields = ("tipoff", "written_at", "written_by", "text")
