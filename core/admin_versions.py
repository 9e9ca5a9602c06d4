"""The admin refuses a save over a version the user never saw, as the pages do (core.versions).

Two officers open the same person in /admin/; the first saves; the second's save would write
the values the page showed when it was opened over the first one's change, silently. So every
change form of a `VersionedChangeMixin` admin (every ScopedAdmin, users, roles) carries the
version of what it saves: the record and the rows of its inlines the user sees. The form's
`clean`, which the admin runs inside the saving transaction (`changeform_view`; ScopedAdmin
gives a version page's revert one), locks those rows and compares: over a newer version
nothing is written and the form says who changed what.

The form shown again keeps the version it was opened from, so saving it again is refused
again: the admin, unlike the pages, does not merge the other change into the user's input
(its widgets post values in too many shapes for that), so the user reloads and re-applies.
The hidden fields are drawn by blueberet/templates/admin/change_form.html.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.forms import BaseForm, ValidationError
from django.forms.models import _get_foreign_key
from django.http import HttpRequest
from django.utils.translation import gettext as _
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from core import versions
from core.views.generic import describe_conflict

FormT = TypeVar("FormT", bound=BaseForm)


def is_past_version(instance: Model) -> bool:
    """Whether `instance` is a past version rebuilt from its history (a version page's form)."""
    return getattr(instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None) is not None


def history_manager(model: type[Model]) -> Any:
    attribute = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, attribute) if attribute else None


def conflict_message(request: HttpRequest, found: versions.Conflict) -> str:
    """The form's error for a save refused over a newer version: what changed, and what to do."""
    explained = describe_conflict(request, found)
    if found.missing:
        return " ".join([str(explained["summary"]), _("Reload the page, then apply your changes.")])
    parts = [_("Not saved: someone else changed this record while you were editing it.")]
    parts += [str(explained["summary"]), *map(str, explained["lines"])]
    parts.append(_("Reload the page to see their change, then apply yours again."))
    return " ".join(parts)


class VersionedChangeMixin:
    """A model admin whose change form refuses a save over a newer version (see the module)."""

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Model | None:
        # The change and delete pages pass `?_to_field=` as it came: an empty one reached
        # get_field("") (a 500, found by the page fuzz). Empty means the primary key.
        return super().get_object(request, object_id, from_field or None)  # type: ignore[misc]

    def versioned_records(
        self, request: HttpRequest, obj: Model, lock: bool = False
    ) -> list[Model]:
        """What the change page of `obj` saves: the record and the inline rows the user sees.

        Read again and locked when `lock` (inside the saving transaction). A version page
        shows a past version: what it would overwrite is the record as stored now, if any (a
        deleted record's last version brings it back: none, then, unless someone else did).
        """
        try:
            if lock:
                obj = versions.lock(obj)
            elif is_past_version(obj):
                obj = type(obj)._base_manager.get(pk=obj.pk)
        except ObjectDoesNotExist:
            return []
        records = [obj]
        for inline, fk in self._versioned_inlines(request, obj):
            rows = inline.get_queryset(request).filter(**{fk.name: obj.pk})
            if lock:
                # By id, through the base manager: the scoping joins would lock more rows.
                ids = list(rows.values_list("pk", flat=True))
                rows = inline.model._base_manager.select_for_update().filter(pk__in=ids)
            records.extend(rows.order_by("pk"))
        return records

    def versioned_history(self, request: HttpRequest, records: list[Model]) -> list[QuerySet]:
        """The history that explains a conflict: of the record and of its rows the user sees."""
        found = []
        by_model: dict[type[Model], list[Any]] = {}
        for record in records:
            by_model.setdefault(type(record), []).append(record.pk)
        for model, ids in by_model.items():
            manager = history_manager(model)
            if manager is not None:
                found.append(manager.filter(**{f"{model._meta.pk.attname}__in": ids}))
        return found

    def _versioned_inlines(self, request: HttpRequest, obj: Model) -> list[tuple[Any, Any]]:
        inlines = self.get_inline_instances(request, obj)  # type: ignore[attr-defined]
        return [
            (inline, _get_foreign_key(type(obj), inline.model, fk_name=inline.fk_name))
            for inline in inlines
        ]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        return version_checked(form, self, request)


def version_checked(
    form_class: type[FormT], admin: VersionedChangeMixin, request: HttpRequest
) -> type[FormT]:
    """`form_class`, carrying the version of what it changes and refusing a save over another.

    `version_token` is what the template puts in the form: on a page opened, the version
    now; on a page posted, the version posted (kept after a refusal: see the module).
    """

    def __init__(form: Any, *args: Any, **kwargs: Any) -> None:
        super(checked, form).__init__(*args, **kwargs)
        instance = form.instance
        form.version_token = None
        if instance.pk is None or instance._state.adding:
            return  # a new record has no version to overwrite
        if form.is_bound:
            form.version_token = versions.Token.posted(form.data)
        else:
            form.version_token = versions.Token.of(admin.versioned_records(request, instance))

    def clean(form: Any) -> Any:
        if form.version_token is not None:
            # First, whatever else is wrong: the rows stay locked until the save is done.
            records = admin.versioned_records(request, form.instance, lock=True)
            history = admin.versioned_history(request, records)
            found = versions.conflict(form.version_token, records, history)
            if found is not None:
                raise ValidationError(conflict_message(request, found), code="stale")
        return super(checked, form).clean()

    attrs = {"__init__": __init__, "clean": clean, "__module__": form_class.__module__}
    checked = type(form_class.__name__, (form_class,), attrs)
    return checked  # type: ignore[return-value]
