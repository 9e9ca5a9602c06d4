from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import ngettext
from django.views import View

from core.views import generic
from units.filtersets import RotationFilterSet
from units.forms import RotationForm
from units.models import Rotation
from units.queries import POSITION_FILTERS, rotation_positions, strength, with_dates, with_strength
from units.services import generate_positions
from units.tables import RotationTable

rotations = with_strength(
    with_dates(Rotation.objects.select_related("unit_type", "mission", "location", "organisation"))
)


class RotationListView(generic.ObjectListView):
    queryset = rotations
    filterset_class = RotationFilterSet
    table_class = RotationTable
    template_name = "units/rotation_list.html"


class RotationDetailView(generic.ObjectDetailView):
    queryset = Rotation.objects.select_related("unit_type", "mission", "location", "organisation")
    template_name = "units/rotation.html"

    def get_extra_context(self, request: HttpRequest, instance: Any) -> dict[str, Any]:
        user = request.user
        show = request.GET.get("show", "all")
        if show not in POSITION_FILTERS:
            show = "all"
        can_change = self.can_change
        return {
            "figures": strength(instance),
            "positions": rotation_positions(instance, user, show),
            "show": show,
            "can_add_position": can_change and user.has_perm("units.add_position"),
            "can_change_position": can_change and user.has_perm("units.change_position"),
            "can_delete_position": can_change and user.has_perm("units.delete_position"),
            "can_nominate": user.has_perm("deployments.add_deployment"),
        }


class RotationEditView(generic.ObjectEditView):
    queryset = Rotation.objects.all()
    form_class = RotationForm


class RotationDeleteView(generic.ObjectDeleteView):
    queryset = Rotation.objects.all()


class RotationHistoryView(generic.ObjectHistoryView):
    queryset = Rotation.objects.all()


class GeneratePositionsView(LoginRequiredMixin, View):
    """The "Generate positions" button of a rotation that has none yet."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        rotation = get_object_or_404(Rotation.objects.restrict(request.user, "change"), pk=pk)
        if not request.user.has_perm("units.add_position"):
            raise PermissionDenied
        try:
            made = generate_positions(rotation, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d position generated.", "%(count)d positions generated.", len(made)
                )
                % {"count": len(made)},
            )
        return HttpResponseRedirect(rotation.get_absolute_url())
