"""The admin site's own registrations: organisations, users and their grants, roles.

Every model admin of every app is a core.admin.ScopedAdmin (core/admin_scope.py: the scope of
lists, pages, history, choices and saving), or one of `OWN_SCOPE_ADMINS` below, which scope
themselves: users by their grants, roles and third-party records for superusers only.
core/tests/test_admin_scope.py walks `admin.site._registry` to hold that, and the check at the
end of this file warns of an unscoped registration.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.core import checks
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_scope import (
    ScopedAdmin,
    ScopedInlineMixin,
    ScopedRawIdWidget,
    ScopedStackedInline,
    ScopedTabularInline,
    has_history,
    holds,
    scope_error,
    users_in_scope,
)
from core.admin_versions import VersionedChangeMixin
from core.models import Job, Membership, Organisation
from core.querysets import scope_filter

__all__ = [
    "OWN_SCOPE_ADMINS",
    "ScopedAdmin",
    "ScopedInlineMixin",
    "ScopedRawIdWidget",
    "ScopedStackedInline",
    "ScopedTabularInline",
    "VersionedChangeMixin",
    "has_history",
    "scope_error",
    "users_in_scope",
]


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    """Organisations in the user's subtree; a new top of the tree is for a superuser only."""

    list_display = ("name", "short_name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("name", "short_name")
    ordering = ("path",)


@admin.register(Job)
class JobAdmin(ScopedAdmin):
    """Background jobs of the users an administrator manages (filed under the starter's
    organisation), to see what failed and why; read only: jobs are written by the worker."""

    list_display = ("title", "state", "owner", "created_at", "finished_at")
    list_filter = ("state", "kind")
    search_fields = ("title", "owner__username")
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Users and roles: scoped by the grants they hold ---------------------------------------
# A grant (core.Membership) gives one role over one organisation subtree. An administrator
# manages users where a grant of theirs holds auth.change_user, and gives only what they hold.


def permissions_held_at(user: Any, organisation: Organisation) -> set[int]:
    """Ids of the permissions that `user`'s grants give over `organisation` (from it or above)."""
    steps = organisation.path.strip("/").split("/")
    above = ["/" + "/".join(steps[: depth + 1]) + "/" for depth in range(len(steps))]
    held = Permission.objects.filter(
        group__grants__user_id=user.pk, group__grants__organisation__path__in=above
    )
    return set(held.values_list("pk", flat=True))


def grant_error(grantor: Any, organisation: Organisation, role: Group) -> str | None:
    """Why `grantor` may not give `role` over `organisation`; None when they may.

    The one place grants are decided: where the grantor manages users, and a role whose
    every permission the grantor holds there (no one gives more than they hold). The grants
    inline asks it of each new grant; whether a user is the grantor's to change asks it of
    each grant the user holds.
    """
    if grantor.is_superuser:
        return None
    if not holds(grantor, organisation, "auth.change_user"):
        return str(
            _("You do not manage the users of %(organisation)s.") % {"organisation": organisation}
        )
    if role.permissions.exclude(pk__in=permissions_held_at(grantor, organisation)).exists():
        return str(
            _(
                "You cannot give the role %(role)s over %(organisation)s: "
                "it holds permissions you do not hold there."
            )
            % {"role": _(role.name), "organisation": organisation}
        )
    return None


def may_manage(manager: Any, user: Any) -> bool:
    """Whether `manager` may change `user` (and so set their password, i.e. act as them).

    Only a user whose every grant the manager could have given: never a superuser, nor a
    holder of direct permissions (which only a superuser sets).
    """
    if manager.is_superuser:
        return True
    if user.is_superuser or user.user_permissions.exists():
        return False
    grants = list(user.memberships.select_related("organisation", "role"))
    return bool(grants) and all(
        grant_error(manager, grant.organisation, grant.role) is None for grant in grants
    )


def grantable_roles(grantor: Any) -> QuerySet[Group]:
    """The roles whose every permission `grantor` holds somewhere: the choices of a grant."""
    roles = Group.objects.order_by("name")
    if grantor.is_superuser:
        return roles
    held = Permission.objects.filter(group__grants__user_id=grantor.pk)
    return roles.exclude(permissions__in=Permission.objects.exclude(pk__in=held))


class MembershipFormSet(BaseInlineFormSet):
    """A user's grants, checked on the server by `grant_error`; at least one remains."""

    grantor: Any = None

    def clean(self) -> None:
        super().clean()
        if self.grantor is None or self.grantor.is_superuser:
            return
        kept = 0
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            if form.instance.pk is not None and not form.has_changed():
                kept += 1  # a grant already given, left as it is (or shown read-only)
                continue
            organisation, role = (
                form.cleaned_data.get("organisation"),
                form.cleaned_data.get("role"),
            )
            if organisation is None or role is None:
                continue
            error = grant_error(self.grantor, organisation, role)
            if error:
                raise ValidationError(error, code="not_grantable")
            kept += 1
        if kept == 0:
            # A user without a grant would be out of every administrator's reach.
            raise ValidationError(_("Give at least one grant."), code="no_grant")


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    fields = ("organisation", "role")
    extra = 1
    verbose_name = _("grant")
    verbose_name_plural = _("grants (a role over an organisation and everything below it)")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_superuser and db_field.name == "organisation":
            where = scope_filter(request.user, "", "auth.change_user")
            kwargs["queryset"] = Organisation.objects.filter(where)
        elif db_field.name == "role":
            kwargs["queryset"] = grantable_roles(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"grantor": request.user, "__module__": __name__})

    def _own(self, request: HttpRequest, obj: Any) -> bool:
        # One's own grants are one's scope: widening them is for another administrator.
        return obj is not None and obj.pk == request.user.pk and not request.user.is_superuser

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._own(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._own(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._own(request, obj) and super().has_delete_permission(request, obj)


# Users are managed where their grants are: on the same page.
admin.site.unregister(User)


@admin.register(User)
class BlueBeretUserAdmin(VersionedChangeMixin, UserAdmin):
    """Users scoped by their grants; power is given only by who holds it (`grant_error`).

    A non-superuser sees the users of their organisations, changes those whose every grant they
    could have given, and never sets superuser, staff, groups or direct permissions (which
    would bypass the grants), on anyone, themselves included, nor their own grants. Two
    administrators changing one user's grants do not overwrite each other: the form is saved
    only over the version it was opened from (core.admin_versions; a sign-in of the user
    meanwhile counts as a change too, since it is one of the user's columns).
    """

    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "is_active", "role_names")

    @admin.display(description=_("roles"))
    def role_names(self, user: User) -> str:
        return ", ".join(sorted({gettext(grant.role.name) for grant in user.memberships.all()}))

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        users = super().get_queryset(request).prefetch_related("memberships__role")
        if request.user.is_superuser:
            return users
        return users.filter(pk__in=users_in_scope(request.user).values("pk"))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_manage(request.user, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_manage(request.user, obj))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "is_staff", "groups", "user_permissions"]
        return fields

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The fields are read-only for a non-superuser; this guards a path that skipped the form.
        if not request.user.is_superuser:
            stored = User.objects.filter(pk=obj.pk).values("is_superuser", "is_staff").first()
            before = stored or {"is_superuser": False, "is_staff": False}
            if (obj.is_superuser, obj.is_staff) != (before["is_superuser"], before["is_staff"]):
                raise PermissionDenied
        super().save_model(request, obj, form, change)


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(VersionedChangeMixin, GroupAdmin):
    """Roles and their permissions: read by whoever may view them, changed by superusers only.

    A role's permissions reach every organisation at once; an administrator of one ministry
    editing them would change what the other ministry's users may do. Saved only over the
    version the form was opened from (core.admin_versions).
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class SuperuserOnlyAdmin(VersionedChangeMixin, admin.ModelAdmin):
    """For a third-party model with no organisation (sign-in records, say): superusers only.

    Such records span every organisation; no grant can scope them, so no role may reach them
    through the admin whatever permissions it holds. Saved, as every admin's change form, only
    over the version the form was opened from (core.admin_versions).
    """

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser


def for_superusers_only(labels: Iterable[str]) -> None:
    """Register again, for superusers only, each model of `labels` that an app registered.

    An app not installed is passed over. Apps listed after core in INSTALLED_APPS register
    theirs later: the walking test and the check below name any such registration.
    (core.signin hides some third-party admins altogether: knox's tokens, TOTP devices.)
    """
    for label in labels:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if admin.site.is_registered(model):
            original = type(admin.site.get_model_admin(model))
            admin.site.unregister(model)
            bases = (SuperuserOnlyAdmin, original)
            wrapped = type(original.__name__, bases, {"__module__": __name__})
            admin.site.register(model, wrapped)


# The admins that are not ScopedAdmin, each scoped its own way (see above); nothing else may be
# registered. The walking test and the check below hold it.
OWN_SCOPE_ADMINS: tuple[type[admin.ModelAdmin], ...] = (
    BlueBeretUserAdmin,
    RoleAdmin,
    SuperuserOnlyAdmin,
)


def unscoped_admins(site: admin.AdminSite) -> list[str]:
    """Labels of the models `site` administers without ScopedAdmin or an own scope."""
    allowed = (ScopedAdmin, *OWN_SCOPE_ADMINS)
    return [
        model._meta.label
        for model, model_admin in site._registry.items()
        if not isinstance(model_admin, allowed)
    ]


@checks.register(checks.Tags.admin)
def check_admin_scoped(**kwargs: Any) -> list[checks.CheckMessage]:
    """A warning (not an error, so that migrate still runs) for an unscoped registration."""
    return [
        checks.Warning(
            f"The admin of {label} is not scoped: register it on core.admin.ScopedAdmin, or "
            "for superusers only (core.admin.for_superusers_only).",
            id="core.W001",
        )
        for label in unscoped_admins(admin.site)
    ]


admin.site.site_header = _("Blue Beret administration")
admin.site.site_title = _("Blue Beret")
