"""Back office for organisations, staff and API tokens.

Every list and every object goes through `restrict()` (`RestrictedAdmin`), and every save
through the account services, which validate and audit: the admin never writes a row
itself. Django's model permissions are not used; the restriction rules decide.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    UsernameField,
)
from django.db import models
from django.db.models import ForeignKey, QuerySet
from django.forms import BaseInlineFormSet, ModelChoiceField, ModelForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from xinyong.accounts.models import ApiToken, Organisation, RoleGrant, User
from xinyong.accounts.permissions import (
    API_TOKEN_POLICY,
    USER_POLICY,
    managed_organisations,
    viewer_for_request,
)
from xinyong.accounts.scopes import scope_choices
from xinyong.accounts.services import (
    AccountError,
    create_organisation,
    create_staff_user,
    create_token,
    revoke_token,
    set_password,
    set_roles,
    update_organisation,
    update_user,
)
from xinyong.accounts.services.tokens import MAX_EXPIRY_DAYS
from xinyong.core.identifiers import IdKind, check
from xinyong.core.models import AuditEntry
from xinyong.core.permissions import CHANGE, VIEW, Viewer, can, restrict

_ISSUED_ATTR = "_xinyong_issued_token_secret"


def _adopt(target: models.Model, saved: models.Model) -> None:
    """Turn the admin's unsaved instance into the row a service saved, so the admin's
    redirect and its own log refer to that row."""
    for field in saved._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


class RestrictedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin whose rows and permissions come from the model's restriction rule."""

    def viewer(self, request: HttpRequest) -> Viewer:
        return viewer_for_request(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return restrict(super().get_queryset(request), self.viewer(request), VIEW)

    def has_module_permission(self, request: HttpRequest) -> bool:
        viewer = self.viewer(request)
        return not viewer.is_anonymous and can(viewer, self.model, VIEW)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(self.viewer(request), self.model, VIEW, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(self.viewer(request), self.model, CHANGE, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can(self.viewer(request), self.model, CHANGE)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Nothing here is deleted: organisations and users are deactivated, tokens revoked.
        return False


# -- organisations ---------------------------------------------------------------------------


class OrganisationForm(ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Organisation
        fields = ["uscc", "name", "short_name", "kind", "sector", "district", "is_active"]

    def clean_uscc(self) -> str:
        result = check(self.cleaned_data["uscc"], kind=IdKind.USCC)
        if not result.valid:
            raise forms.ValidationError(result.message, code=result.reason)
        return result.normalised


@admin.register(Organisation)
class OrganisationAdmin(RestrictedAdmin):
    form = OrganisationForm
    list_display = ("uscc", "name", "kind", "district", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("uscc", "name", "short_name")
    list_select_related = ("district",)

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return () if obj is not None else ("is_active",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        district = data["district"].code if data.get("district") else ""
        if change:
            saved = update_organisation(
                Organisation.objects.get(pk=obj.pk),
                uscc=data["uscc"],
                name=data["name"],
                short_name=data["short_name"],
                kind=data["kind"],
                sector=data["sector"],
                district=district,
                is_active=data.get("is_active"),
            )
        else:
            saved = create_organisation(
                uscc=data["uscc"],
                name=data["name"],
                kind=data["kind"],
                district=district,
                short_name=data["short_name"],
                sector=data["sector"],
            )
        _adopt(obj, saved)


# -- staff users -----------------------------------------------------------------------------


class StaffCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("username", "organisation")
        field_classes = {"username": UsernameField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].required = True


class ServicePasswordForm(AdminPasswordChangeForm):  # type: ignore[type-arg]
    """Django's admin password form, saving through the audited service."""

    def save(self, commit: bool = True) -> Any:
        usable = self.cleaned_data["set_usable_password"]
        set_password(self.user, self.cleaned_data["password1"] if usable else None)
        return self.user


class RoleGrantInline(admin.TabularInline):  # type: ignore[type-arg]
    """Roles, edited with the user; saved as a whole through `set_roles`."""

    model = RoleGrant
    extra = 0
    fields = ("role", "granted_at")
    readonly_fields = ("granted_at",)

    def _allowed(self, request: HttpRequest, action: str, obj: Any) -> bool:
        return can(viewer_for_request(request), User, action, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, VIEW, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, CHANGE, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, CHANGE, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, CHANGE, obj)


@admin.register(User)
class StaffAdmin(RestrictedAdmin, UserAdmin):  # type: ignore[type-arg]
    add_form = StaffCreationForm
    change_password_form = ServicePasswordForm
    inlines = [RoleGrantInline]
    list_display = ("username", "organisation", "roles", "is_active", "is_staff")
    list_filter = ("organisation__kind", "is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "email", "organisation__uscc")
    list_select_related = ("organisation",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("last_name", "first_name", "email")}),
        (_("机构与权限"), {"fields": ("organisation", "is_active", "is_staff", "is_superuser")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "organisation", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).prefetch_related("role_grants")

    @admin.display(description=_("角色"))
    def roles(self, obj: User) -> str:
        return "、".join(str(grant.get_role_display()) for grant in obj.role_grants.all())

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields: tuple[str, ...] = ("last_login", "date_joined")
        if obj is not None:
            fields += ("username",)
        if not self.viewer(request).is_superuser:
            fields += ("is_superuser",)
        return fields

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:  # type: ignore[type-arg]
        if db_field.name == "organisation":
            kwargs["queryset"] = managed_organisations(self.viewer(request), USER_POLICY)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            saved = update_user(
                User.objects.select_related("organisation").get(pk=obj.pk),
                organisation=data.get("organisation"),
                email=data.get("email"),
                first_name=data.get("first_name"),
                last_name=data.get("last_name"),
                is_active=data.get("is_active"),
                is_staff=data.get("is_staff"),
                is_superuser=data.get("is_superuser"),
            )
        else:
            saved = create_staff_user(
                organisation=data["organisation"],
                username=data["username"],
                password=data.get("password1") if data.get("set_usable_password") else None,
            )
        _adopt(obj, saved)

    def save_formset(
        self,
        request: HttpRequest,
        form: Any,
        formset: BaseInlineFormSet,  # type: ignore[type-arg]
        change: bool,
    ) -> None:
        if formset.model is not RoleGrant:
            super().save_formset(request, form, formset, change)
            return
        wanted = {
            row.cleaned_data["role"]
            for row in formset.forms
            if row.cleaned_data.get("role") and not row.cleaned_data.get("DELETE")
        }
        set_roles(form.instance, wanted)
        # The admin's change message reads these after a formset saves itself.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


# -- API tokens ------------------------------------------------------------------------------


class ApiTokenCreateForm(ModelForm):  # type: ignore[type-arg]
    scopes = forms.MultipleChoiceField(
        label=_("权限范围"), choices=scope_choices, widget=forms.CheckboxSelectMultiple
    )
    expires_in_days = forms.IntegerField(
        label=_("有效天数"),
        required=False,
        min_value=1,
        max_value=MAX_EXPIRY_DAYS,
        help_text=_("留空表示不过期"),
    )

    class Meta:
        model = ApiToken
        fields = ("organisation", "name")


_TOKEN_FIELDS = (
    "prefix",
    "organisation",
    "name",
    "scopes",
    "state",
    "created_at",
    "expires_at",
    "revoked_at",
    "last_used_at",
)


@admin.register(ApiToken)
class ApiTokenAdmin(RestrictedAdmin):
    """Tokens are issued here (the secret is shown once, on the page that follows) and
    revoked by an action; nothing else about a token can be edited."""

    list_display = ("prefix", "organisation", "name", "state", "expires_at", "last_used_at")
    list_filter = ("organisation__kind",)
    search_fields = ("prefix", "name", "organisation__uscc", "organisation__name")
    list_select_related = ("organisation",)
    actions = ["revoke_selected"]

    @admin.display(description=_("状态"))
    def state(self, obj: ApiToken) -> str:
        return str(obj.state().label)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = ApiTokenCreateForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return (
            _TOKEN_FIELDS
            if obj is not None
            else ("organisation", "name", "scopes", "expires_in_days")
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return _TOKEN_FIELDS if obj is not None else ()

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:  # type: ignore[type-arg]
        if db_field.name == "organisation":
            kwargs["queryset"] = managed_organisations(self.viewer(request), API_TOKEN_POLICY)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return
        data = form.cleaned_data
        issued = create_token(
            organisation=data["organisation"],
            scopes=data["scopes"],
            name=data["name"],
            expires_in_days=data["expires_in_days"],
        )
        _adopt(obj, issued.token)
        setattr(request, _ISSUED_ATTR, issued.secret)

    def response_add(
        self, request: HttpRequest, obj: Any, post_url_continue: str | None = None
    ) -> HttpResponse:
        """Show the secret in this response only: a redirect would have to park it in a
        cookie or the session table until the next page."""
        secret = request.__dict__.pop(_ISSUED_ATTR, None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": _("令牌已创建"),
            "opts": self.opts,
            "token": obj,
            "secret": secret,
            "changelist_url": reverse("admin:accounts_apitoken_changelist"),
        }
        response = TemplateResponse(request, "admin/accounts/apitoken/issued.html", context)
        add_never_cache_headers(response)
        return response

    @admin.action(description=_("吊销所选令牌"), permissions=["change"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = 0
        for token in restrict(queryset, self.viewer(request), CHANGE).filter(
            revoked_at__isnull=True
        ):
            try:
                revoke_token(token)
            except AccountError:
                continue  # revoked meanwhile by someone else
            revoked += 1
        self.message_user(
            request,
            ngettext("已吊销 %(n)d 个令牌", "已吊销 %(n)d 个令牌", revoked) % {"n": revoked},
            messages.SUCCESS,
        )


# -- audit log -------------------------------------------------------------------------------


@admin.register(AuditEntry)
class AuditEntryAdmin(RestrictedAdmin):
    """The audit log for auditors: rows as the restriction rule allows, never editable."""

    list_display = ["seq", "at", "actor_label", "action", "object_type", "object_id", "purpose"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_label", "request_id", "job_id"]
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
