"""The register of everyone who could deploy, and the documents that make them deployable."""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.dates import not_in_future, whole_years
from core.querysets import RestrictedManager
from core.text import fold, latin_form

# The code of the error that a service number already taken in the organisation raises.
SERVICE_NUMBER_TAKEN = "service_number_taken"


class Service(models.TextChoices):
    ARMY = "army", _("Army")
    NAVY = "navy", _("Navy")
    AIR_FORCE = "air_force", _("Air Force")
    POLICE = "police", _("Police")
    CIVILIAN = "civilian", _("Civilian")


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Grade(models.IntegerChoices):
    """NATO/UN rank grades; the numbers order them from the most junior up."""

    OR1 = 1, "OR-1"
    OR2 = 2, "OR-2"
    OR3 = 3, "OR-3"
    OR4 = 4, "OR-4"
    OR5 = 5, "OR-5"
    OR6 = 6, "OR-6"
    OR7 = 7, "OR-7"
    OR8 = 8, "OR-8"
    OR9 = 9, "OR-9"
    OF1 = 11, "OF-1"
    OF2 = 12, "OF-2"
    OF3 = 13, "OF-3"
    OF4 = 14, "OF-4"
    OF5 = 15, "OF-5"
    OF6 = 16, "OF-6"
    OF7 = 17, "OF-7"
    OF8 = 18, "OF-8"
    OF9 = 19, "OF-9"


class CEFRLevel(models.IntegerChoices):
    """Common European Framework levels; ordered so that "B2 or above" is `level >= 4`."""

    A1 = 1, "A1"
    A2 = 2, "A2"
    B1 = 3, "B1"
    B2 = 4, "B2"
    C1 = 5, "C1"
    C2 = 6, "C2"


class Rank(models.Model):
    service = models.CharField(_("service"), max_length=20, choices=Service)
    name = models.CharField(_("name"), max_length=80)
    abbreviation = models.CharField(_("abbreviation"), max_length=20, blank=True)
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade)

    organisation_path = None
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["service", "grade"]
        verbose_name = _("rank")
        verbose_name_plural = _("ranks")
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="rank_unique_per_service")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_grade_display()})"


class Specialty(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)

    organisation_path = None
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    code = models.CharField(_("code"), max_length=8, unique=True, help_text=_("ISO 639-1"))
    name = models.CharField(_("name"), max_length=60)

    organisation_path = None
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    service_number = models.CharField(_("service number"), max_length=32)
    full_name = models.CharField(
        _("full name"), max_length=200, help_text=_("As written, with diacritics.")
    )
    latin_name = models.CharField(
        _("name in Latin letters"),
        max_length=200,
        blank=True,
        help_text=_("As printed on UN documents; filled from the full name when left empty."),
    )
    # Folded full and Latin names (see core.text.fold): what search matches against.
    search_name = models.CharField(max_length=420, editable=False, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex)
    date_of_birth = models.DateField(_("date of birth"))
    nationality = models.CharField(_("nationality"), max_length=80, blank=True)
    service = models.CharField(_("service"), max_length=20, choices=Service)
    rank = models.ForeignKey(
        Rank, verbose_name=_("rank"), null=True, blank=True, on_delete=models.PROTECT
    )
    specialty = models.ForeignKey(
        Specialty, verbose_name=_("specialty"), null=True, blank=True, on_delete=models.PROTECT
    )
    service_start = models.DateField(_("service start"), null=True, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    organisation_path = "organisation"
    objects = RestrictedManager()
    history = HistoricalRecords(excluded_fields=["search_name", "updated"])

    class Meta:
        ordering = ["search_name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "service_number"],
                name="person_service_number_unique_in_organisation",
                violation_error_message=_(
                    "Another person of this organisation has this service number."
                ),
                # Lets validate_constraints find this error and put it on the field.
                violation_error_code=SERVICE_NUMBER_TAKEN,
            )
        ]
        indexes = [models.Index(fields=["organisation", "sex"])]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("people:person", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.rank_id and self.service and self.rank.service != self.service:
            errors["rank"] = _("This rank belongs to the %(service)s, not the %(mine)s.") % {
                "service": self.rank.get_service_display(),
                "mine": self.get_service_display(),
            }
        today = datetime.date.today()
        if self.date_of_birth and self.date_of_birth > today:
            errors["date_of_birth"] = _("The date of birth is in the future.")
        if self.service_start and self.date_of_birth and self.service_start <= self.date_of_birth:
            errors["service_start"] = _("Service cannot start before the date of birth.")
        if self.service_start and self.service_start > today:
            errors["service_start"] = _("The service start is in the future.")
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        """Django's constraint checks, with a taken service number said on its own field.

        The constraint spans the organisation too, so Django would report it form-wide; the
        officer must change the service number, so the message goes there.
        """
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            raise ValidationError(service_number_errors_on_field(error)) from error

    def save(self, *args: object, **kwargs: object) -> None:
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self) -> None:
        """Fill what is derived from the other fields; bulk writes call it as save() does."""
        if not self.latin_name:
            self.latin_name = latin_form(self.full_name)
        if not self.nationality:
            self.nationality = settings.BLUEBERET_COUNTRY
        self.search_name = fold(f"{self.full_name} {self.latin_name}")[:420]

    def age_on(self, day: datetime.date) -> int:
        return whole_years(self.date_of_birth, day)

    def years_of_service_on(self, day: datetime.date) -> int | None:
        """Completed years since the service start (the UN's police minimum is 5)."""
        return whole_years(self.service_start, day) if self.service_start else None


