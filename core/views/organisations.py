from typing import Any

from django.db.models import Count
from django.http import HttpRequest

from core.filtersets import OrganisationFilterSet
from core.forms import OrganisationForm
from core.models import Organisation
from core.tables import OrganisationTable
from core.views import generic

organisations = Organisation.objects.select_related("parent").annotate(people_count=Count("people"))


class OrganisationListView(generic.ObjectListView):
    queryset = organisations
    filterset_class = OrganisationFilterSet
    table_class = OrganisationTable


class OrganisationDetailView(generic.ObjectDetailView):
    queryset = organisations
    template_name = "core/organisation.html"

    def get_extra_context(self, request: HttpRequest, instance: Any) -> dict[str, Any]:
        below = (
            Organisation.objects.restrict(request.user, "view")
            .filter(path__startswith=instance.path)
            .exclude(pk=instance.pk)
            .select_related("parent")
        )
        return {"descendants": below}


class OrganisationEditView(generic.ObjectEditView):
    queryset = Organisation.objects.all()
    form_class = OrganisationForm


class OrganisationDeleteView(generic.ObjectDeleteView):
    queryset = Organisation.objects.all()


class OrganisationHistoryView(generic.ObjectHistoryView):
    queryset = Organisation.objects.all()
