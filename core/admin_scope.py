"""The admin obeys the same scope as the pages: `ScopedAdmin`, the base of every model admin.

The admin is no way around the access rules. Every model admin is a `ScopedAdmin` (its model
answers `restrict`, core.querysets) or one of core.admin.OWN_SCOPE_ADMINS, which scope
themselves (users by their grants; roles and third-party records for superusers).
core/tests/test_admin_scope.py walks `admin.site._registry` to hold that.

What `ScopedAdmin` scopes, and why each one:
- lists, change and delete pages: `restrict(user, "view")`, then "change" or "delete" for the
  record opened, so a record read through a second side (`also_visible_through`) or through a
  Viewer's grant stays read-only;
- simple-history's history pages, which fetch records and versions past `get_queryset`;
- the choices of foreign keys (and raw ids, autocompletes, list filters): the records the user
  may view; the field that places the record, only where the user may add or change it; a
  raw id names its record only if the user may view it (`ScopedRawIdWidget`);
- saving: a record lands only where the user may put it; the form says so (no 500); and only
  over the version the form was opened from (core.admin_versions);
- reads of personal data: an admin that sets `access_log` writes the access log's entry for
  its lists, records and history, as the pages do (core.access_log).

Apps import these from core.admin; they live here to keep each file readable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, router, transaction
from django.db.models import QuerySet
from django.forms import BaseForm, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.access_log import record
from core.admin_versions import VersionedChangeMixin
from core.models import AccessKind, Membership, Organisation
from core.querysets import (
    ANY_PERMISSION,
    granted_paths,
    permission_name,
    placement_filter,
    scope_filter,
)

FormT = TypeVar("FormT", bound=BaseForm)

# --- The scope of one user ----------------------------------------------------------------


def holds(user: Any, organisation: Organisation | None, permission: str = ANY_PERMISSION) -> bool:
    """Whether `organisation` lies at or below one where `user` holds `permission` (any grant
    at all when none is named); a superuser holds every organisation."""
    if user.is_superuser:
        return True
    if organisation is None or not organisation.path:
        return False
    return any(organisation.path.startswith(path) for path in granted_paths(user, permission))


def organisation_of(instance: models.Model, values: Mapping[str, Any]) -> Organisation | None:
    """The organisation `instance` belongs to once `values` (a form's cleaned data) apply.

    Follows the model's `organisation_path`; the first step is read from `values` when the form
    changes it. None when the chain is broken: nothing chosen yet, or a deleted record.
    """
    path: str = type(instance).organisation_path  # type: ignore[attr-defined]
    if path == "":
        return instance  # type: ignore[return-value]
    first, *rest = path.split("__")
    try:
        target = values[first] if first in values else getattr(instance, first, None)
        for name in rest:
            if target is None:
                break
            target = getattr(target, name)
    except ObjectDoesNotExist:
        return None
    return target


def organisation_error(
    user: Any, organisation: Organisation, parent: Organisation | None, permission: str
) -> str | None:
    """Why `organisation` may not sit below `parent`, for `user`; None when it may.

    An organisation is scoped by its own place: once saved under `parent`, its path must lie
    where the user holds `permission`. Only a superuser makes a new top of the tree (a
    ministry) or moves one there: a top is nobody's grant until a superuser gives it.
    """
    if user.is_superuser:
        return None
    if parent is None:
        if organisation.pk is not None:
            if Organisation.objects.filter(pk=organisation.pk, parent=None).exists():
                return None  # a ministry renamed by its administrator stays where it is
        return str(_("Only a superuser may put an organisation at the top of the tree."))
    landing = parent
    if organisation.pk is not None:
        landing = Organisation(path=f"{parent.path}{organisation.pk}/")
    if holds(user, landing, permission):
        return None
    return str(_("You may not put an organisation below %(parent)s.") % {"parent": parent})


def scope_error(user: Any, instance: models.Model, values: Mapping[str, Any]) -> str | None:
    """Why `user` may not save `instance` with `values` applied; None when it may.

    A record already saved must be one the user may change (not merely read through a second
    side or a Viewer's grant), and it must land where the user may add (or change) such
    records. Catalogues (organisation_path None) are the model permission's business alone.
    """
    model = type(instance)
    path = getattr(model, "organisation_path", None)
    if user.is_superuser or path is None:
        return None
    if instance.pk is not None:
        changeable = model._default_manager.restrict(user, "change")  # type: ignore[attr-defined]
        if not changeable.filter(pk=instance.pk).exists():
            return str(_("This record is not one you may change."))
    permission = permission_name(model, "add" if instance.pk is None else "change")
    if path == "":
        parent = values["parent"] if "parent" in values else getattr(instance, "parent", None)
        return organisation_error(user, instance, parent, permission)  # type: ignore[arg-type]
    organisation = organisation_of(instance, values)
    if organisation is None:
        return str(_("Choose where this record belongs."))
    if not holds(user, organisation, permission):
        return str(
            _("You may not put this record in %(organisation)s.") % {"organisation": organisation}
        )
    return None


def scoped_choices(user: Any, model: type[models.Model], queryset: QuerySet | None) -> QuerySet:
    """The records of `model` that `user` may pick in a form: those the user may view.

    An organisation is picked among those the user holds a grant over, a user (who decided,
    who imported) among the users the user looks after. The field that places the record is
    narrowed further by `scope_checked`, to where the user may add or change it.
    """
    if queryset is None:
        queryset = model._default_manager.all()
    if user.is_superuser:
        return queryset
    if issubclass(model, Organisation):
        return queryset.filter(scope_filter(user, ""))
    if issubclass(model, get_user_model()):
        return queryset.filter(pk__in=users_in_scope(user).values("pk"))
    if hasattr(queryset, "restrict"):
        return queryset.restrict(user, "view")
    return queryset


def scope_checked(form_class: type[FormT], user: Any) -> type[FormT]:
    """`form_class`, offering and accepting only what `user` may save (else a form error)."""

    def __init__(form: Any, *args: Any, **kwargs: Any) -> None:
        super(checked, form).__init__(*args, **kwargs)
        model, pk = form._meta.model, form.instance.pk
        place = placement_filter(model, user, "change" if pk else "add")
        field = form.fields.get(place[0]) if place else None
        if place is None or not isinstance(getattr(field, "queryset", None), QuerySet):
            return
        name, condition = place
        offered = field.queryset.filter(condition)
        current = getattr(form.instance, model._meta.get_field(name).attname, None)
        if pk and current is not None:
            # Where a record stands stays offered (a unit's administrator does not hold the
            # ministry above it); a move is the check's to refuse.
            offered |= field.queryset.model._default_manager.filter(pk=current)
        field.queryset = offered

    def clean(form: Any) -> Any:
        cleaned = super(checked, form).clean()
        # A field's own error says what is wrong first; an unchanged row is not written.
        if form._errors or (form.instance.pk is not None and not form.has_changed()):
            return cleaned
        message = scope_error(user, form.instance, form.cleaned_data)
        if message:
            raise ValidationError(message, code="out_of_scope")
        return cleaned

    attrs = {"__init__": __init__, "clean": clean, "__module__": form_class.__module__}
    checked = type(form_class.__name__, (form_class,), attrs)
    return checked  # type: ignore[return-value]


def users_in_scope(viewer: Any) -> QuerySet[User]:
    """The users `viewer` looks after: every grant of theirs lies where `viewer` may view users.

    A user with no grant yet belongs to no organisation, and a superuser to all: both are for
    superusers to see (as on the sign-in security page, core.signin).
    """
    users = User.objects.all()
    if viewer.is_superuser:
        return users
    inside = scope_filter(viewer, "organisation", "auth.view_user")
    granted = Membership.objects.filter(inside).values("user_id")
    outside = Membership.objects.exclude(inside).values("user_id")
    return users.filter(pk__in=granted, is_superuser=False).exclude(pk__in=outside)


def has_history(model: type[models.Model]) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


# --- One base for every model admin --------------------------------------------------------


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """Django's raw-id input, naming the record typed in only if `queryset` holds it.

    Django's own widget reads the name beside the id through the model's default manager: an
    id in the address (`add/?person=12`) or in a refused post would show the name of a person
    of the other ministry. (Its many-to-many sibling shows no names: nothing to scope.)
    """

    def __init__(
        self, rel: Any, admin_site: admin.AdminSite, queryset: QuerySet, **kwargs: Any
    ) -> None:
        super().__init__(rel, admin_site, **kwargs)
        self.queryset = queryset

    def label_and_url_for_value(self, value: Any) -> tuple[str, str]:
        key = self.rel.get_related_field().name
        try:
            visible = self.queryset.using(self.db).filter(**{key: value}).exists()
        except (ValueError, TypeError, DjangoValidationError):
            visible = False  # not an id at all: Django shows no name either
        return super().label_and_url_for_value(value) if visible else ("", "")


class ScopedFieldsMixin:
    """Choices of foreign keys and many-to-many fields, limited as `scoped_choices` says; the
    name beside a raw id too (the records the user may view, whatever queryset a subclass
    chose for the choices)."""

    raw_id_fields: Any

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "queryset" not in kwargs:
            ordered = self.get_field_queryset(kwargs.get("using"), db_field, request)  # type: ignore[attr-defined]
            kwargs["queryset"] = scoped_choices(request.user, db_field.related_model, ordered)
        if db_field.name in self.raw_id_fields and "widget" not in kwargs:
            kwargs["widget"] = ScopedRawIdWidget(
                db_field.remote_field,
                self.admin_site,  # type: ignore[attr-defined]
                scoped_choices(request.user, db_field.related_model, kwargs["queryset"]),
                using=kwargs.get("using"),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "queryset" not in kwargs and db_field.remote_field.through._meta.auto_created:
            ordered = self.get_field_queryset(kwargs.get("using"), db_field, request)  # type: ignore[attr-defined]
            kwargs["queryset"] = scoped_choices(request.user, db_field.related_model, ordered)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class ScopedAdmin(ScopedFieldsMixin, VersionedChangeMixin, SimpleHistoryAdmin):
    """The admin of a model that answers `restrict`: scoped as the pages are (see the module).

    A record outside the user's organisations is neither listed nor opened: its pages answer
    as for an id that does not exist. Catalogues (organisation_path None) are open to every
    holder of the model permission, as `restrict` says. Models without audit history work too
    (their history page is Django's own, from the admin log).
    """

    # What the admin's pages of a model of personal data show, as the access log names it
    # ("passports"); None for a model that holds none. core/tests/test_admin_access_log.py
    # names the models that must set it.
    access_log: str | None = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).restrict(request.user, "view")

    def in_scope(self, request: HttpRequest, obj: models.Model | None, action: str) -> bool:
        """Whether `obj` (if any) is one of the records `request.user` may `action`."""
        if obj is None or obj.pk is None or request.user.is_superuser:
            return True
        allowed = self.model._default_manager.restrict(request.user, action)
        return allowed.filter(pk=obj.pk).exists()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and self.in_scope(request, obj, "change")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and self.in_scope(request, obj, "delete")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # "Delete selected" works on the list, which shows what the user may only read too.
        deletable = self.model._default_manager.restrict(request.user, "delete")
        if queryset.exclude(pk__in=deletable.values("pk")).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return scope_checked(form, request.user)

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> Any:
        return scope_checked(super().get_changelist_form(request, **kwargs), request.user)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The form has refused already; this guards a path that skipped it (403, not a leak).
        if scope_error(request.user, obj, {}):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    # --- the access log: reads of personal data, as the pages log theirs --------------------

    def log_read(
        self, request: HttpRequest, response: HttpResponse, page: str, rows: int | None = None
    ) -> None:
        """One entry of the access log for a page of `access_log`'s records that was shown."""
        if self.access_log and response.status_code == 200:
            what = f"admin: {self.access_log} ({page})"
            record(AccessKind.PAGE, request, what=what, rows=rows)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None and self.access_log:
            # Counting the page's rows runs the query the page then renders from (cached).
            self.log_read(request, response, "list", rows=len(changelist.result_list))
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET":
            self.log_read(request, response, "record", rows=1)
        return response

    def get_list_filter(self, request: HttpRequest) -> Any:
        """A filter by a scoped record offers only those the list holds, not every name."""
        return [self._related_only(entry) for entry in super().get_list_filter(request)]

    def _related_only(self, entry: Any) -> Any:
        if not isinstance(entry, str):
            return entry
        try:
            last = get_fields_from_path(self.model, entry)[-1]
        except FieldDoesNotExist:
            return entry
        related = getattr(last, "related_model", None)
        if related is not None and (
            getattr(related, "organisation_path", None) is not None
            or issubclass(related, get_user_model())
        ):
            return (entry, admin.RelatedOnlyFieldListFilter)
        return entry

    # simple-history fetches the record and its versions past get_queryset (a deleted record's
    # last version, any version by id): each history page first asks the scope.

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        if not has_history(self.model):
            response = admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        else:
            self._history_in_scope_or_404(request, object_id)
            response = super().history_view(request, object_id, extra_context)
        self.log_read(request, response, "history")
        return response

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict | None = None,
    ) -> HttpResponse:
        if not has_history(self.model) or not version_id.isascii() or not version_id.isdigit():
            raise Http404  # simple-history would int() it: a 500 for "abc" (upstream #1108)
        obj = self._history_in_scope_or_404(request, object_id)
        # The version page saves a revert on POST to whoever may read it; only who may change.
        if request.method == "POST" and not self.has_change_permission(request, obj):
            raise PermissionDenied
        if request.method != "POST":
            response = super().history_form_view(request, object_id, version_id, extra_context)
            self.log_read(request, response, "past version", rows=1)
            return response
        # A revert saves as the change page does: its version check locks inside this.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def _history_in_scope_or_404(self, request: HttpRequest, object_id: str) -> Any:
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            return obj
        if not self._deleted_in_scope(request, unquote(object_id)):
            raise Http404
        return None

    def _deleted_in_scope(self, request: HttpRequest, object_id: str) -> bool:
        """Whether a record no longer there was, at its last version, one the user may view."""
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        try:
            if self.model._default_manager.filter(pk=object_id).exists():
                return False  # it exists, outside the scope
            last = history.filter(**{self.model._meta.pk.attname: object_id}).latest()
        except (ObjectDoesNotExist, DjangoValidationError, ValueError, TypeError):
            return False  # no such record, or not an id at all
        if getattr(self.model, "organisation_path", None) is None:
            return self.has_view_permission(request)
        return self.has_view_permission(request) and holds(
            request.user,
            organisation_of(last.instance, {}),
            permission_name(self.model, "view"),
        )

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if not hasattr(self.model._default_manager.all(), "restrict"):
            errors.append(
                checks.Error(
                    f"{type(self).__name__} is a ScopedAdmin, but {self.model._meta.label} "
                    "has no restrict() (core.querysets.RestrictedManager).",
                    obj=type(self),
                    id="core.E001",
                )
            )
        if self.list_editable:
            errors.append(
                checks.Error(
                    f"{type(self).__name__} has list_editable: its rows would be saved without "
                    "their version (core.admin_versions), over other people's changes.",
                    obj=type(self),
                    id="core.E003",
                )
            )
        for inline in self.inlines:
            if not issubclass(inline, ScopedInlineMixin):
                errors.append(
                    checks.Error(
                        f"{inline.__name__} (an inline of {type(self).__name__}) is not a "
                        "ScopedTabularInline or ScopedStackedInline.",
                        obj=type(self),
                        id="core.E002",
                    )
                )
        return errors


class ScopedInlineMixin(ScopedFieldsMixin):
    """Rows of a scoped model shown inside another's page: scoped as ScopedAdmin is."""

    model: type[models.Model]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).restrict(request.user, "view")  # type: ignore[misc]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]
        user, model = request.user, self.model

        def clean(rows: Any) -> None:
            super(checked, rows).clean()
            if user.is_superuser:
                return
            doomed = [form.instance.pk for form in rows.deleted_forms if form.instance.pk]
            deletable = model._default_manager.restrict(user, "delete")  # type: ignore[attr-defined]
            if doomed and deletable.filter(pk__in=doomed).count() < len(doomed):
                raise ValidationError(_("Some of these rows may not be deleted by you."))

        form = scope_checked(formset.form, request.user)
        attrs = {"form": form, "clean": clean, "__module__": formset.__module__}
        checked = type(formset.__name__, (formset,), attrs)
        return checked


class ScopedTabularInline(ScopedInlineMixin, admin.TabularInline):
    pass


class ScopedStackedInline(ScopedInlineMixin, admin.StackedInline):
    pass