def service_number_errors_on_field(error: ValidationError) -> dict[str, list[ValidationError]]:
    """`error`'s messages by field, the taken service number moved from form-wide to its field."""
    errors: dict[str, list[ValidationError]] = {}
    for field, messages in error.update_error_dict({}).items():
        for message in messages:
            taken = field == NON_FIELD_ERRORS and message.code == SERVICE_NUMBER_TAKEN
            errors.setdefault("service_number" if taken else field, []).append(message)
    return errors


class PersonRecord(models.Model):
    """A document or fact about one person; scoped through that person's organisation."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, verbose_name=_("person"))

    organisation_path = "person__organisation"
    objects = RestrictedManager()

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        return self.person.get_absolute_url()


class PersonLanguage(PersonRecord):
    language = models.ForeignKey(Language, on_delete=models.PROTECT, verbose_name=_("language"))
    level = models.PositiveSmallIntegerField(_("level"), choices=CEFRLevel)
    history = HistoricalRecords()

    class Meta:
        default_related_name = "languages"
        ordering = ["language__name"]
        verbose_name = _("language skill")
        verbose_name_plural = _("language skills")
        constraints = [
            models.UniqueConstraint(fields=["person", "language"], name="person_language_unique")
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.get_level_display()}"

    def clean(self) -> None:
        # The form does not carry the person (the page does), so Django would skip the
        # (person, language) constraint; say it on the field instead of failing on save.
        if self.person_id and self.language_id:
            again = PersonLanguage._default_manager.filter(
                person_id=self.person_id, language_id=self.language_id
            ).exclude(pk=self.pk)
            if again.exists():
                raise ValidationError(
                    {"language": _("This person already has this language; change its level.")}
                )


class LanguageTestResult(PersonRecord):
    language = models.ForeignKey(Language, on_delete=models.PROTECT, verbose_name=_("language"))
    tested_on = models.DateField(_("test date"))
    test_name = models.CharField(_("test"), max_length=80, help_text=_("e.g. IELTS, UN AMS"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=CEFRLevel, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        default_related_name = "language_tests"
        ordering = ["-tested_on"]
        verbose_name = _("language test result")
        verbose_name_plural = _("language test results")

    def __str__(self) -> str:
        return f"{self.test_name} {self.language} {self.tested_on}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        # Scores are recorded as percentages (the UN AMS pass mark is 60).
        if self.score is not None and not 0 <= self.score <= 100:
            errors["score"] = _("A score lies between 0 and 100.")
        not_in_future(errors, "tested_on", self.tested_on)
        if errors:
            raise ValidationError(errors)


class ExpiringRecord(PersonRecord):
    """A document with an end date; `expires_field` names it for the expiry reports."""

    expires_field = "expires_on"
    # The field (compared case aside) a newer document must share to replace this one, when
    # a person holds several kinds of the same model: a C licence does not replace a B.
    kind_field: str | None = None

    class Meta:
        abstract = True

    def expiry(self) -> datetime.date | None:
        return getattr(self, self.expires_field)

    def same_kind_as(self, other: ExpiringRecord) -> bool:
        """Whether `other` is a document of the same kind, that this one may replace."""
        if self.kind_field is None:
            return True
        mine, theirs = getattr(self, self.kind_field), getattr(other, self.kind_field)
        return mine.casefold() == theirs.casefold()


class DrivingLicence(ExpiringRecord):
    kind_field = "category"
    category = models.CharField(_("category"), max_length=10, help_text=_("e.g. B, C, D"))
    number = models.CharField(_("number"), max_length=40, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        default_related_name = "driving_licences"
        ordering = ["-issued_on"]
        verbose_name = _("driving licence")
        verbose_name_plural = _("driving licences")
        # "What expires soon" (home page, expiring page) reads a date range, not every row.
        indexes = [models.Index(fields=["expires_on"], name="licence_expires_on")]

    def __str__(self) -> str:
        return _("Driving licence %(category)s") % {"category": self.category}

    def clean(self) -> None:
        errors: dict[str, str] = {}
        not_in_future(errors, "issued_on", self.issued_on)
        if self.expires_on and self.issued_on and self.expires_on <= self.issued_on:
            errors["expires_on"] = _("The licence must expire after it is issued.")
        if errors:
            raise ValidationError(errors)


class PassportKind(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    OFFICIAL = "official", _("Official")
    DIPLOMATIC = "diplomatic", _("Diplomatic")


class Passport(ExpiringRecord):
    number = models.CharField(_("number"), max_length=40)
    kind = models.CharField(
        _("type"), max_length=20, choices=PassportKind, default=PassportKind.OFFICIAL
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"))
    history = HistoricalRecords()

    class Meta:
        default_related_name = "passports"
        ordering = ["-expires_on"]
        verbose_name = _("passport")
        verbose_name_plural = _("passports")
        constraints = [models.UniqueConstraint(fields=["number"], name="passport_number_unique")]
        indexes = [models.Index(fields=["expires_on"], name="passport_expires_on")]

    def __str__(self) -> str:
        return _("Passport %(number)s") % {"number": self.number}

    def clean(self) -> None:
        errors: dict[str, str] = {}
        not_in_future(errors, "issued_on", self.issued_on)
        if self.expires_on and self.issued_on and self.expires_on <= self.issued_on:
            errors["expires_on"] = _("The passport must expire after it is issued.")
        if errors:
            raise ValidationError(errors)


class MedicalResult(models.TextChoices):
    FIT = "fit", _("Fit")
    FIT_WITH_RESTRICTIONS = "restricted", _("Fit with restrictions")
    UNFIT = "unfit", _("Unfit")


class MedicalClearance(ExpiringRecord):
    expires_field = "valid_until"
    examined_on = models.DateField(_("examined on"))
    result = models.CharField(_("result"), max_length=20, choices=MedicalResult)
    valid_until = models.DateField(_("valid until"))
    examiner = models.CharField(_("examiner"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        default_related_name = "medical_clearances"
        ordering = ["-examined_on"]
        verbose_name = _("medical clearance")
        verbose_name_plural = _("medical clearances")
        indexes = [models.Index(fields=["valid_until"], name="medical_valid_until")]

    def __str__(self) -> str:
        return _("Medical %(result)s, %(date)s") % {
            "result": self.get_result_display(),
            "date": self.examined_on,
        }

    def clean(self) -> None:
        errors: dict[str, str] = {}
        not_in_future(errors, "examined_on", self.examined_on)
        if self.valid_until and self.examined_on and self.valid_until < self.examined_on:
            errors["valid_until"] = _("A clearance cannot end before the examination.")
        if errors:
            raise ValidationError(errors)


class ScreeningKind(models.TextChoices):
    HUMAN_RIGHTS = "human_rights", _("Human rights")
    MISCONDUCT = "misconduct", _("Misconduct")


class ScreeningStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CLEARED = "cleared", _("Cleared")
    NOT_CLEARED = "not_cleared", _("Not cleared")


class Screening(PersonRecord):
    kind = models.CharField(_("kind"), max_length=20, choices=ScreeningKind)
    status = models.CharField(
        _("status"), max_length=20, choices=ScreeningStatus, default=ScreeningStatus.PENDING
    )
    screened_on = models.DateField(_("date"))
    screened_by = models.CharField(pgettext_lazy("screening authority", "by"), max_length=120)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        default_related_name = "screenings"
        ordering = ["-screened_on"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_status_display()}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        not_in_future(errors, "screened_on", self.screened_on)
        if errors:
            raise ValidationError(errors)
