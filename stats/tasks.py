"""The statistics' background work: UN reports uploaded in a batch, the workbook and the
briefing built for their user, and the nightly recount of every organisation's tallies.

Each runs as a job (core.jobs): the page that starts it shows its progress, and its result
waits in the user's list of jobs. The files a job makes are built for its user's scope, read
when the job runs (a minute later at most), as the page would have at that moment.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from core import jobs
from core.models import Job
from stats import tallies
from stats.briefing import briefing, briefing_pdf
from stats.exports import statistics_workbook
from stats.imports import ALREADY_IMPORTED, IMPORTED, REFUSED, REPLACED, import_report

# As the pages that start them ask (stats.views): asked again when the job runs.
IMPORT_PERMISSION = "stats.import_unreport"
NATIONAL_PERMISSION = tallies.PERMISSION
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def status_label(status: str) -> str:
    return {
        IMPORTED: _("imported"),
        REPLACED: _("replaced"),
        ALREADY_IMPORTED: _("already imported"),
        REFUSED: _("refused"),
    }.get(status, status)


@task()
def import_un_reports(job_id: int) -> None:
    """Import each uploaded report in its own transaction: a refused file leaves the others
    imported, and a file imported already is recognised (by its checksum) when run again."""
    jobs.execute(job_id, _import_un_reports)


def _import_un_reports(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    owner = jobs.owner_with(job, IMPORT_PERMISSION)
    files = jobs.inputs(job)
    results = []
    for done, (name, stored) in enumerate(files):
        progress.report(done, len(files), _("Reading %(file)s") % {"file": name})
        with default_storage.open(stored) as handle:
            results.append(import_report(handle.read(), by=owner, name=name))
    progress.report(len(files), len(files))
    counts = Counter(result.status for result in results)
    summary = ", ".join(
        f"{counts[status]} {status_label(status)}"
        for status in (IMPORTED, REPLACED, ALREADY_IMPORTED, REFUSED)
        if counts[status]
    )
    lines = [_("%(count)d files: %(summary)s.") % {"count": len(results), "summary": summary}]
    # The refused first: they are what the user must act on.
    for result in sorted(results, key=lambda r: (r.status != REFUSED, r.file)):
        lines.append(f"{result.file}: {status_label(result.status)} — {result.message}")
    return jobs.Outcome("\n".join(lines), url=reverse("stats:un_report_list"))


@task()
def build_workbook(job_id: int) -> None:
    jobs.execute(job_id, _build_workbook)


def _build_workbook(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    owner = jobs.owner_with(job, NATIONAL_PERMISSION)
    today = timezone.localdate()
    content = statistics_workbook(owner, today)
    name = f"statistics_{today:%Y-%m-%d}.xlsx"
    return jobs.Outcome(
        _("The statistics workbook of %(date)s is ready.") % {"date": f"{today:%Y-%m-%d}"},
        url=reverse("stats:national"),
        content=content,
        file_name=name,
        content_type=XLSX,
    )


@task()
def build_briefing(job_id: int) -> None:
    jobs.execute(job_id, _build_briefing)


def _build_briefing(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    owner = jobs.owner_with(job, NATIONAL_PERMISSION)
    month = datetime.date.fromisoformat(job.params["month"])
    data = briefing(owner, month, timezone.localdate())
    return jobs.Outcome(
        _("The briefing for %(month)s is ready.") % {"month": f"{month:%Y-%m}"},
        url=reverse("stats:national"),
        content=briefing_pdf(data),
        file_name=f"{data.filename}.pdf",
        content_type="application/pdf",
    )


@task()
def recount_tallies(job_id: int) -> None:
    """Every organisation's tallies counted again from the deployments: what a change made
    outside the application (a restore, a fix in the database) left stale is right by morning."""
    jobs.execute(job_id, _recount_tallies)


def _recount_tallies(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    counted = tallies.recount()
    return jobs.Outcome(
        _("Recounted the national figures of %(count)d organisations.") % {"count": len(counted)}
    )
