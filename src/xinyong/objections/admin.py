"""Objections in the Django admin, read-only and restricted: they change only through
`xinyong.objections.services`, which checks who may answer and audits each step. Subjects
appear by their public id, never by a code."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xinyong.objections.models import Objection, ObjectionAttachment
from xinyong.records.admin import ReadOnlyAdmin


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = (
        "shown_number",
        "subject_id_shown",
        "organisation",
        "ground",
        "state",
        "filed_on",
        "due_on",
        "escalated_at",
        "answered_on",
    )
    list_filter = ("state", "ground", "organisation")
    list_select_related = ("subject", "organisation")
    search_fields = ("=public_id", "=subject__public_id", "=record__doc_no")
    date_hierarchy = "filed_at"
    fields = (
        "public_id",
        "subject_id_shown",
        "record",
        "score",
        "new_score",
        "organisation",
        "ground",
        "repair_reference",
        "reason",
        "state",
        "mark",
        "filed_at",
        "due_on",
        "due_provisional",
        "escalated_at",
        "answered_at",
        "answered_by",
        "reply",
        "corrected_version",
        "reply_sha256",
    )

    @admin.display(description=_("异议编号"), ordering="pk")
    def shown_number(self, obj: Objection) -> str:
        return obj.number

    @admin.display(description=_("异议人"))
    def subject_id_shown(self, obj: Objection) -> str:
        return obj.subject.public_id


@admin.register(ObjectionAttachment)
class ObjectionAttachmentAdmin(ReadOnlyAdmin):
    list_display = ("objection", "position", "name", "content_type", "size", "sha256")
    list_select_related = ("objection",)
    fields = ("objection", "position", "name", "content_type", "size", "sha256")
