"""Back office for core data: districts, the allowlist, the working-day calendar.

Writes go through the core services (allowlist, calendar), which validate and audit; the
admin never saves these rows itself. Districts come from policy files and are read-only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from xinyong.core import allowlist, calendar
from xinyong.core.models import (
    AuditHead,
    CalendarDay,
    CalendarYear,
    DailyRun,
    District,
    IrregularCode,
    SigningKey,
)

MAX_CALENDAR_FILE_BYTES = 256 * 1024


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Rows maintained by loaders and services: viewable, never edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditHead)
class AuditHeadAdmin(ReadOnlyAdmin):
    """The audit chain's tip: what `xinyong audit verify` compares the chain against."""

    list_display = ["seq", "entry_hash"]


@admin.register(DailyRun)
class DailyRunAdmin(ReadOnlyAdmin):
    """What each daily job did on each day (and the error, if it failed)."""

    list_display = ("day", "job", "started_at", "finished_at", "error")
    list_filter = ("job",)
    date_hierarchy = "day"


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    """Published public keys; `xinyong keys rotate` adds one (private keys are never here)."""

    list_display = ["key_id", "algorithm", "valid_from", "valid_until"]


@admin.register(District)
class DistrictAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "is_current", "successor"]
    list_filter = ["is_current"]
    search_fields = ["code", "name"]


class IrregularCodeForm(forms.ModelForm):  # type: ignore[type-arg]
    """Checks with the service's rules, so refusals show on the form, not as errors."""

    class Meta:
        model = IrregularCode
        fields = ["code", "reason"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        try:
            allowlist.validate(cleaned.get("code", ""), cleaned.get("reason", ""))
        except allowlist.AllowlistError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return cleaned


@admin.register(IrregularCode)
class IrregularCodeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Admitting a code goes through `allowlist.admit`; deleting through `withdraw`."""

    form = IrregularCodeForm
    list_display = ["code", "reason", "admitted_by", "admitted_at"]
    search_fields = ["code"]
    actions = None

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = allowlist.admit(form.cleaned_data["code"], form.cleaned_data["reason"])
        obj.pk, obj._state.adding = saved.pk, False

    def delete_model(self, request: HttpRequest, obj: IrregularCode) -> None:
        allowlist.withdraw(obj.code)


class CalendarUploadForm(forms.Form):
    file = forms.FileField(label=_("日历文件（YAML）"), help_text=calendar.FILE_FORMAT)


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    """Known years; a year is added or replaced by uploading a schedule file."""

    list_display = ["year", "source", "loaded_at"]
    change_list_template = "admin/core/calendaryear/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        upload = self.admin_site.admin_view(self.upload_view)
        return [path("upload/", upload, name="core_calendaryear_upload"), *super().get_urls()]

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("core.add_calendarday"):
            raise PermissionDenied
        form = CalendarUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_CALENDAR_FILE_BYTES:
                form.add_error("file", _("文件过大"))
            else:
                try:
                    years = calendar.load_bytes(upload.read(), upload.name)
                except calendar.CalendarDataError as exc:
                    for problem in exc.problems:
                        form.add_error("file", problem.describe(exc.origin))
                else:
                    loaded = "、".join(str(y) for y in years)
                    messages.success(request, _("已载入年份：%(years)s") % {"years": loaded})
                    return HttpResponseRedirect(reverse("admin:core_calendaryear_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "opts": self.model._meta,
            "title": _("上传工作日日历"),
        }
        return TemplateResponse(request, "admin/core/calendaryear/upload.html", context)


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"
    search_fields = ["note"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CalendarDay]:
        return super().get_queryset(request).order_by("-date")
