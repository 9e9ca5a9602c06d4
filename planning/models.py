"""What a deployment requires, as data that administrators edit.

A requirement applies to a position, to every position of a unit type, to every deployment to
a mission, to every position of a UN personnel category, or (no scope) to every deployment.
Readiness (planning.readiness) gathers the requirements that apply to a position and evaluates
them for whole pools of people at once.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.querysets import RestrictedManager
from people.models import CEFRLevel, Grade, ScreeningKind
from training.models import AssessmentKind
from units.models import Category


class RequirementKind(models.TextChoices):
    COURSE = "course", _("Course certificate")
    ASSESSMENT = "assessment", _("Assessment passed")
    LANGUAGE = "language", _("Language level")
    LICENCE = "licence", _("Driving licence")
    SERVICE_YEARS = "service_years", _("Years of service")
    AGE = "age", _("Age range")
    RANK = "rank", _("Rank range")
    MEDICAL = "medical", _("Medical clearance")
    PASSPORT = "passport", _("Passport validity")
    SCREENING = "screening", _("Screening cleared")


# The fields each kind needs; the rest must stay empty (checked in clean()).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    RequirementKind.COURSE: ("course",),
    RequirementKind.ASSESSMENT: ("assessment_kind",),
    RequirementKind.LANGUAGE: ("language", "language_level"),
    RequirementKind.LICENCE: ("licence_category",),
    RequirementKind.SERVICE_YEARS: ("min_years",),
    RequirementKind.AGE: (),
    RequirementKind.RANK: (),
    RequirementKind.MEDICAL: (),
    RequirementKind.PASSPORT: (),
    RequirementKind.SCREENING: ("screening_kind",),
}


class Requirement(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=RequirementKind)
    # Scope: at most one of these; none means every deployment.
    position = models.ForeignKey(
        "units.Position",
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="requirements",
    )
    unit_type = models.ForeignKey(
        "units.UnitType",
        verbose_name=_("unit type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="requirements",
    )
    mission = models.ForeignKey(
        "missions.Mission",
        verbose_name=_("mission"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="requirements",
    )
    category = models.CharField(
        _("UN personnel category"),
        max_length=20,
        choices=Category,
        blank=True,
        help_text=_("Every position of this category, e.g. all individual police officers."),
    )
    # What is required, by kind.
    course = models.ForeignKey(
        "training.Course", verbose_name=_("course"), null=True, blank=True, on_delete=models.PROTECT
    )
    assessment_kind = models.CharField(
        _("assessment"), max_length=20, blank=True, choices=AssessmentKind
    )
    language = models.ForeignKey(
        "people.Language",
        verbose_name=_("language"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    language_level = models.PositiveSmallIntegerField(
        _("minimum level"), choices=CEFRLevel, null=True, blank=True
    )
    licence_category = models.CharField(_("licence category"), max_length=10, blank=True)
    licence_held_months = models.PositiveSmallIntegerField(
        _("licence held for (months)"), default=0
    )
    min_years = models.PositiveSmallIntegerField(_("minimum years"), null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    rank_min = models.PositiveSmallIntegerField(
        _("lowest rank"), choices=Grade, null=True, blank=True
    )
    rank_max = models.PositiveSmallIntegerField(
        _("highest rank"), choices=Grade, null=True, blank=True
    )
    margin_months = models.PositiveSmallIntegerField(
        _("valid beyond the end by (months)"),
        default=0,
        help_text=_("Passport or medical: how long it must stay valid after the deployment."),
    )
    screening_kind = models.CharField(
        _("screening"), max_length=20, choices=ScreeningKind, blank=True
    )
    source = models.CharField(
        _("source"), max_length=300, help_text=_("Where this requirement comes from.")
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    organisation_path = None  # requirements are policy, shared by the whole installation
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("requirement")

    def __str__(self) -> str:
        return self.describe()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        scopes = [s for s in ("position", "unit_type", "mission") if getattr(self, f"{s}_id")]
        if self.category:
            scopes.append("category")
        if len(scopes) > 1:
            errors[scopes[1]] = _(
                "A requirement applies to one position, unit type, mission or category."
            )
        for field in KIND_FIELDS.get(self.kind, ()):
            value = (
                getattr(self, f"{field}_id", None)
                if field in ("course", "language")
                else (getattr(self, field))
            )
            if value in (None, ""):
                errors[field] = _("This kind of requirement needs this field.")
        if self.kind == RequirementKind.AGE and self.min_age is None and self.max_age is None:
            errors["min_age"] = _("Give a minimum age, a maximum age or both.")
        if self.min_age and self.max_age and self.min_age > self.max_age:
            errors["max_age"] = _("The maximum age is below the minimum.")
        if self.kind == RequirementKind.RANK and not (self.rank_min or self.rank_max):
            errors["rank_min"] = _("Give the lowest rank, the highest or both.")
        if self.rank_min and self.rank_max and self.rank_min > self.rank_max:
            errors["rank_max"] = _("The highest rank is below the lowest.")
        if errors:
            raise ValidationError(errors)

    def describe(self) -> str:
        """The requirement in plain words, as a staff officer would say it."""
        from planning.describe import describe_requirement

        return describe_requirement(self)
