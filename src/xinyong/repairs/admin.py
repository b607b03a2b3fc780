"""Back-office admin views of repair applications, read-only and restricted.

Applications change only through `xinyong.repairs.services`; here they are shown as
`restrict()` lets the signed-in viewer see them, with their steps and proof files inline.
The signer's name appears masked, the subject by its public id.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xinyong.records.admin import ReadOnlyAdmin, _ReadOnly
from xinyong.repairs.models import RepairApplication, RepairAttachment, RepairStep


class RepairStepInline(_ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = RepairStep
    extra = 0
    fields = ("kind", "on", "at", "organisation", "actor_label", "details")
    readonly_fields = fields
    ordering = ("id",)


class RepairAttachmentInline(_ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = RepairAttachment
    extra = 0
    fields = ("name", "size", "content_type", "sha256", "uploaded_at")
    readonly_fields = fields


@admin.register(RepairApplication)
class RepairApplicationAdmin(ReadOnlyAdmin):
    list_display = (
        "short_id", "department", "state", "submitted_on", "platform_due", "acceptance_due",
        "decision_due", "closed_on", "decision_no",
    )  # fmt: skip
    list_filter = ("state", "department")
    list_select_related = ("department",)
    search_fields = ("=public_id", "=decision_no", "=subject__public_id")
    date_hierarchy = "submitted_on"
    fields = (
        "public_id", "subject", "record", "department", "filed_by", "state", "performance",
        "commitment_text", "commitment_sha256", "signer_masked", "signed_at", "submitted_on",
        "platform_due", "platform_due_provisional", "forwarded_on", "acceptance_due",
        "acceptance_due_provisional", "accepted_on", "decision_days", "decision_due",
        "decision_due_provisional", "closed_on", "decision_no", "decision_reason",
        "decision_pdf_sha256", "created_at",
    )  # fmt: skip
    raw_id_fields = ("subject", "record", "filed_by")
    inlines = (RepairStepInline, RepairAttachmentInline)

    @admin.display(description=_("申请"), ordering="public_id")
    def short_id(self, obj: RepairApplication) -> str:
        return obj.public_id[:8]
