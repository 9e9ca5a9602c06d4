"""Core's own background work: the nightly clean-up of old access-log entries and jobs."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.utils.translation import gettext as _
from django_tasks import default_task_backend, task
from django_tasks_db import DatabaseBackend

from core import access_log, jobs
from core.models import Job


@task()
def clean_up(job_id: int) -> None:
    """Remove access-log entries and finished jobs past their retention, and the queue's own
    records of finished tasks."""
    jobs.execute(job_id, _clean_up)


def _clean_up(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    entries = access_log.purge(settings.ACCESS_LOG_RETENTION_DAYS)
    progress.report(1, 3)
    removed = jobs.purge(settings.JOB_RETENTION_DAYS)
    progress.report(2, 3)
    if isinstance(default_task_backend, DatabaseBackend):  # not the tests' immediate one
        days = settings.JOB_RETENTION_DAYS
        call_command("prune_db_task_results", min_age_days=days, verbosity=0)
    progress.report(3, 3)
    return jobs.Outcome(
        _(
            "Removed %(entries)d access-log entries and %(jobs)d finished jobs past their "
            "keeping time."
        )
        % {"entries": entries, "jobs": removed}
    )
