"""A results file imported into a course run as a background job: all rows or none.

The page (training.views.trainees.ImportView) keeps the uploaded file as the job's input in
the shared storage; the worker reads it and calls training.imports.import_results as the
job's owner, in the job's one transaction. A file with any error refuses the job, its message
listing every error by row and column, and writes nothing.
"""

from __future__ import annotations

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from core import jobs
from core.models import Job
from training import imports
from training.models import CourseRun

# What the import page asks of the user before it starts the job; asked again by the job.
PERMISSIONS = ("training.change_enrolment", "training.add_enrolment")


@task()
def import_results(job_id: int) -> None:
    jobs.execute(job_id, import_file)


def import_file(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    owner = job.owner
    # The grant may have been removed since the file was sent.
    if owner is None or not owner.is_active or not owner.has_perms(PERMISSIONS):
        raise jobs.JobRefused(_("You may no longer import results; nothing was written."))
    run = (
        CourseRun.objects.restrict(owner, "change")
        .select_related("course")
        .filter(pk=job.params.get("run"))
        .first()
    )
    if run is None:
        raise jobs.JobRefused(_("This course run is gone or no longer yours; nothing was written."))
    files = jobs.inputs(job)
    if not files:
        raise jobs.JobRefused(_("The file is gone; upload it again."))
    name, stored = files[0]
    progress.report(0, 1, _("Reading %(file)s…") % {"file": name})
    with default_storage.open(stored) as handle:
        report = imports.import_results(run, File(handle, name=name), owner)
    if not report.ok:
        raise jobs.JobRefused(refusal(report.errors))
    progress.report(1, 1)
    return jobs.Outcome(
        message=_("Imported: %(created)d trainees added, %(updated)d updated.")
        % {"created": report.created, "updated": report.updated},
        url=run.get_absolute_url(),
    )


def refusal(errors: list[str]) -> str:
    """Every error, one a line, under a sentence saying nothing was written."""
    heading = ngettext(
        "Nothing was imported: %(count)s problem to correct.",
        "Nothing was imported: %(count)s problems to correct.",
        len(errors),
    ) % {"count": len(errors)}
    return "\n".join([heading, *errors])
