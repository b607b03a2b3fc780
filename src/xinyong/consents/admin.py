"""Consents in the Django admin, read-only and restricted: they change only through
`xinyong.consents.services`, which validates and audits each grant and revocation. Subjects
appear by their public id, never by a code or a person's name."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xinyong.consents.models import Consent
from xinyong.records.admin import ReadOnlyAdmin


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = (
        "shown_number",
        "subject_id_shown",
        "organisation",
        "shown_state",
        "valid_from",
        "valid_until",
        "granted_at",
        "revoked_at",
    )
    list_filter = ("organisation",)
    list_select_related = ("subject", "organisation")
    search_fields = ("=public_id", "=subject__public_id", "=reference")
    date_hierarchy = "granted_at"
    fields = (
        "public_id",
        "subject_id_shown",
        "organisation",
        "item_codes",
        "purpose",
        "valid_from",
        "valid_until",
        "granted_at",
        "revoked_at",
        "reference",
    )

    @admin.display(description=_("授权书号"), ordering="pk")
    def shown_number(self, obj: Consent) -> str:
        return obj.number

    @admin.display(description=_("授权主体"))
    def subject_id_shown(self, obj: Consent) -> str:
        return obj.subject.public_id

    @admin.display(description=_("状态"))
    def shown_state(self, obj: Consent) -> str:
        return str(obj.state().label)
