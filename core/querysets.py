"""The one place where access to records is decided (after NetBox's `restrict`).

Every page, search, export and API view asks `Model.objects.restrict(user, action)` for its
queryset. A model says which of its fields leads to an organisation with the class attribute
`organisation_path` ("organisation", "person__organisation"; "" for an organisation itself);
catalogue models (ranks, missions) set it to None and are visible to every user who holds the
model permission. `also_visible_through` names further paths that grant viewing only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def granted_paths(user: AbstractBaseUser | AnonymousUser) -> list[str]:
    """Tree paths of the organisations granted to `user`; sub-organisations share the prefix."""
    cached = getattr(user, "_granted_paths", None)
    if cached is None:
        from core.models import Membership

        cached = list(
            Membership.objects.filter(user_id=user.pk).values_list("organisation__path", flat=True)
        )
        user._granted_paths = cached  # type: ignore[union-attr]
    return cached


def scope_filter(user: AbstractBaseUser | AnonymousUser, organisation_path: str) -> Q:
    """A filter matching records whose organisation is granted to `user`, or below one."""
    paths = granted_paths(user)
    if not paths:
        return Q(pk__in=[])
    field = f"{organisation_path}__path__startswith" if organisation_path else "path__startswith"
    condition = Q()
    for path in paths:
        condition |= Q(**{field: path})
    return condition


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> RestrictedQuerySet:
        """Only the records `user` may `action` (view, add, change, delete)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        meta = self.model._meta
        if not user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}"):
            return self.none()
        if user.is_superuser:
            return self
        organisation_path = getattr(self.model, "organisation_path", None)
        if organisation_path is None:
            return self
        condition = scope_filter(user, organisation_path)
        if action == "view":
            # Some records are read from a second side too (a certificate by the trainee's own
            # unit, though the run belongs to the organiser); only the owner changes them.
            for path in getattr(self.model, "also_visible_through", ()):
                condition |= scope_filter(user, path)
        return self.filter(condition)


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):  # type: ignore[misc]
    pass
