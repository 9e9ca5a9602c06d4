"""Requirements as data: the pages where administrators read and edit them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.views import generic
from planning.describe import describe_scope
from planning.filtersets import RequirementFilterSet
from planning.forms import RequirementForm
from planning.models import DESCRIBED_WITH, Requirement
from planning.tables import RequirementTable

requirements = Requirement.objects.select_related(*DESCRIBED_WITH)


class RequirementListView(generic.ObjectListView):
    queryset = requirements
    filterset_class = RequirementFilterSet
    table_class = RequirementTable


class RequirementDetailView(generic.ObjectDetailView):
    queryset = requirements
    template_name = "planning/requirement.html"

    def get_extra_context(self, request: HttpRequest, instance: Any) -> dict[str, Any]:
        return {"scope": describe_scope(instance)}


class RequirementEditView(generic.ObjectEditView):
    queryset = requirements
    form_class = RequirementForm


class RequirementDeleteView(generic.ObjectDeleteView):
    queryset = requirements


class RequirementHistoryView(generic.ObjectHistoryView):
    queryset = requirements
