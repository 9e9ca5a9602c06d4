from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import IntegerField, Prefetch, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django_tables2 import RequestConfig

from core.views import generic
from units.filtersets import UnitTypeFilterSet
from units.forms import UnitTypeForm
from units.models import Rotation, UnitType, UnitTypeLanguageRequirement, UnitTypePosition
from units.queries import with_dates, with_strength
from units.tables import RotationTable, UnitTypeTable

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
        rotations = with_strength(
            with_dates(
                Rotation.objects.restrict(user, "view")
                .filter(unit_type=instance)
                .select_related("mission", "location", "organisation")
            )
        )
        table = RotationTable(rotations, exclude=("organisation",), prefix="rotations-")
        RequestConfig(request, paginate={"per_page": settings.PAGINATE_BY}).configure(table)
        return {
            "rows": rows,
            "establishment": sum(row.count for row in rows),
            "rotations": table,
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
