"""Courses, their runs and results, certificates with a computed expiry, and assessments.

Results and certificates are what readiness reads (planning.readiness): a certificate's expiry
is computed from its course's validity, never typed, so it cannot disagree with the catalogue.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import add_months
from core.querysets import RestrictedManager

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


def last_valid_day(start: datetime.date, months: int | None) -> datetime.date | None:
    """The last day of a validity of `months` from `start` (a certificate, an assessment).

    None when `months` is None: the record never lapses. Valid 36 months from 14 March 2025
    means up to and including 13 March 2028.
    """
    if months is None:
        return None
    return add_months(start, months) - datetime.timedelta(days=1)


class CourseKind(models.TextChoices):
    CORE_PREDEPLOYMENT = "cptm", _("UN core pre-deployment training")
    SPECIALISED = "specialised", _("Specialised training")
    STAFF_OFFICER = "staff_officer", _("Staff officer course")
    MILITARY_OBSERVER = "observer", _("Military observer course")
    FORMED_POLICE = "fpu", _("Formed police unit training")
    LANGUAGE = "language", _("Language")
    HUMANITARIAN_LAW = "ihl", _("International humanitarian law")
    INSTRUCTOR = "instructor", _("Instructor course")


class Course(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CourseKind)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    hours = models.PositiveSmallIntegerField(_("hours"), null=True, blank=True)
    pass_mark = models.DecimalField(
        _("pass mark (%)"), max_digits=5, decimal_places=2, default=60, validators=PERCENT
    )
    validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: the certificate never expires."),
    )
    prerequisites = models.ManyToManyField(
        "self", verbose_name=_("prerequisites"), symmetrical=False, blank=True
    )
    description = models.TextField(_("description"), blank=True)

    organisation_path = None  # a shared catalogue
    objects = RestrictedManager()
    history = HistoricalRecords(m2m_fields=[prerequisites])

    class Meta:
        ordering = ["code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("training:course", args=[self.pk])

    def certificate_expiry(self, issued_on: datetime.date) -> datetime.date | None:
        """The last day a certificate issued on `issued_on` is valid; None if it never lapses."""
        return last_valid_day(issued_on, self.validity_months)


class CourseRun(models.Model):
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="runs"
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organised by"),
        on_delete=models.PROTECT,
        related_name="course_runs",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=200)
    instructors = models.TextField(_("instructors"), blank=True, help_text=_("One per line."))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    notes = models.TextField(_("notes"), blank=True)

    organisation_path = "organisation"
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "course__code"]
        verbose_name = _("course run")
        verbose_name_plural = _("course runs")

    def __str__(self) -> str:
        return f"{self.course.code} {self.starts_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("training:courserun", args=[self.pk])

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A run cannot end before it starts.")})


# The order a run's trainees are listed in: pages, the template file, certificate numbers.
TRAINEE_ORDER = ("person__search_name", "foreign_name", "pk")
# Enrolments of many runs (the API, the admin): latest runs first, each run's trainees in order.
ENROLMENT_LIST_ORDER = ("-run__starts_on", "run__course__code", "run_id", *TRAINEE_ORDER)


class Enrolment(models.Model):
    """One trainee on one run: our own person, or a foreign officer, with the result.

    `passed` is derived from the score and the course's pass mark on save (stored, because
    readiness filters on it for 100,000 people); the certificate's expiry likewise.
    """

    run = models.ForeignKey(
        CourseRun, verbose_name=_("course run"), on_delete=models.CASCADE, related_name="enrolments"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    foreign_name = models.CharField(_("foreign trainee"), max_length=200, blank=True)
    foreign_country = models.CharField(_("country"), max_length=100, blank=True)
    foreign_organisation = models.CharField(_("their organisation"), max_length=200, blank=True)
    attended = models.BooleanField(_("attended"), default=True)
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    passed = models.BooleanField(_("passed"), default=False, editable=False)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    certificate_issued_on = models.DateField(_("certificate issued on"), null=True, blank=True)
    certificate_expires_on = models.DateField(
        _("certificate expires on"), null=True, blank=True, editable=False
    )

    organisation_path = "run__organisation"
    # A surgeon of Hospital 175 trained on a run the department organised holds a certificate
    # that the hospital's personnel officer must see on the surgeon's page, though the run is
    # outside the hospital's scope. Changing results stays with the organiser.
    also_visible_through = ("person__organisation",)
    objects = RestrictedManager()
    history = HistoricalRecords()

    # No default ordering: "run" would expand to the run's own ordering, so every query of
    # enrolments (readiness, prerequisites, certificates) would join the run, the course and
    # the person only to sort. Lists order themselves, by TRAINEE_ORDER within a run.
    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "person"],
                condition=Q(person__isnull=False),
                name="enrolment_person_once_per_run",
                violation_error_message=_("This person is already on this run."),
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(foreign_name=""),
                name="enrolment_names_a_trainee",
                violation_error_message=_("Choose a person or give a foreign trainee's name."),
            ),
            # The database's backstop (and the index) for Enrolment.clean's friendlier check;
            # certificate numbering per course relies on it (training.runs.issue_certificates).
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=~Q(certificate_number=""),
                name="enrolment_certificate_number_once",
                violation_error_code="unique",
                violation_error_message=_("This number is already on another certificate."),
            ),
        ]
        indexes = [
            # Readiness asks "who holds a valid certificate of course X" for whole pools.
            models.Index(fields=["person", "passed", "certificate_expires_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.trainee_name} — {self.run}"

    def get_absolute_url(self) -> str:
        return self.run.get_absolute_url()

    @property
    def trainee_name(self) -> str:
        return str(self.person) if self.person_id else self.foreign_name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.person_id and self.foreign_name:
            errors["foreign_name"] = _("A trainee is either one of our people or foreign.")
        if not self.person_id and not self.foreign_name.strip():
            errors["foreign_name"] = _("Give the foreign trainee's name.")
        if self.score is not None and not self.attended:
            errors["score"] = _("A trainee who did not attend has no score.")
        if self.certificate_issued_on and self.run_id:
            if self.certificate_issued_on < self.run.starts_on:
                errors["certificate_issued_on"] = _(
                    "A certificate cannot be issued before its run starts (%(date)s)."
                ) % {"date": self.run.starts_on}
        if self.certificate_number and not self.certificate_issued_on:
            errors["certificate_issued_on"] = _("Give the date the certificate was issued.")
        if self.certificate_issued_on and not self.is_pass():
            errors["certificate_number"] = _("Only a trainee who passed gets a certificate.")
        elif self.certificate_number and self.certificate_number_taken():
            errors["certificate_number"] = _("This number is already on another certificate.")
        if errors:
            raise ValidationError(errors)

    def certificate_number_taken(self) -> bool:
        """Whether another trainee's certificate, of any run, carries this number."""
        others = Enrolment.objects.filter(certificate_number=self.certificate_number)
        return others.exclude(pk=self.pk).exists() if self.pk else others.exists()

    def is_pass(self) -> bool:
        return self.attended and self.score is not None and self.score >= self.run.course.pass_mark

    def save(self, *args: object, **kwargs: object) -> None:
        self.passed = self.is_pass()
        self.certificate_expires_on = (
            self.run.course.certificate_expiry(self.certificate_issued_on)
            if self.certificate_issued_on and self.passed
            else None
        )
        super().save(*args, **kwargs)


