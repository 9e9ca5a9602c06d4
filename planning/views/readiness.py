"""Readiness pages: a rotation's, a person's against any position, documents expiring soon."""

from __future__ import annotations

import datetime
from typing import Any

import tablib
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.exports import neutralise_formulas
from core.parsing import parse_id
from core.views.generic import EXPORT_FORMATS
from people.models import MedicalResult, Person
from planning.expiring import DOCUMENT_KINDS, expiring_rows
from planning.forms import ExpiringForm, PersonReadinessForm
from planning.readiness import assess
from planning.rotations import LEVELS, rotation_readiness
from units.models import Rotation
from units.queries import rotations_in_preparation

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The index lists the next rotations; the rotation list finds the others.
INDEX_ROTATIONS = 20


def _scoped(queryset: Any, request: HttpRequest, pk: str | int) -> Any:
    """A record the user may see, or 404 exactly as for one that does not exist (also for an
    id that is not one, such as "abc" or "²")."""
    found = parse_id(pk)
    if found is None:
        raise Http404
    return get_object_or_404(queryset.restrict(request.user, "view"), pk=found)


class IndexView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        rotations = rotations_in_preparation(request.user, today)[:INDEX_ROTATIONS]
        return render(request, "planning/index.html", {"rotations": rotations})


class RotationReadinessView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        rotation = _scoped(
            Rotation.objects.select_related("unit_type", "mission", "location", "organisation"),
            request,
            pk,
        )
        context = {
            "rotation": rotation,
            "readiness": rotation_readiness(rotation, request.user),
            "levels": LEVELS,
            "can_add_requirement": request.user.has_perm("planning.add_requirement"),
        }
        return render(request, "planning/rotation_readiness.html", context)


class PersonReadinessView(LoginRequiredMixin, View):
    """One person against any position they may see, for the rotation's period or another."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = _scoped(Person.objects.select_related("rank", "organisation"), request, pk)
        rotation = None
        if request.GET.get("rotation"):
            rotation = _scoped(
                Rotation.objects.select_related("unit_type", "mission"),
                request,
                request.GET["rotation"],
            )
        form = PersonReadinessForm(request.GET or None, user=request.user, rotation=rotation)
        context: dict[str, Any] = {"person": person, "form": form, "rotation": rotation}
        position = form.cleaned_data.get("position") if form.is_valid() else None
        if position is not None and rotation is not None:
            position.rotation = rotation
            start = form.cleaned_data.get("starts_on") or rotation.starts_on
            end = form.cleaned_data.get("ends_on") or rotation.ends_on
            results = assess(person, position, start, end)
            context.update(
                position=position,
                start=start,
                end=end,
                results=results,
                ready=all(reason is None for _rule, reason in results),
            )
        return render(request, "planning/person_readiness.html", context)


class ExpiringView(LoginRequiredMixin, View):
    """Certificates, passports, medicals and licences lapsing within N days, exportable."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("people.view_person"):
            raise PermissionDenied
        form = ExpiringForm(request.GET or None, user=request.user)
        if "organisation" in form.errors:
            # The form offers only the organisations in the user's scope: any other id is
            # answered as one that does not exist, as everywhere else.
            raise Http404
        # Each valid filter applies even when another is refused (its error shows on the page).
        filters = getattr(form, "cleaned_data", {})  # an unbound form has none
        organisation = filters.get("organisation")
        kind = filters.get("kind")
        days = form.period_days()
        today = timezone.localdate()
        rows = expiring_rows(request.user, today, days, organisation, [kind] if kind else None)
        export = request.GET.get("export")
        if export in EXPORT_FORMATS:
            return self.export(rows, today, export)
        page = Paginator(rows, settings.PAGINATE_BY).get_page(request.GET.get("page"))
        context = {
            "form": form,
            "days": days,
            "page": page,
            "rows": [self.row(values, today) for values in page.object_list],
            "export_formats": EXPORT_FORMATS,
            "query": request.GET.copy(),
        }
        return render(request, "planning/expiring.html", context)

    @staticmethod
    def row(values: tuple, today: datetime.date) -> dict[str, Any]:
        person_id, name, number, organisation, kind, detail, expires = values
        if kind == "medical":
            detail = MedicalResult(detail).label
        return {
            "person_id": person_id,
            "name": name,
            "number": number,
            "organisation": organisation,
            "kind": DOCUMENT_KINDS[kind],
            "detail": detail,
            "expires": expires,
            "days_left": (expires - today).days,
        }

    def export(self, rows: Any, today: datetime.date, export: str) -> HttpResponse:
        dataset = tablib.Dataset(
            headers=[
                _("Person"),
                _("Service number"),
                _("Organisation"),
                _("Document"),
                _("Detail"),
                _("Expires on"),
                _("Days left"),
            ],
            title="expiring",
        )
        for values in rows:
            row = self.row(values, today)
            dataset.append(
                [
                    row["name"],
                    row["number"],
                    row["organisation"],
                    str(row["kind"]),
                    str(row["detail"]),
                    row["expires"].isoformat(),
                    row["days_left"],
                ]
            )
        neutralise_formulas(dataset)
        response = HttpResponse(dataset.export(export), content_type=CONTENT_TYPES[export])
        response["Content-Disposition"] = f'attachment; filename="expiring.{export}"'
        return response
