"""Staff users and their roles: the only code that writes `User` and `RoleGrant` rows.

Passwords are validated by Django's validators and only ever stored hashed; the audit log
records *that* a password was set, never the password or its hash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xinyong.accounts.models import Organisation, Role, RoleGrant, User
from xinyong.accounts.services.errors import AccountError
from xinyong.core import audit

OBJECT_TYPE = "accounts.user"


def snapshot(user: User) -> dict[str, Any]:
    """The audited view of a user: no password, no hash."""
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "organisation": user.organisation.uscc if user.organisation else None,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
    }


def _roles(roles: Iterable[str]) -> list[str]:
    wanted = sorted(set(roles))
    unknown = [role for role in wanted if role not in Role.values]
    if unknown:
        raise AccountError(
            "unknown_role",
            _("未知的角色：%(roles)s（可选：%(choices)s）")
            % {"roles": "、".join(unknown), "choices": "、".join(Role.values)},
        )
    return wanted


def _username(raw: str) -> str:
    username = User.normalize_username(raw.strip())
    try:
        if not username:
            raise ValidationError(_("用户名不能为空"))
        User.username_validator(username)
        if len(username) > 150:
            raise ValidationError(_("用户名不能超过150个字符"))
    except ValidationError as exc:
        raise AccountError("invalid_username", " ".join(exc.messages)) from exc
    if User.objects.filter(username=username).exists():
        raise AccountError(
            "duplicate_username", _("用户名 %(username)s 已存在") % {"username": username}
        )
    return username


def _email(raw: str) -> str:
    email = str(User.objects.normalize_email(raw.strip()))
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise AccountError("invalid_email", _("电子邮件地址无效")) from exc
    return email


def _name(raw: str, label: str) -> str:
    value = raw.strip()
    if len(value) > 150:
        raise AccountError("too_long", _("%(label)s不能超过150个字符") % {"label": label})
    return value


def _active_organisation(organisation: Organisation) -> Organisation:
    if not organisation.is_active:
        raise AccountError(
            "inactive_organisation",
            _("机构 %(name)s 已停用，不能添加人员或令牌") % {"name": organisation.name},
        )
    return organisation


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError("weak_password", " ".join(exc.messages)) from exc


def _forget_roles(user: User) -> None:
    user.__dict__.pop("_role_codes", None)


def create_staff_user(
    *,
    organisation: Organisation,
    username: str,
    roles: Iterable[str] = (),
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_staff: bool = False,
) -> User:
    """A staff member of one organisation; without `password` the account cannot log in
    until one is set. `is_staff` opens the Django admin to the user."""
    user = User(
        username=_username(username),
        email=_email(email),
        first_name=_name(first_name, _("名")),
        last_name=_name(last_name, _("姓")),
        organisation=_active_organisation(organisation),
        is_staff=is_staff,
    )
    granted = _roles(roles)
    if password is None:
        user.set_unusable_password()
    else:
        _check_password(password, user)
        user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            RoleGrant.objects.bulk_create([RoleGrant(user=user, role=role) for role in granted])
            audit.record(
                "user.create",
                OBJECT_TYPE,
                user.pk,
                after={
                    **snapshot(user),
                    "roles": granted,
                    "usable_password": user.has_usable_password(),
                },
                organisation_id=organisation.pk,
            )
    except IntegrityError as exc:
        if User.objects.filter(username=user.username).exists():
            raise AccountError(
                "duplicate_username", _("用户名 %(username)s 已存在") % {"username": user.username}
            ) from exc
        raise
    _forget_roles(user)
    return user


def update_user(
    user: User,
    *,
    organisation: Organisation | None = None,
    email: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    is_active: bool | None = None,
    is_staff: bool | None = None,
    is_superuser: bool | None = None,
) -> User:
    """Change the given fields (None leaves a field alone); no write when nothing changes."""
    values: dict[str, Any] = {}
    if organisation is not None:
        values["organisation"] = _active_organisation(organisation)
    if email is not None:
        values["email"] = _email(email)
    if first_name is not None:
        values["first_name"] = _name(first_name, _("名"))
    if last_name is not None:
        values["last_name"] = _name(last_name, _("姓"))
    if is_active is not None:
        values["is_active"] = is_active
    if is_staff is not None:
        values["is_staff"] = is_staff
    if is_superuser is not None:
        values["is_superuser"] = is_superuser
    changes = {key: value for key, value in values.items() if getattr(user, key) != value}
    if not changes:
        return user
    before = snapshot(user)
    for key, value in changes.items():
        setattr(user, key, value)
    after = snapshot(user)
    with transaction.atomic():
        user.save(update_fields=list(changes))
        audit.record(
            "user.update",
            OBJECT_TYPE,
            user.pk,
            before={key: before[key] for key in changes},
            after={key: after[key] for key in changes},
            organisation_id=user.organisation_id,
        )
    return user


def set_password(user: User, password: str | None) -> None:
    """Set (validated) or, with None, disable the password; the log says only which."""
    if password is not None:
        _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    with transaction.atomic():
        user.save(update_fields=["password"])
        audit.record(
            "user.password_set",
            OBJECT_TYPE,
            user.pk,
            after={"usable_password": user.has_usable_password()},
            organisation_id=user.organisation_id,
        )


def _change_roles(
    user: User, decide: Callable[[set[str]], set[str]]
) -> tuple[list[str], list[str]]:
    """Lock the user, let `decide` turn the roles held into the roles wanted, write the
    difference with one audit entry per role granted or revoked."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        held = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
        wanted = decide(held)
        granted, revoked = sorted(wanted - held), sorted(held - wanted)
        if revoked:
            RoleGrant.objects.filter(user=user, role__in=revoked).delete()
        if granted:
            RoleGrant.objects.bulk_create([RoleGrant(user=user, role=role) for role in granted])
        audit.record_many(
            [
                audit.AuditEvent(
                    action,
                    OBJECT_TYPE,
                    str(user.pk),
                    before={"roles": sorted(held)},
                    after={"role": role, "roles": sorted(wanted)},
                    organisation_id=user.organisation_id,
                )
                for action, changed in (("user.role_grant", granted), ("user.role_revoke", revoked))
                for role in changed
            ]
        )
    _forget_roles(user)
    return granted, revoked


def set_roles(user: User, roles: Iterable[str]) -> tuple[list[str], list[str]]:
    """Make `roles` exactly the user's roles; return (granted, revoked)."""
    wanted = set(_roles(roles))
    return _change_roles(user, lambda held: wanted)


def grant_role(user: User, role: str) -> bool:
    """Give `user` the role; False (and no entry) if already held."""
    _roles([role])
    granted, _revoked = _change_roles(user, lambda held: held | {role})
    return bool(granted)


def revoke_role(user: User, role: str) -> bool:
    """Take the role away; False (and no entry) if not held."""
    _roles([role])
    _granted, revoked = _change_roles(user, lambda held: held - {role})
    return bool(revoked)
