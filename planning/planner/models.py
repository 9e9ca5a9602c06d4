"""PlanRun: one run of the planner kept between requests (its proposal, weights and locks).

A run is the working document of the user who started it: only its author opens it, and only
while every rotation in it is still theirs to change. Accepting it records who and when; the
nominations themselves are deployments with their own audit history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Months between the return from one deployment and the departure of the next, unless the
# user asks otherwise (see pool.py for how the rest is counted).
DEFAULT_REST_MONTHS = 12


class PlanRun(models.Model):
    rotations = models.ManyToManyField(
        "units.Rotation", verbose_name=_("rotations"), related_name="plan_runs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created = models.DateTimeField(_("created at"), auto_now_add=True)
    weights = models.JSONField(_("weights"), default=dict)
    rest_months = models.PositiveSmallIntegerField(
        _("rest period (months)"), default=DEFAULT_REST_MONTHS
    )
    specialty_required = models.BooleanField(_("specialty required"), default=True)
    # Position id (as text: JSON keys) → person id.
    locks = models.JSONField(_("locks"), default=dict)
    proposal = models.JSONField(_("proposal"), default=dict)
    accepted = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        app_label = "planning"
        ordering = ["-created", "-pk"]
        verbose_name = _("plan run")

    def __str__(self) -> str:
        return _("Plan run %(pk)s") % {"pk": self.pk}

    def get_absolute_url(self) -> str:
        first = self.proposal.get("rotations", [{}])[0].get("id")
        return reverse("planning:plan_run", args=[first, self.pk])