class AssessmentKind(models.TextChoices):
    LANGUAGE = "language", _("Language")
    DRIVING = "driving", _("Driving")
    FIREARMS = "firearms", _("Firearms")


class AssessorKind(models.TextChoices):
    NATIONAL = "national", _("National assessors")
    UN_TEAM = "un", _("UN selection assistance team")


class AssessmentRule(models.Model):
    """Per kind of assessment: the pass mark and how long a candidate waits before a retake.

    Data, not code: the UN's Assessment for Mission Service sets them and changes them.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=AssessmentKind, unique=True)
    pass_mark = models.DecimalField(
        _("pass mark (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    retake_wait_days = models.PositiveSmallIntegerField(_("days before a retake"), default=0)
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"), null=True, blank=True, help_text=_("Empty: never lapses.")
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    organisation_path = None
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        verbose_name = _("assessment rule")
        verbose_name_plural = _("assessment rules")

    def __str__(self) -> str:
        return self.get_kind_display()


class Assessment(models.Model):
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AssessmentKind)
    language = models.ForeignKey(
        "people.Language",
        verbose_name=_("language"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    assessed_on = models.DateField(_("date"))
    assessor_kind = models.CharField(_("assessor"), max_length=20, choices=AssessorKind)
    assessor_name = models.CharField(_("assessor's name"), max_length=200, blank=True)
    # Language components, as the UN's assessment scores them.
    reading = models.DecimalField(
        _("reading"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    listening = models.DecimalField(
        _("listening"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    writing = models.DecimalField(
        _("writing"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    interview = models.DecimalField(
        _("interview"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    vision_passed = models.BooleanField(_("vision test passed"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, validators=PERCENT)
    passed = models.BooleanField(_("passed"), default=False, editable=False)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    organisation_path = "person__organisation"
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessed_on"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["person", "kind", "passed", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.assessed_on}"

    def get_absolute_url(self) -> str:
        return self.person.get_absolute_url()

    def clean(self) -> None:
        """What one record must say for its kind; waiting periods are in training.assessments."""
        errors: dict[str, Any] = {}
        is_language = self.kind == AssessmentKind.LANGUAGE
        if is_language and not self.language_id:
            errors["language"] = _("Choose the language assessed.")
        if not is_language and self.language_id:
            errors["language"] = _("Only a language assessment names a language.")
        if not is_language:
            for name in LANGUAGE_COMPONENTS:
                if getattr(self, name) is not None:
                    errors[name] = _("Only a language assessment has this component.")
        if self.kind == AssessmentKind.DRIVING and self.vision_passed is None:
            errors["vision_passed"] = _("Record whether the vision test was passed.")
        if self.kind != AssessmentKind.DRIVING and self.vision_passed is not None:
            errors["vision_passed"] = _("Only a driving assessment has a vision test.")
        if self.assessed_on and self.assessed_on > datetime.date.today():
            errors["assessed_on"] = _("This date is in the future.")
        if errors:
            raise ValidationError(errors)


# The four parts of the UN's language assessment, in the order its grid lists them.
LANGUAGE_COMPONENTS = ("reading", "listening", "writing", "interview")
