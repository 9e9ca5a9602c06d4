"""A rotation's nominal roll for the UN, as an Excel workbook or a PDF."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View

from units.models import Rotation
from units.nominal_roll import nominal_roll, roll_pdf, roll_xlsx

FORMATS = {
    "xlsx": (roll_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": (roll_pdf, "application/pdf"),
}


class NominalRollView(LoginRequiredMixin, View):
    access_log = "nominal roll"  # passport numbers of a whole unit: logged (core.access_log)

    def get(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        if fmt not in FORMATS:
            raise Http404
        rotation = get_object_or_404(
            Rotation.objects.restrict(request.user, "view").select_related(
                "unit_type", "mission", "location", "organisation"
            ),
            pk=pk,
        )
        build, content_type = FORMATS[fmt]
        roll = nominal_roll(rotation, request.user)
        response = HttpResponse(build(roll), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{roll.filename}.{fmt}"'
        response.access_rows = len(roll.rows)
        return response
