"""The agency registry in the Django admin, read-only and restricted: filings change only
through `xinyong.agencies.services`, which keeps the organisation in step and audits each
step (the back office at /office/agencies/ is where they are made)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xinyong.agencies.models import AgencyEvent, AgencyFiling
from xinyong.records.admin import ReadOnlyAdmin


@admin.register(AgencyFiling)
class AgencyFilingAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "name",
        "uscc_shown",
        "status",
        "filed_on",
        "changed_on",
        "cancelled_on",
    )
    list_filter = ("status",)
    list_select_related = ("organisation",)
    search_fields = ("=number", "name", "=organisation__uscc")
    fields = (
        "public_id",
        "number",
        "organisation",
        "subject",
        "name",
        "authority",
        "filed_on",
        "address",
        "legal_representative",
        "scopes",
        "contact_phone",
        "status",
        "changed_on",
        "cancelled_on",
        "cancel_reason",
        "created_at",
    )

    @admin.display(description=_("统一社会信用代码"), ordering="organisation__uscc")
    def uscc_shown(self, obj: AgencyFiling) -> str:
        return obj.organisation.uscc


@admin.register(AgencyEvent)
class AgencyEventAdmin(ReadOnlyAdmin):
    list_display = ("filing", "kind", "on", "at", "actor_label")
    list_filter = ("kind",)
    list_select_related = ("filing",)
    fields = ("filing", "kind", "on", "at", "actor_label", "changes", "reason")
