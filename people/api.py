"""The people register over the REST API: persons, their documents and the catalogues.

The same filterset as the list page (people.filtersets.PersonFilterSet), the same scope
(restrict) and the same validation (the models' clean()) as the pages: see core.api_base.
"""

from __future__ import annotations

from core.api_base import ScopedSerializer, ScopedViewSet, simple_filterset
from people.filtersets import PersonFilterSet
from people.models import (
    DrivingLicence,
    Language,
    LanguageTestResult,
    MedicalClearance,
    Passport,
    Person,
    PersonLanguage,
    Rank,
    Screening,
    Specialty,
)

# --- catalogues ----------------------------------------------------------------------------------


class RankSerializer(ScopedSerializer):
    class Meta(ScopedSerializer.Meta):
        model = Rank
        fields = ["id", "url", "display", "service", "name", "abbreviation", "grade"]


class SpecialtySerializer(ScopedSerializer):
    class Meta(ScopedSerializer.Meta):
        model = Specialty
        fields = ["id", "url", "display", "code", "name"]


class LanguageSerializer(ScopedSerializer):
    class Meta(ScopedSerializer.Meta):
        model = Language
        fields = ["id", "url", "display", "code", "name"]


class RankViewSet(ScopedViewSet):
    queryset = Rank.objects.all()
    serializer_class = RankSerializer
    filterset_class = simple_filterset(Rank, choices=("service",), search=("name", "abbreviation"))


class SpecialtyViewSet(ScopedViewSet):
    queryset = Specialty.objects.all()
    serializer_class = SpecialtySerializer
    filterset_class = simple_filterset(Specialty, search=("code", "name"))


class LanguageViewSet(ScopedViewSet):
    queryset = Language.objects.all()
    serializer_class = LanguageSerializer
    filterset_class = simple_filterset(Language, search=("code", "name"))


# --- persons -------------------------------------------------------------------------------------


class PersonSerializer(ScopedSerializer):
    class Meta(ScopedSerializer.Meta):
        model = Person
        fields = [
            "id",
            "url",
            "display",
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
            "created",
            "updated",
        ]


class PersonViewSet(ScopedViewSet):
    access_log = "people"
    queryset = Person.objects.all()
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet


# --- documents -----------------------------------------------------------------------------------
# A document is added to, or moved to, a person the user may change (as on the person page).


class DocumentSerializer(ScopedSerializer):
    related_scopes = {"person": "change"}


class PersonLanguageSerializer(DocumentSerializer):
    class Meta(ScopedSerializer.Meta):
        model = PersonLanguage
        fields = ["id", "url", "display", "person", "language", "level"]


class LanguageTestResultSerializer(DocumentSerializer):
    class Meta(ScopedSerializer.Meta):
        model = LanguageTestResult
        fields = [
            "id",
            "url",
            "display",
            "person",
            "language",
            "test_name",
            "tested_on",
            "score",
            "level",
        ]


class DrivingLicenceSerializer(DocumentSerializer):
    class Meta(ScopedSerializer.Meta):
        model = DrivingLicence
        fields = ["id", "url", "display", "person", "category", "number", "issued_on", "expires_on"]


class PassportSerializer(DocumentSerializer):
    class Meta(ScopedSerializer.Meta):
        model = Passport
        fields = ["id", "url", "display", "person", "number", "kind", "issued_on", "expires_on"]


class MedicalClearanceSerializer(DocumentSerializer):
    class Meta(ScopedSerializer.Meta):
        model = MedicalClearance
        fields = [
            "id",
            "url",
            "display",
            "person",
            "examined_on",
            "result",
            "valid_until",
            "examiner",
            "notes",
        ]


class ScreeningSerializer(DocumentSerializer):
    class Meta(ScopedSerializer.Meta):
        model = Screening
        fields = [
            "id",
            "url",
            "display",
            "person",
            "kind",
            "status",
            "screened_on",
            "screened_by",
            "notes",
        ]


class PersonLanguageViewSet(ScopedViewSet):
    access_log = "languages of people"
    queryset = PersonLanguage.objects.select_related("language")
    serializer_class = PersonLanguageSerializer
    filterset_class = simple_filterset(PersonLanguage, ids=("person", "language"))


class LanguageTestResultViewSet(ScopedViewSet):
    access_log = "language tests"
    queryset = LanguageTestResult.objects.select_related("language")
    serializer_class = LanguageTestResultSerializer
    filterset_class = simple_filterset(
        LanguageTestResult, ids=("person", "language"), search=("test_name",)
    )


class DrivingLicenceViewSet(ScopedViewSet):
    access_log = "driving licences"
    queryset = DrivingLicence.objects.all()
    serializer_class = DrivingLicenceSerializer
    filterset_class = simple_filterset(DrivingLicence, ids=("person",), search=("category",))


class PassportViewSet(ScopedViewSet):
    access_log = "passports"
    queryset = Passport.objects.all()
    serializer_class = PassportSerializer
    filterset_class = simple_filterset(
        Passport, ids=("person",), choices=("kind",), search=("number",)
    )


class MedicalClearanceViewSet(ScopedViewSet):
    access_log = "medical clearances"
    queryset = MedicalClearance.objects.all()
    serializer_class = MedicalClearanceSerializer
    filterset_class = simple_filterset(MedicalClearance, ids=("person",), choices=("result",))


class ScreeningViewSet(ScopedViewSet):
    access_log = "screenings"
    queryset = Screening.objects.all()
    serializer_class = ScreeningSerializer
    filterset_class = simple_filterset(Screening, ids=("person",), choices=("kind", "status"))


# (URL prefix, view set): registered by blueberet/api.py.
ROUTES = [
    ("people", PersonViewSet),
    ("person-languages", PersonLanguageViewSet),
    ("language-tests", LanguageTestResultViewSet),
    ("driving-licences", DrivingLicenceViewSet),
    ("passports", PassportViewSet),
    ("medical-clearances", MedicalClearanceViewSet),
    ("screenings", ScreeningViewSet),
    ("ranks", RankViewSet),
    ("specialties", SpecialtyViewSet),
    ("languages", LanguageViewSet),
]
