"""Add, change and delete one position together with its language requirements.

The same view serves a row of a unit type's table and a position of a rotation: both are a
position (role, specialty, rank range, notes) with languages, hung from a parent record.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View

from core import versions
from core.views import generic
from units.forms import (
    PositionForm,
    PositionLanguageFormSet,
    UnitTypeLanguageFormSet,
    UnitTypePositionForm,
)
from units.models import Position, Rotation, UnitType, UnitTypePosition


class PositionWithLanguagesEditView(generic.VersionedEdit, LoginRequiredMixin, View):
    """Create (with the parent's pk) or change (with the position's pk) one position.

    The form's version covers the position and its language rows: a language added, changed
    or removed by someone else meanwhile refuses the save as a change of the position does.
    """

    model: type[Model]
    parent_model: type[Model]
    parent_field: str
    form_class: type[ModelForm]
    formset_class: type[BaseInlineFormSet]
    template_name = "units/position_edit.html"

    def prefill(self, instance: Any) -> None:
        """Defaults of a new position (its number or order)."""

    def get_instance(self, request: HttpRequest, pk: int | None, parent_pk: int | None) -> Any:
        if pk is not None:
            allowed = self.model.objects.restrict(request.user, "change")
            return get_object_or_404(allowed.select_related(self.parent_field), pk=pk)
        meta = self.model._meta
        if not request.user.has_perm(f"{meta.app_label}.add_{meta.model_name}"):
            raise PermissionDenied
        # Adding a position changes its parent: the parent must be in the user's change scope.
        parent = get_object_or_404(
            self.parent_model.objects.restrict(request.user, "change"), pk=parent_pk
        )
        instance = self.model(**{self.parent_field: parent})
        self.prefill(instance)
        return instance

    def versioned_records(self, instance: Model, lock: bool = False) -> list[Model]:
        rows = self.formset_class.model._base_manager.filter(
            **{self.formset_class.fk.name: instance}
        ).order_by("pk")
        if lock:
            return [versions.lock(instance), *rows.select_for_update()]
        return [instance, *rows]

    def history_of(self, instance: Model) -> list[QuerySet]:
        rows = self.formset_class.model.history.filter(
            **{f"{self.formset_class.fk.name}_id": instance.pk}
        )
        return [instance.history.all(), rows]  # type: ignore[attr-defined]

    def get(
        self, request: HttpRequest, pk: int | None = None, parent_pk: int | None = None
    ) -> HttpResponse:
        instance = self.get_instance(request, pk, parent_pk)
        form = self.form_class(instance=instance, user=request.user)
        formset = self.formset_class(instance=instance, form_kwargs={"user": request.user})
        return self.render_page(request, instance, form, formset)

    def post(
        self, request: HttpRequest, pk: int | None = None, parent_pk: int | None = None
    ) -> HttpResponse:
        instance = self.get_instance(request, pk, parent_pk)
        created = instance.pk is None
        form = self.form_class(request.POST, instance=instance, user=request.user)
        formset = self.formset_class(
            request.POST, instance=instance, form_kwargs={"user": request.user}
        )
        saved = None
        with transaction.atomic():
            conflict = None if created else self.check_version(request, instance)
            # Both are validated before anything is written: a bad language row changes nothing.
            if conflict is None and form.is_valid() and formset.is_valid():
                saved = form.save()
                formset.instance = saved
                formset.save()
        if conflict is not None:
            rows = [(row, row.instance) for row in formset.forms if row.instance.pk]
            versions.keep_their_changes(conflict, [(form, instance), *rows])
        if saved is None:
            return self.render_page(request, instance, form, formset)
        verb = _("Created") if created else _("Saved")
        messages.success(request, f"{verb}: {saved}")
        return HttpResponseRedirect(saved.get_absolute_url())

    def render_page(
        self, request: HttpRequest, instance: Any, form: ModelForm, formset: BaseInlineFormSet
    ) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {
                "object": instance,
                "parent": getattr(instance, self.parent_field),
                "model_meta": instance._meta,
                "form": form,
                "formset": formset,
                **self.version_context(request, instance),
            },
        )


class TablePositionEditView(PositionWithLanguagesEditView):
    model = UnitTypePosition
    parent_model = UnitType
    parent_field = "unit_type"
    form_class = UnitTypePositionForm
    formset_class = UnitTypeLanguageFormSet

    def prefill(self, instance: Any) -> None:
        instance.order = UnitTypePosition.next_order(instance.unit_type_id)


class PositionEditView(PositionWithLanguagesEditView):
    model = Position
    parent_model = Rotation
    parent_field = "rotation"
    form_class = PositionForm
    formset_class = PositionLanguageFormSet

    def prefill(self, instance: Any) -> None:
        instance.number = Position.next_number(instance.rotation_id)


class TablePositionDeleteView(generic.BackToParentDeleteView):
    queryset = UnitTypePosition.objects.select_related("unit_type")


class PositionDeleteView(generic.BackToParentDeleteView):
    queryset = Position.objects.select_related("rotation")


class TablePositionHistoryView(generic.ObjectHistoryView):
    queryset = UnitTypePosition.objects.all()


class PositionHistoryView(generic.ObjectHistoryView):
    queryset = Position.objects.all()
