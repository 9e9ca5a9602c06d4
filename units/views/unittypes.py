from __future__ import annotations

from typing import Any

from django.db.models import IntegerField, Prefetch, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from core.views import generic
from units.filtersets import UnitTypeFilterSet
from units.forms import UnitTypeForm
from units.models import UnitType, UnitTypeLanguageRequirement, UnitTypePosition
from units.tables import UnitTypeTable
from units.views.rotations import rotations_table

# Establishment = people in the table, summed by the database for the whole page at once.
unit_types = UnitType.objects.annotate(
    establishment_size=Coalesce(Sum("positions__count"), 0, output_field=IntegerField())
)


class UnitTypeListView(generic.ObjectListView):
    queryset = unit_types
    filterset_class = UnitTypeFilterSet
    table_class = UnitTypeTable


class UnitTypeDetailView(generic.ObjectDetailView):
    queryset = UnitType.objects.all()
    template_name = "units/unittype.html"

    def get_extra_context(self, request: HttpRequest, instance: Any) -> dict[str, Any]:
        user = request.user
        rows = list(
            UnitTypePosition.objects.filter(unit_type=instance)
            .select_related("specialty")
            .prefetch_related(
                Prefetch(
                    "languages",
                    queryset=UnitTypeLanguageRequirement.objects.select_related(
                        "language"
                    ).order_by("language__name"),
                )
            )
        )
        return {
            "rows": rows,
            "establishment": sum(row.count for row in rows),
            "rotations": rotations_table(request, exclude=("organisation",), unit_type=instance),
            "can_change_table": user.has_perm("units.change_unittypeposition"),
            "can_add_table": user.has_perm("units.add_unittypeposition"),
            "can_delete_table": user.has_perm("units.delete_unittypeposition"),
            "can_add_rotation": user.has_perm("units.add_rotation"),
        }


class UnitTypeEditView(generic.ObjectEditView):
    queryset = UnitType.objects.all()
    form_class = UnitTypeForm


class UnitTypeDeleteView(generic.ObjectDeleteView):
    queryset = UnitType.objects.all()


class UnitTypeHistoryView(generic.ObjectHistoryView):
    queryset = UnitType.objects.all()
