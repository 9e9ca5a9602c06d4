"""Add, edit, delete and history of a person's documents: one set of views for every kind.

The person comes from the URL and is looked up in the user's "change" scope ("view" for the
history), so a person out of scope answers 404 before anything else is read.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from core.views import generic
from people.documents import DocumentKind
from people.models import Person


class DocumentMixin:
    kind: DocumentKind | None = None  # set by people.urls for each kind
    person_action = "change"
    person: Person
    # A passport's number, a screening's outcome: every page of a document is logged.
    access_log = "document page"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person_pk = kwargs.pop("person_pk")
        # An anonymous user is sent to the sign-in page by LoginRequiredMixin, further down.
        if request.user.is_authenticated:
            self.person = get_object_or_404(
                Person.objects.restrict(request.user, self.person_action), pk=person_pk
            )
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    @property
    def queryset(self) -> QuerySet:
        return self.kind.model.objects.filter(person=self.person)

    @property
    def form_class(self) -> type[ModelForm]:
        return self.kind.form_class


class DocumentEditView(DocumentMixin, generic.ObjectEditView):
    template_name = "people/document_edit.html"

    def new_object(self, request: HttpRequest) -> Model:
        return self.kind.model(person=self.person)

    def get_extra_context(self, request: HttpRequest, instance: Model) -> dict[str, Any]:
        # Back to the person's page, whatever the link that led here said.
        return {"person": self.person, "return_url": self.person.get_absolute_url()}


class DocumentDeleteView(DocumentMixin, generic.ObjectDeleteView):
    def success_url(self, instance: Model) -> str:
        return self.person.get_absolute_url()


class DocumentHistoryView(DocumentMixin, generic.ObjectHistoryView):
    person_action = "view"
