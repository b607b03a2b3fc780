"""Back office views of the catalogue and the policy it came from, all read-only.

Policy is data under version control: it changes by editing the YAML and running
`xinyong policy load`, which validates the whole and keeps every version. The admin shows
the result and its history; it never writes. The catalogue is public information, so any
active staff member may read it.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from xinyong.catalog.models import (
    CatalogItem,
    Deadline,
    ListType,
    Measure,
    PolicyLoad,
    PolicyObject,
    PolicySetting,
    PolicyVersion,
    PublicationRuleSet,
    Scenario,
    VersionKind,
)


def _pretty(value: Any) -> SafeString:
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Shows rows to active staff; nobody adds, changes or deletes them here."""

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        hidden = set(self.exclude or ())
        own = [f.name for f in self.model._meta.fields if f.name not in hidden]
        own += [f.name for f in self.model._meta.many_to_many]
        return [*own, *self.readonly_fields]


class VersionedAdmin(ReadOnlyAdmin):
    """A current policy table, with its definition and its version history."""

    version_kind: str = ""
    exclude = ("definition",)
    readonly_fields = ("definition_view", "history")

    @admin.display(description=_("定义"))
    def definition_view(self, obj: PolicyObject) -> SafeString:
        return _pretty(obj.definition)

    @admin.display(description=_("版本历史"))
    def history(self, obj: PolicyObject) -> SafeString:
        versions = PolicyVersion.objects.filter(
            kind=self.version_kind, code=getattr(obj, "code", None) or getattr(obj, "key", "")
        ).select_related("load")
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">v{}</a></td><td>{}</td><td>#{}</td><td>{}</td>'
            "<td><code>{}</code></td></tr>",
            (
                (
                    reverse("admin:catalog_policyversion_change", args=[v.pk]),
                    v.version,
                    v.created_at.strftime("%Y-%m-%d %H:%M"),
                    v.load_id,
                    _("撤销") if v.content is None else "",
                    v.content_hash[:12],
                )
                for v in versions.order_by("-version")
            ),
        )
        return format_html("<table>{}</table>", rows)


@admin.register(CatalogItem)
class CatalogItemAdmin(VersionedAdmin):
    version_kind = VersionKind.CATALOG_ITEM
    list_display = ("code", "name", "disclosure", "polarity", "is_active", "current_version")
    list_filter = ("disclosure", "polarity", "is_active")
    search_fields = ("code", "name")


@admin.register(PublicationRuleSet)
class PublicationRuleSetAdmin(VersionedAdmin):
    version_kind = VersionKind.RULE_SET
    list_display = ("code", "name", "effective_from", "effective_to", "is_active")
    list_filter = ("is_active",)


@admin.register(Deadline)
class DeadlineAdmin(VersionedAdmin):
    version_kind = VersionKind.DEADLINE
    list_display = ("key", "name", "working_days", "effective_from", "effective_to", "is_active")
    list_filter = ("key", "is_active")


@admin.register(PolicySetting)
class PolicySettingAdmin(VersionedAdmin):
    version_kind = VersionKind.SETTING
    list_display = ("key", "is_active", "current_version")


@admin.register(ListType)
class ListTypeAdmin(VersionedAdmin):
    version_kind = VersionKind.LIST_TYPE
    list_display = ("code", "name", "kind", "source", "notice_working_days", "is_active")
    list_filter = ("kind", "source", "is_active")
    search_fields = ("code", "name")


@admin.register(Scenario)
class ScenarioAdmin(VersionedAdmin):
    version_kind = VersionKind.SCENARIO
    list_display = ("code", "name", "is_active", "current_version")
    list_filter = ("is_active",)


@admin.register(Measure)
class MeasureAdmin(VersionedAdmin):
    version_kind = VersionKind.MEASURE
    list_display = ("code", "kind", "obligation", "text", "source", "is_active")
    list_filter = ("kind", "obligation", "source", "scenarios", "list_types", "is_active")
    search_fields = ("code", "text")


@admin.register(PolicyLoad)
class PolicyLoadAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "loaded_at",
        "actor_label",
        "created_count",
        "changed_count",
        "withdrawn_count",
        "unchanged_count",
    )
    date_hierarchy = "loaded_at"


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdmin):
    list_display = ("kind", "code", "version", "load", "created_at")
    list_filter = ("kind",)
    search_fields = ("code",)
    exclude = ("content",)
    readonly_fields = ("content_view",)

    @admin.display(description=_("内容"))
    def content_view(self, obj: PolicyVersion) -> SafeString:
        return _pretty(obj.content)
