"""Pages of the people register: the list, a person's page and the person form."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from core.views import generic
from people.documents import KINDS
from people.expiry import EXPIRING_KINDS, lapsed, lapsing
from people.filtersets import PersonFilterSet
from people.forms import PersonForm, ranks_of
from people.models import ExpiringRecord, Person
from people.queries import deployed_on
from people.tables import PersonTable
from training.queries import person_training

# Every column of the list and of the person page's heading in the same query as the person.
people = Person.objects.select_related("organisation", "rank", "specialty")


class PersonListView(generic.ObjectListView):
    template_name = "people/person_list.html"
    queryset = people
    filterset_class = PersonFilterSet
    table_class = PersonTable

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        today = timezone.localdate()
        return super().get_queryset(request).annotate(deployed_now=deployed_on(today))


class PersonDetailView(generic.ObjectDetailView):
    queryset = people
    template_name = "people/person.html"
    # The page shows passports, medical clearances and screenings: each opening is logged.
    access_log = "person page"

    def get_extra_context(self, request: HttpRequest, instance: Any) -> dict[str, Any]:
        user = request.user
        today = timezone.localdate()
        # Documents are edited under the person's "change" scope (see people.views.documents),
        # so their buttons follow the answer the generic view already has.
        editable = self.can_change
        documents = {}
        for kind in KINDS:
            meta = kind.model._meta
            rows = (
                kind.model.objects.restrict(user, "view")
                .filter(person=instance)
                .select_related(*kind.related)
            )
            documents[kind.name] = {
                "kind": kind,
                "title": kind.title,
                "rows": list(rows),
                "can_add": editable and user.has_perm(f"people.add_{meta.model_name}"),
                "can_change": editable and user.has_perm(f"people.change_{meta.model_name}"),
                "can_delete": editable and user.has_perm(f"people.delete_{meta.model_name}"),
            }
        deployments = instance.deployments.restrict(user, "view").select_related(
            "position__rotation__mission", "position__rotation__unit_type"
        )
        days = settings.EXPIRY_WARNING_DAYS
        horizon = today + datetime.timedelta(days=days)
        # From the rows already read, no query: what lapses soon, and the kinds of which the
        # person holds no valid document any more.
        expiring: list[ExpiringRecord] = []
        expired: list[ExpiringRecord] = []
        for kind in EXPIRING_KINDS:
            rows = documents[kind.model._meta.model_name]["rows"]
            expiring.extend(lapsing(rows, today, horizon))
            if (document := lapsed(rows, today)) is not None:
                expired.append(document)
        expiring.sort(key=lambda document: document.expiry())
        return {
            "today": today,
            "horizon": horizon,
            "age": instance.age_on(today),
            "years_of_service": instance.years_of_service_on(today),
            "documents": documents,
            "deployments": list(deployments),
            "expiring": expiring,
            "expired": expired,
            "expiry_days": days,
            "training": person_training(user, instance),
        }


class PersonEditView(generic.ObjectEditView):
    queryset = Person.objects.all()
    form_class = PersonForm
    access_log = "person edit page"


class PersonDeleteView(generic.ObjectDeleteView):
    queryset = Person.objects.all()


class PersonHistoryView(generic.ObjectHistoryView):
    queryset = Person.objects.all()
    access_log = "person history"


class RankOptionsView(LoginRequiredMixin, View):
    """The rank choices of one service, swapped into the person form when the service changes."""

    def get(self, request: HttpRequest) -> HttpResponse:
        ranks = ranks_of(request.GET.get("service")).restrict(request.user, "view")
        selected = request.GET.get("rank", "")
        return render(request, "people/rank_options.html", {"ranks": ranks, "selected": selected})
