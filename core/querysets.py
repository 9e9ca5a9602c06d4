"""The one place where access to records is decided (after NetBox's `restrict`).

Every page, search, export and API view asks `Model.objects.restrict(user, action)` for its
queryset. A model says which of its fields leads to an organisation with the class attribute
`organisation_path` ("organisation", "person__organisation"; "" for an organisation itself);
catalogue models (ranks, missions) set it to None and are visible to every user who holds the
model permission. `also_visible_through` names further paths that grant viewing only.

A user's grants (core.Membership) each give one role over one organisation and everything below
it. A record may be `action`ed where one of the user's grants whose role holds the permission
for that action sits at or above the record's organisation: a Personnel officer of a department
who is also a Viewer of the whole ministry edits the department's people and reads the others.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

ANY_PERMISSION = ""


def granted_paths(
    user: AbstractBaseUser | AnonymousUser, permission: str = ANY_PERMISSION
) -> list[str]:
    """Tree paths of the organisations where `user` holds `permission` ("app.codename").

    Without a permission: every organisation granted to the user, whatever the role. Read once
    per user object (a request's user), then answered from memory.
    """
    cached: dict[str, list[str]] | None = getattr(user, "_granted_paths", None)
    if cached is None:
        from core.models import Membership

        cached = defaultdict(list)
        rows = Membership.objects.filter(user_id=user.pk).values_list(
            "organisation__path",
            "role__permissions__content_type__app_label",
            "role__permissions__codename",
        )
        for path, app_label, codename in rows:
            for key in (ANY_PERMISSION, f"{app_label}.{codename}"):
                if path not in cached[key]:
                    cached[key].append(path)
        user._granted_paths = cached  # type: ignore[union-attr]
    return cached.get(permission, [])


def scope_filter(
    user: AbstractBaseUser | AnonymousUser,
    organisation_path: str,
    permission: str = ANY_PERMISSION,
) -> Q:
    """A filter matching records whose organisation is at or below one where `user` holds
    `permission` (any grant at all when no permission is named)."""
    paths = granted_paths(user, permission)
    if not paths:
        return Q(pk__in=[])
    field = f"{organisation_path}__path__startswith" if organisation_path else "path__startswith"
    condition = Q()
    for path in paths:
        condition |= Q(**{field: path})
    return condition


def permission_name(model: type[models.Model], action: str) -> str:
    meta = model._meta
    return f"{meta.app_label}.{action}_{meta.model_name}"


def placement_filter(model: type[models.Model], user: Any, action: str) -> tuple[str, Q] | None:
    """Where `user` may put a record of `model`: its placing field and a filter on its choices.

    The placing field is the first step of the model's organisation path (a person's
    `organisation`, a passport's `person`); its choices are narrowed to those at or below an
    organisation where the user may `action` ("add" or "change") such records. None when the
    model is not placed in an organisation, or for a superuser or nobody (the schema generator
    builds forms without a user, and must not need a database).
    """
    organisation_path = getattr(model, "organisation_path", None)
    if organisation_path is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return None
    permission = permission_name(model, action)
    if organisation_path == "":
        # An organisation is placed by its parent: under one where the user may add (or
        # change) organisations, never at the top of the tree.
        return "parent", scope_filter(user, "", permission)
    head, _sep, rest = organisation_path.partition("__")
    return head, scope_filter(user, rest, permission)


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> RestrictedQuerySet:
        """Only the records `user` may `action` (view, add, change, delete)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        permission = permission_name(self.model, action)
        if not user.has_perm(permission):
            return self.none()
        if user.is_superuser:
            return self
        organisation_path = getattr(self.model, "organisation_path", None)
        if organisation_path is None:
            return self
        condition = scope_filter(user, organisation_path, permission)
        if action == "view":
            # Some records are read from a second side too (a certificate by the trainee's own
            # unit, though the run belongs to the organiser); only the owner changes them.
            for path in getattr(self.model, "also_visible_through", ()):
                condition |= scope_filter(user, path, permission)
        return self.filter(condition)


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):  # type: ignore[misc]
    pass
