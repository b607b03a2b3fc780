"""Row-level restriction: one place decides which rows a viewer may see or change.

In the spirit of NetBox's `restrict()`: every query of non-public data is written as
`Model.objects.restrict(viewer, action)`. Each model declares its rule once, in a registry,
so pages, the API, exports and commands cannot disagree about who sees what. A model with
no registered rule yields nothing (fail closed), even to a superuser, so a forgotten rule
shows up at once instead of leaking rows.

Core knows nothing about organisation kinds or roles beyond their string codes; the apps
that define them (accounts) build `Viewer`s and register the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeAlias, TypeVar

from django.db import models
from django.db.models import Q

VIEW = "view"
CHANGE = "change"
ACTIONS = frozenset({VIEW, CHANGE})

Access: TypeAlias = Q | bool
"""What a rule returns: True (every row), False (no row) or a filter on the model."""

Rule: TypeAlias = Callable[["Viewer", str], Access]


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a staff user, an API token, the system, or nobody in particular."""

    label: str = "anonymous"
    user_id: int | None = None
    token_id: int | None = None
    organisation_id: int | None = None
    organisation_kind: str = ""
    roles: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()
    is_superuser: bool = False

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and self.token_id is None and not self.is_superuser


ANONYMOUS = Viewer()
SYSTEM = Viewer(label="system", is_superuser=True)
"""The viewer of management commands and jobs run by an operator with shell access."""


class Reach(Enum):
    """How far a grant extends over a model's rows."""

    ALL = "all"
    OWN_ORGANISATION = "own_organisation"
    SELF = "self"


@dataclass(frozen=True)
class Grant:
    """Viewers who qualify may perform `actions` on the rows within `reach`.

    A viewer qualifies if `everyone` is set (the anonymous public included); otherwise it
    must be signed in (a user or a token), belong to one of `kinds` when kinds are given,
    and either `signed_in` is set or it holds one of `roles` (users) or `scopes` (tokens).
    """

    actions: frozenset[str]
    reach: Reach
    roles: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()
    kinds: frozenset[str] | None = None
    everyone: bool = False
    signed_in: bool = False

    def __post_init__(self) -> None:
        unknown = self.actions - ACTIONS
        if unknown:
            raise ValueError(f"unknown actions in grant: {sorted(unknown)}")

    def qualifies(self, viewer: Viewer, action: str) -> bool:
        if action not in self.actions:
            return False
        if self.everyone:
            return True
        if viewer.is_anonymous:
            return False
        if self.kinds is not None and viewer.organisation_kind not in self.kinds:
            return False
        if self.signed_in:
            return True
        return bool(viewer.roles & self.roles or viewer.scopes & self.scopes)


@dataclass(frozen=True)
class Policy:
    """A model's rule as data: a list of grants, and the fields that tie a row to an
    organisation and to a user (for `Reach.OWN_ORGANISATION` and `Reach.SELF`)."""

    grants: tuple[Grant, ...]
    organisation_field: str | None = None
    self_field: str | None = None

    def _reach_q(self, reach: Reach, viewer: Viewer) -> Access:
        if reach is Reach.ALL:
            return True
        if reach is Reach.OWN_ORGANISATION:
            if self.organisation_field is None or viewer.organisation_id is None:
                return False
            return Q(**{self.organisation_field: viewer.organisation_id})
        if self.self_field is None or viewer.user_id is None:
            return False
        return Q(**{self.self_field: viewer.user_id})

    def __call__(self, viewer: Viewer, action: str) -> Access:
        filters: list[Q] = []
        for grant in self.grants:
            if not grant.qualifies(viewer, action):
                continue
            reach = self._reach_q(grant.reach, viewer)
            if reach is True:
                return True
            if isinstance(reach, Q):
                filters.append(reach)
        if not filters:
            return False
        combined = filters[0]
        for extra in filters[1:]:
            combined |= extra
        return combined


_rules: dict[str, Rule] = {}


def _label(model: type[models.Model] | str) -> str:
    return model.lower() if isinstance(model, str) else model._meta.label_lower


def register(model: type[models.Model] | str, rule: Rule) -> None:
    """Declare `model`'s rule. Registering a different rule for the same model is an error,
    so two apps cannot silently override each other."""
    label = _label(model)
    existing = _rules.get(label)
    if existing is not None and existing != rule:
        raise ValueError(f"a different restriction rule is already registered for {label}")
    _rules[label] = rule


def registered() -> list[str]:
    """Labels of the models that have a rule."""
    return sorted(_rules)


def access_for(model: type[models.Model], viewer: Viewer, action: str) -> Access:
    """The rows of `model` that `viewer` may act on, before any query is made."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; expected one of {sorted(ACTIONS)}")
    rule = _rules.get(_label(model))
    if rule is None:
        return False
    if viewer.is_superuser:
        return True
    return rule(viewer, action)


_M = TypeVar("_M", bound=models.Model)
_QS = TypeVar("_QS", bound=models.QuerySet[Any])


def _narrow(queryset: _QS, viewer: Viewer, action: str) -> _QS:
    access = access_for(queryset.model, viewer, action)
    if access is True:
        return queryset
    if access is False:
        return queryset.none()
    return queryset.filter(access)


class RestrictedQuerySet(models.QuerySet[_M]):
    """A queryset that can be narrowed to what one viewer may see or change."""

    def restrict(self, viewer: Viewer, action: str = VIEW) -> RestrictedQuerySet[_M]:
        return _narrow(self, viewer, action)


def restrict(
    queryset: models.QuerySet[_M], viewer: Viewer, action: str = VIEW
) -> models.QuerySet[_M]:
    """`restrict()` for a queryset handed over by a framework (admin, forms, the API)."""
    return _narrow(queryset, viewer, action)


def can(
    viewer: Viewer, model: type[models.Model], action: str, obj: models.Model | None = None
) -> bool:
    """Whether `viewer` may perform `action` on `obj`, or on any row at all if `obj` is None."""
    access = access_for(model, viewer, action)
    if obj is None or isinstance(access, bool):
        return access is not False
    return model._default_manager.filter(access, pk=obj.pk).exists()
