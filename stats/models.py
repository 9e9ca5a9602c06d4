"""The UN's monthly figures of uniformed personnel, as imported from its reports.

These are published facts, not records the department edits: no change history is kept,
but every report records who imported it and when. All three models are catalogues in the
sense of core.querysets (organisation_path = None): everyone allowed to view them sees all.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from unidecode import unidecode

from core.querysets import RestrictedManager
from stats.un_reports import report as parsed
from units.models import Category


def name_key(name: str) -> str:
    """A spelling-insensitive key: "Côte d'Ivoire", "Cote d Ivoire" and "COTE D'IVOIRE" agree."""
    return re.sub(r"[^a-z0-9]+", " ", unidecode(name).lower()).strip()


class Country(models.Model):
    iso3 = models.CharField(_("ISO code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    # Other spellings the UN used over the years ("Turkey", "Swaziland", "Czech Republic").
    aliases = models.JSONField(_("other spellings"), default=list, blank=True)

    organisation_path = None
    objects = RestrictedManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    def keys(self) -> set[str]:
        return {name_key(self.name), *(name_key(alias) for alias in self.aliases)}


class PersonnelType(models.TextChoices):
    TROOPS = parsed.TROOPS, _("Troops")
    STAFF_OFFICER = parsed.STAFF_OFFICER, _("Staff Officer")
    EXPERTS = parsed.EXPERTS, _("Experts on Mission")
    FPU = parsed.FPU, _("Formed Police Units")
    INDIVIDUAL_POLICE = parsed.INDIVIDUAL_POLICE, _("Individual Police")


class UNReport(models.Model):
    """One imported report file; a month holds exactly one."""

    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    as_of = models.DateField(_("as of"), help_text=_("The date printed inside the report."))
    # First day of the report's month: one report per month, replaced on re-import.
    month = models.DateField(_("month"), unique=True)
    layout = models.CharField(_("layout"), max_length=60)
    page_count = models.PositiveIntegerField(_("pages"))
    line_count = models.PositiveIntegerField(_("lines of figures"))
    has_gender = models.BooleanField(_("gives gender"), default=True)
    printed_male = models.PositiveIntegerField(_("printed male total"), null=True, blank=True)
    printed_female = models.PositiveIntegerField(_("printed female total"), null=True, blank=True)
    printed_total = models.PositiveIntegerField(_("printed grand total"), null=True, blank=True)
    total = models.PositiveIntegerField(_("total personnel"))
    female = models.PositiveIntegerField(_("female personnel"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    organisation_path = None
    objects = RestrictedManager()

    class Meta:
        ordering = ["-month"]
        verbose_name = _("UN monthly report")
        verbose_name_plural = _("UN monthly reports")
        permissions = [("import_unreport", _("Can import UN monthly reports"))]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} ({self.file_name})"


class UNContribution(models.Model):
    """A country's personnel of one category in one mission, in one month."""

    report = models.ForeignKey(
        UNReport, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("report")
    )
    # Copied from the report so that month queries (ranking, series) need no join.
    month = models.DateField(_("month"))
    # Empty where the report gives no missions (March 2018 - August 2019, September 2023).
    mission = models.CharField(_("mission"), max_length=20, blank=True)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("country")
    )
    personnel_type = models.CharField(
        _("personnel type"), max_length=20, choices=PersonnelType.choices
    )
    # None where the report gives no gender (September 2023).
    male = models.PositiveIntegerField(_("male"), null=True, blank=True)
    female = models.PositiveIntegerField(_("female"), null=True, blank=True)
    total = models.PositiveIntegerField(_("total"))

    organisation_path = None
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("UN contribution")
        verbose_name_plural = _("UN contributions")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "mission", "country", "personnel_type"],
                name="stats_one_figure_per_mission_country_type",
            )
        ]
        indexes = [
            # The ranking and the system figures group one month by country or by category.
            models.Index(fields=["month", "country"], name="stats_contrib_month_country"),
            models.Index(fields=["month", "personnel_type"], name="stats_contrib_month_type"),
            # A country's history reads all its months.
            models.Index(fields=["country", "month"], name="stats_contrib_country_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.country} {self.mission} {self.personnel_type}"


class ParityTarget(models.Model):
    """The UN's target share of women for one personnel category in one year.

    Editable data, not code: the strategy sets a target for every year, but only the
    confirmed ones are seeded; an administrator enters the others once confirmed.
    """

    category = models.CharField(_("personnel category"), max_length=20, choices=Category)
    year = models.PositiveSmallIntegerField(_("year"))
    target_percent = models.DecimalField(_("target (%)"), max_digits=5, decimal_places=2)
    source = models.CharField(_("source"), max_length=200)

    organisation_path = None
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "year"]
        verbose_name = _("gender parity target")
        verbose_name_plural = _("gender parity targets")
        constraints = [
            models.UniqueConstraint(fields=["category", "year"], name="stats_one_target_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.year}: {self.target_percent} %"


class ReimbursementRate(models.Model):
    """The UN's standard reimbursement per person per month, from a date until the next rate."""

    valid_from = models.DateField(_("valid from"), unique=True)
    usd_per_person_month = models.DecimalField(
        _("US$ per person per month"), max_digits=8, decimal_places=2
    )
    source = models.CharField(_("source"), max_length=200)
    # An estimate built on an unconfirmed rate says so on the page.
    confirmed = models.BooleanField(_("confirmed"), default=True)

    organisation_path = None
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("reimbursement rate")
        verbose_name_plural = _("reimbursement rates")

    def __str__(self) -> str:
        return f"{self.valid_from}: US${self.usd_per_person_month}"


# --- tallies of our own deployments -------------------------------------------------------
# Derived data, not records: recounted from the deployments by stats.tallies whenever an
# organisation's people or deployments change, so that the national figures read a few
# thousand grouped rows instead of every deployment. Never edited, so no history is kept.


class TallyState(models.Model):
    """Whether an organisation's tallies are current. No row yet: never counted."""

    organisation = models.OneToOneField(
        "core.Organisation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="tally_state",
    )
    current = models.BooleanField(default=False)
    # The latest recorded return among the counted deployments: figures asked for an earlier
    # day are recounted from the deployments, because these assume every return has passed.
    settled_until = models.DateField(null=True, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.organisation_id}: {'current' if self.current else 'stale'}"


class YearTally(models.Model):
    """People and deployments dispatched in one year, by category and sex.

    `category` "" is every category together: a person sent in two categories in one year
    counts once there. `new_people` (on those rows only) counts people in the year of their
    first dispatch, so that it adds up to a cumulative count of people.
    """

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=20, blank=True, choices=Category)
    sex = models.CharField(max_length=1)
    people = models.PositiveIntegerField(default=0)
    deployments = models.PositiveIntegerField(default=0)
    new_people = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "category", "sex"], name="stats_one_year_tally"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year} {self.category or '*'} {self.sex}"


class MonthTally(models.Model):
    """Days served in one calendar month by the deployments whose return is recorded."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField()
    person_days = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="stats_one_month_tally")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m}: {self.person_days} person-days"


class MedalTally(models.Model):
    """Returned deployments that reached their mission's qualifying days for the UN medal.

    `people` counts each person once per mission, however many of their tours qualified.
    """

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, related_name="+")
    qualifying_days = models.PositiveSmallIntegerField()
    deployments = models.PositiveIntegerField()
    people = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "mission", "qualifying_days"],
                name="stats_one_medal_tally",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.mission_id}: {self.deployments}"
