"""The kinds of document kept about a person, as one table that drives their pages and URLs."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.forms import BaseModelForm
from people import forms
from people.models import (
    DrivingLicence,
    LanguageTestResult,
    MedicalClearance,
    Passport,
    PersonLanguage,
    Screening,
)


@dataclass(frozen=True)
class DocumentKind:
    slug: str  # in the URL: /people/<person>/<slug>/add/
    model: type[Model]
    form_class: type[BaseModelForm]
    title: Promise
    related: tuple[str, ...] = field(default=())  # select_related for the person page

    @property
    def name(self) -> str:
        """The URL names' stem: `<name>_add`, `<name>_edit`, `<name>_delete`, `<name>_history`."""
        return self.model._meta.model_name


KINDS = [
    DocumentKind(
        "languages", PersonLanguage, forms.PersonLanguageForm, _("Languages"), ("language",)
    ),
    DocumentKind(
        "language-tests",
        LanguageTestResult,
        forms.LanguageTestResultForm,
        _("Language tests"),
        ("language",),
    ),
    DocumentKind(
        "driving-licences", DrivingLicence, forms.DrivingLicenceForm, _("Driving licences")
    ),
    DocumentKind("passports", Passport, forms.PassportForm, _("Passports")),
    DocumentKind(
        "medical-clearances",
        MedicalClearance,
        forms.MedicalClearanceForm,
        _("Medical clearances"),
    ),
    DocumentKind("screenings", Screening, forms.ScreeningForm, _("Screenings")),
]
