"""Back-office view of subjects: read-only, persons masked.

Read-only because `xinyong.subjects.services` is the only writer (every change is audited
there); the encrypted ID and its hash are never shown, only the masked number. Search takes a
name (current or former), a USCC or a legacy code — not a citizen ID, which would end up in the
URL's query string.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xinyong.core.admin import ReadOnlyAdmin
from xinyong.core.privacy import mask_person_name
from xinyong.subjects.models import Subject, SubjectAccess, SubjectIdentifier, SubjectName
from xinyong.subjects.services import display_name, masked_id


class _ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SubjectIdentifierInline(_ReadOnlyInline):
    model = SubjectIdentifier
    fields = ("scheme", "shown_value", "source", "first_seen_at")
    readonly_fields = fields

    @admin.display(description=_("值"))
    def shown_value(self, obj: SubjectIdentifier) -> str:
        return obj.shown_value


class SubjectNameInline(_ReadOnlyInline):
    model = SubjectName
    fields = ("shown_name", "valid_from", "valid_to", "source")
    readonly_fields = fields

    @admin.display(description=_("名称"))
    def shown_name(self, obj: SubjectName) -> str:
        return mask_person_name(obj.name) if obj.subject.is_person else obj.name


@admin.register(Subject)
class SubjectAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "shown_name",
        "kind",
        "district",
        "status",
        "uscc",
        "shown_id",
        "updated_at",
    )
    list_filter = ("kind", "status", "district")
    list_select_related = ("district",)
    search_fields = ("names__name", "=uscc", "=identifiers__value")
    show_full_result_count = False
    fields = (
        "public_id",
        "shown_name",
        "kind",
        "status",
        "district",
        "uscc",
        "shown_id",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields
    inlines = (SubjectIdentifierInline, SubjectNameInline)

    @admin.display(description=_("名称"), ordering="name")
    def shown_name(self, obj: Subject) -> str:
        return display_name(obj)

    @admin.display(description=_("公民身份号码"))
    def shown_id(self, obj: Subject) -> str:
        return masked_id(obj)


@admin.register(SubjectAccess)
class SubjectAccessAdmin(ReadOnlyAdmin):
    """The access logs of all subjects, for the credit office's oversight of who reads what."""

    list_display = ("accessed_at", "subject", "kind", "organisation", "purpose", "reference")
    list_filter = ("kind", "organisation")
    list_select_related = ("organisation",)
    date_hierarchy = "accessed_at"
    show_full_result_count = False
    fields = (
        "accessed_at",
        "subject",
        "kind",
        "organisation",
        "purpose",
        "legal_basis",
        "reference",
    )
    readonly_fields = fields
