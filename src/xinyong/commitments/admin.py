"""Back-office admin views of commitments, read-only and restricted.

Commitments change only through `xinyong.commitments.services`; here they are shown as
`restrict()` lets the signed-in viewer see them, with their events inline and the subject
by its public id.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xinyong.commitments.models import Commitment, CommitmentEvent
from xinyong.records.admin import ReadOnlyAdmin, _ReadOnly


class CommitmentEventInline(_ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = CommitmentEvent
    extra = 0
    fields = ("kind", "on", "at", "organisation", "actor_label", "details")
    readonly_fields = fields
    ordering = ("id",)


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = (
        "shown_number", "type_name", "organisation", "channel", "is_public", "signed_on",
        "state", "closed_on",
    )  # fmt: skip
    list_filter = ("state", "type_code", "channel", "organisation")
    list_select_related = ("organisation",)
    search_fields = ("=public_id", "=breach_doc_no", "=subject__public_id")
    date_hierarchy = "signed_on"
    fields = (
        "public_id", "subject", "type_code", "type_name", "title", "matter", "reference",
        "text", "text_sha256", "legal_rep", "organisation", "channel", "signed_by",
        "registered_by", "is_public", "signed_on", "signed_at", "state", "closed_on",
        "published_record", "breach_doc_no", "breach_facts", "breach_record",
    )  # fmt: skip
    raw_id_fields = ("subject", "signed_by", "registered_by", "published_record", "breach_record")
    inlines = (CommitmentEventInline,)

    @admin.display(description=_("承诺书编号"), ordering="pk")
    def shown_number(self, obj: Commitment) -> str:
        return obj.number
