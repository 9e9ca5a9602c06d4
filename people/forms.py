"""Edit forms of the people register; each takes the signed-in user (core.forms.BaseModelForm)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse_lazy

from core.forms import BaseModelForm
from people.models import (
    DrivingLicence,
    LanguageTestResult,
    MedicalClearance,
    Passport,
    Person,
    PersonLanguage,
    Rank,
    Screening,
    Service,
)


def ranks_of(service: str | None) -> QuerySet:
    """The ranks offered for `service`; every rank when no service is chosen yet, none for
    a service that does not exist.

    `service` comes from the form's data or the query string as typed: only a known service
    reaches the database (PostgreSQL fails on text with a NUL character).
    """
    ranks = Rank.objects.all()
    if not service:
        return ranks
    return ranks.filter(service=service) if service in Service.values else ranks.none()


class PersonForm(BaseModelForm):
    class Meta:
        model = Person
        fields = [
            "organisation",
            "service_number",
            "full_name",
            "latin_name",
            "sex",
            "date_of_birth",
            "nationality",
            "service",
            "rank",
            "specialty",
            "service_start",
            "email",
            "phone",
            "notes",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notes"].widget.attrs["rows"] = 3
        # Choosing a service reloads the rank choices (htmx) so that only its ranks are
        # offered. Validation still accepts any rank and lets Person.clean say, on the
        # field, why a rank of another service is refused.
        service_widget = self.fields["service"].widget
        service_widget.attrs.update(
            {
                "hx-get": reverse_lazy("people:rank_options"),
                "hx-target": "#id_rank",
                "hx-include": "#id_rank",
                "hx-trigger": "change",
            }
        )
        if self.is_bound:
            service = self.data.get("service")
        else:
            service = self.initial.get("service") or self.instance.service
        rank = self.fields["rank"]
        rank.choices = [("", rank.empty_label)] + [
            (r.pk, str(r)) for r in ranks_of(service).restrict(self.user, "view")
        ]


# Document forms leave the person out: it comes from the page's URL, never from the form.


class PersonLanguageForm(BaseModelForm):
    class Meta:
        model = PersonLanguage
        fields = ["language", "level"]


class LanguageTestResultForm(BaseModelForm):
    class Meta:
        model = LanguageTestResult
        fields = ["language", "test_name", "tested_on", "score", "level"]


class DrivingLicenceForm(BaseModelForm):
    class Meta:
        model = DrivingLicence
        fields = ["category", "number", "issued_on", "expires_on"]


class PassportForm(BaseModelForm):
    class Meta:
        model = Passport
        fields = ["number", "kind", "issued_on", "expires_on"]


class MedicalClearanceForm(BaseModelForm):
    class Meta:
        model = MedicalClearance
        fields = ["examined_on", "result", "valid_until", "examiner", "notes"]


class ScreeningForm(BaseModelForm):
    class Meta:
        model = Screening
        fields = ["kind", "status", "screened_on", "screened_by", "notes"]
