"""Assessments: the list, one assessment, and recording one for a person."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core import versions
from core.parsing import parse_id, query_text
from core.views import generic
from people.models import Person
from training.filtersets import AssessmentFilterSet
from training.forms import AssessmentForm
from training.models import Assessment
from training.search import PICK_LIMIT, people_matching
from training.tables import AssessmentTable

assessments = Assessment.objects.select_related("person__organisation", "language")


class AssessmentListView(generic.ObjectListView):
    template_name = "training/list.html"
    queryset = assessments
    filterset_class = AssessmentFilterSet
    table_class = AssessmentTable


class AssessmentDetailView(generic.ObjectDetailView):
    queryset = assessments
    template_name = "training/assessment.html"


class AssessmentEditView(generic.ObjectEditView):
    """Record an assessment for the person named in `?person=`, or correct one."""

    queryset = Assessment.objects.select_related("person")
    form_class = AssessmentForm
    template_name = "training/assessment_edit.html"

    def get_person(self, request: HttpRequest) -> Person | None:
        pk = parse_id(request.POST.get("person") or request.GET.get("person"))
        if pk is None:
            return None
        return get_object_or_404(Person.objects.restrict(request.user, "view"), pk=pk)

    def get_object(self, request: HttpRequest, pk: int | None) -> Model:
        if pk is not None:
            return super().get_object(request, pk)
        if not request.user.has_perm("training.add_assessment"):
            raise PermissionDenied
        return Assessment(person=self.get_person(request))

    def get_initial(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_initial(request)
        initial.pop("person", None)
        initial.setdefault("assessed_on", timezone.localdate())
        return initial

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        instance = self.get_object(request, pk)
        if instance.person_id is None:
            return self.choose_person(request)
        return self.render_form(request, self.make_form(request, instance), instance)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        instance = self.get_object(request, pk)
        if instance.person_id is None:
            return self.choose_person(request)
        form = self.make_form(request, instance)
        saved = None
        with transaction.atomic():
            conflict = self.check_version(request, instance) if instance.pk else None
            if conflict is None and form.is_valid():
                try:
                    saved = form.record()
                except ValidationError as error:
                    for field, problems in error.message_dict.items():
                        for problem in problems:
                            form.add_error(field if field in form.fields else None, problem)
        if conflict is not None:
            versions.keep_their_changes(conflict, [(form, instance)])
        if saved is not None:
            outcome = _("passed") if saved.passed else _("failed")
            messages.success(
                request,
                _("%(assessment)s recorded for %(person)s: %(outcome)s.")
                % {"assessment": saved, "person": saved.person, "outcome": outcome},
            )
            target = generic.safe_return_url(request) or saved.person.get_absolute_url()
            return HttpResponseRedirect(target)
        return self.render_form(request, form, instance)

    def choose_person(self, request: HttpRequest) -> HttpResponse:
        """Without a person: find one (folded name or service number) to record for."""
        query = query_text(request.GET.get("q"))
        found = list(people_matching(request.user, query)[:PICK_LIMIT])
        context = {"query": query, "people": found, "limit": PICK_LIMIT}
        return render(request, "training/assessment_person.html", context)


class AssessmentDeleteView(generic.ObjectDeleteView):
    queryset = assessments

    def success_url(self, instance: Any) -> str:
        return instance.person.get_absolute_url()


class AssessmentHistoryView(generic.ObjectHistoryView):
    queryset = assessments
