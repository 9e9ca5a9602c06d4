"""Tasks the job tests run: what they do is what the tests look for afterwards."""

from __future__ import annotations

import time

from django.core.files.storage import default_storage
from django_tasks import task

from core import jobs
from core.models import Job, Organisation


@task()
def write_then_wait(job_id: int) -> None:
    """Writes an organisation named after its input file's text, then waits (to be killed)."""
    jobs.execute(job_id, _write_then_wait)


def _write_then_wait(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    (_name, stored), *_rest = jobs.inputs(job)
    with default_storage.open(stored) as handle:
        name = handle.read().decode()
    Organisation.objects.create(name=name)
    progress.report(1, 2, "written, now waiting")
    time.sleep(float(job.params.get("wait", 0)))
    return jobs.Outcome(f"made {name}")


@task()
def write_then_fail(job_id: int) -> None:
    jobs.execute(job_id, _write_then_fail)


def _write_then_fail(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    Organisation.objects.create(name="Half-way")
    if job.params.get("refuse"):
        raise jobs.JobRefused("Row 3, column 'service number': already taken.")
    raise RuntimeError("a bug")


@task()
def make_file(job_id: int) -> None:
    jobs.execute(job_id, _make_file)


def _make_file(job: Job, progress: jobs.Progress) -> jobs.Outcome:
    return jobs.Outcome("made", content=b"the owner's file", file_name="f.txt")
