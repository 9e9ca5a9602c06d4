"""What a deployment requires, as data that administrators edit.

A requirement applies to a position, to every position of a unit type, to every deployment to
a mission, to every position of a UN personnel category, or (no scope) to every deployment.
Readiness (planning.readiness) gathers the requirements that apply to a position and evaluates
them for whole pools of people at once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
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


# The fields each kind needs (checked in clean()).
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

# Fields a kind may use besides the ones it needs; every other "what" field must stay empty,
# so that a requirement never carries a value the engine silently ignores.
KIND_OPTIONAL_FIELDS: dict[str, tuple[str, ...]] = {
    RequirementKind.ASSESSMENT: ("language",),
    RequirementKind.LICENCE: ("licence_held_months",),
    RequirementKind.AGE: ("min_age", "max_age"),
    RequirementKind.RANK: ("rank_min", "rank_max"),
    RequirementKind.MEDICAL: ("margin_months",),
    RequirementKind.PASSPORT: ("margin_months",),
}
WHAT_FIELDS = (
    "course",
    "assessment_kind",
    "language",
    "language_level",
    "licence_category",
    "licence_held_months",
    "min_years",
    "min_age",
    "max_age",
    "rank_min",
    "rank_max",
    "margin_months",
    "screening_kind",
)
# Fields whose "empty" is a zero default rather than None or "".
ZERO_DEFAULTS = ("licence_held_months", "margin_months")
# The records a requirement names when it describes itself and its scope: load them with it.
DESCRIBED_WITH = ("course", "language", "position__rotation", "unit_type", "mission")


def applies_to_every_deployment() -> Q:
    """Requirements without a scope: they apply to every deployment."""
    return Q(position=None, unit_type=None, mission=None, category="")


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
        verbose_name_plural = _("requirements")

    def __str__(self) -> str:
        return self.describe()

    def get_absolute_url(self) -> str:
        return reverse("planning:requirement", args=[self.pk])

    @property
    def scope(self) -> str:
        """Which of position, unit_type, mission, category scopes it ("" for every deployment)."""
        for name in ("position", "unit_type", "mission"):
            if getattr(self, f"{name}_id"):
                return name
        return "category" if self.category else ""

    def clean(self) -> None:
        errors: dict[str, str] = {}
        scopes = [s for s in ("position", "unit_type", "mission") if getattr(self, f"{s}_id")]
        if self.category:
            scopes.append("category")
        if len(scopes) > 1:
            errors[scopes[1]] = _(
                "A requirement applies to one position, unit type, mission or category."
            )
        needed = KIND_FIELDS.get(self.kind, ())
        for field in needed:
            if self._is_empty(field):
                errors[field] = _("This kind of requirement needs this field.")
        allowed = set(needed) | set(KIND_OPTIONAL_FIELDS.get(self.kind, ()))
        if self.kind in KIND_FIELDS:
            for field in WHAT_FIELDS:
                if field not in allowed and not self._is_empty(field):
                    errors[field] = _("A requirement of this kind does not use this field.")
        if self.course_id and "course" not in errors:
            from training.models import Course

            if not Course._default_manager.filter(pk=self.course_id).exists():
                errors["course"] = _("This course is not in the catalogue.")
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

    def _is_empty(self, field: str) -> bool:
        if field in ("course", "language"):
            return getattr(self, f"{field}_id", None) is None
        value = getattr(self, field)
        if field in ZERO_DEFAULTS:
            return not value
        return value in (None, "")

    def describe(self) -> str:
        """The requirement in plain words, as a staff officer would say it."""
        from planning.describe import describe_requirement

        return describe_requirement(self)


class Waiver(models.Model):
    """An approver's decision to approve a deployment although requirements are unmet.

    Kept beside the approval step it belongs to, with the unmet requirements as they read at
    that moment: the record shows what was knowingly waived, even after documents change.
    """

    deployment = models.ForeignKey(
        "deployments.Deployment",
        verbose_name=_("deployment"),
        on_delete=models.CASCADE,
        related_name="waivers",
    )
    transition = models.OneToOneField(
        "deployments.Transition",
        verbose_name=_("approval step"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="waiver",
    )
    reason = models.TextField(_("reason"))
    unmet = models.TextField(_("unmet requirements"), help_text=_("One per line, as waived."))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    organisation_path = "deployment__person__organisation"
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("waiver")
        verbose_name_plural = _("waivers")

    def __str__(self) -> str:
        return _("Waiver for %(deployment)s") % {"deployment": self.deployment}

    def get_absolute_url(self) -> str:
        return self.deployment.get_absolute_url()

    @property
    def unmet_lines(self) -> list[str]:
        return [line for line in self.unmet.splitlines() if line.strip()]


# The planner's stored runs live beside the planner (planning/planner/models.py); imported here
# so that Django registers the model with the planning app.
from planning.planner.models import PlanRun  # noqa: E402, F401
