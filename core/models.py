"""Organisations, who may see them, and the roles that say what a user may do."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.querysets import RestrictedManager


class OrganisationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    DEPARTMENT = "department", _("Department")
    UNIT = "unit", _("Unit")
    CENTRE = "centre", _("Centre")


class Organisation(models.Model):
    """A node of the organisation tree: ministry → department → unit.

    `path` is a materialised path ("/1/4/9/") so that "this organisation and all below it"
    is one indexed prefix match on both SQLite and PostgreSQL, with no recursive query.
    """

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganisationKind, default=OrganisationKind.UNIT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    organisation_path = ""  # the empty path: an organisation is scoped by its own place
    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="organisation_unique_name")
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("core:organisation", args=[self.pk])

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def clean(self) -> None:
        if self.pk and self.parent_id:
            parent = Organisation.objects.get(pk=self.parent_id)
            if parent.path.startswith(self.path or f"/{self.pk}/"):
                raise ValidationError(
                    {"parent": _("An organisation cannot sit below itself or its own units.")}
                )

    def save(self, *args: object, **kwargs: object) -> None:
        with transaction.atomic():
            old_path = self.path
            super().save(*args, **kwargs)
            parent_path = self.parent.path if self.parent_id else "/"
            new_path = f"{parent_path}{self.pk}/"
            if new_path != old_path:
                Organisation.objects.filter(pk=self.pk).update(path=new_path)
                self.path = new_path
                if old_path:
                    # Moving a branch moves everything below it.
                    for child in Organisation.objects.filter(path__startswith=old_path).exclude(
                        pk=self.pk
                    ):
                        child.path = new_path + child.path[len(old_path) :]
                        Organisation.objects.filter(pk=child.pk).update(path=child.path)


class Membership(models.Model):
    """A grant: one role over one organisation and every organisation below it.

    A user may hold several: Personnel officer for a department and Viewer for the whole
    ministry; what the user may do with a record is decided per action from the grants whose
    organisation is above the record's (core.querysets.restrict), and the permissions of a
    user are those of the roles of all their grants (core.backends.GrantBackend).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.ForeignKey(
        "auth.Group",
        verbose_name=pgettext_lazy("user's role", "role"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_grant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {_(self.role.name)} @ {self.organisation}"


class RoleDefault(models.Model):
    """A default permission of a role (core.roles) that has been offered to its group once."""

    group = models.ForeignKey("auth.Group", on_delete=models.CASCADE, related_name="+")
    permission = models.ForeignKey("auth.Permission", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "permission"], name="role_default_once")
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.permission}"


class AccessKind(models.TextChoices):
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    LOCKED_OUT = "locked_out", _("Locked out")
    SIGN_OUT = "sign_out", _("Signed out")
    DOWNLOAD = "download", _("Downloaded")
    PAGE = "page", _("Opened")
    API_READ = "api_read", _("Read through the API")


class AccessEvent(models.Model):
    """One entry of the access log: a sign-in, or a read of personal data (core.access_log).

    Written by the application only: no form, admin or API changes or deletes an entry; old
    ones are removed by `manage.py purge_access_log` after ACCESS_LOG_RETENTION_DAYS. The
    organisation is the acting user's highest granted one, so an administrator reads the
    entries of the people they manage; a failed sign-in of an unknown name has none and is
    read by superusers only.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # As typed at sign-in, or the user's name then: kept when the user is deleted or unknown.
    username = models.CharField(_("user name"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AccessKind)
    what = models.CharField(_("what"), max_length=300, blank=True)
    path = models.CharField(_("address on the site"), max_length=500, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    organisation_path = "organisation"
    objects = RestrictedManager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        # An administrator reads a user's entries, newest first (user page, filters).
        indexes = [models.Index(fields=["user", "-at"], name="accessevent_user_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_kind_display()} {self.what}"


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", pgettext_lazy("job state", "Failed")


class Job(models.Model):
    """Long work a user started (an import, the planner, a workbook), run by a worker.

    The queue itself is django-tasks' (a task names this job); the job is what the user sees:
    how far it has got, and when done, what came of it (a sentence, a page to go to, a file
    to download). Files it reads and writes live in the shared storage under jobs/<id>/.
    See core/jobs.py.
    """

    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The starter's highest granted organisation: an administrator sees the jobs of the people
    # they manage; scheduled jobs have none and are seen by superusers.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=JobState, default=JobState.QUEUED, db_index=True
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("running since"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    message = models.TextField(_("result"), blank=True)
    result_url = models.CharField(_("result page"), max_length=500, blank=True)
    result_file = models.CharField(_("result file"), max_length=300, blank=True)
    result_name = models.CharField(_("file name"), max_length=200, blank=True)
    result_type = models.CharField(_("file type"), max_length=100, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)

    organisation_path = "organisation"
    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_created")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("core:job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)
