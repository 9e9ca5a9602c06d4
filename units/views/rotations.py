from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import ngettext
from django.views import View
from django_tables2 import RequestConfig

from core.views import generic
from units.filtersets import RotationFilterSet
from units.forms import RotationForm
from units.models import Rotation
from units.queries import POSITION_FILTERS, rotation_positions, strength, table_rows
from units.services import generate_positions
from units.tables import RotationTable


def rotations_table(request: HttpRequest, exclude: tuple[str, ...], **parent: Any) -> RotationTable:
    """The rotations of one parent record (`mission=...`, `unit_type=...`) the user may see.

    Sorted and paged by the request; `exclude` drops the column that would only repeat the
    parent. A mission or unit type is shared, its rotations are not: only the user's own.
    """
    rotations = table_rows(Rotation.objects.restrict(request.user, "view").filter(**parent))
    table = RotationTable(rotations, exclude=exclude, prefix="rotations-")
    RequestConfig(request, paginate={"per_page": settings.PAGINATE_BY}).configure(table)
    return table


class RotationListView(generic.ObjectListView):
    queryset = table_rows(Rotation.objects.all())
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
