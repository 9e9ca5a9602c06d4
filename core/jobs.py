"""Long work as background jobs: started from a page, run by a worker, followed by its user.

The queue is django-tasks' (its database backend in production; the tests run each task at
once). What the user sees is a `core.models.Job`: a page that polls how far the work has got
and, once it is done, says what came of it, links to the page to see it and offers the file
it made. An app starts a job with `start(task, ...)` and writes the task as

    @task()
    def import_files(job_id: int) -> None:
        jobs.execute(job_id, work)          # work(job, progress) -> Outcome

How far a job has got is written to a small file beside its inputs in the shared storage
(jobs/<id>/progress.json), not to the database: the work holds its transaction open until
it is all done (imports are all-or-nothing), and a second connection could not write while
it does on SQLite, nor could another read what the first has not committed. The same file is
the job's sign of life: a thread rewrites it every JOB_HEARTBEAT_SECONDS, and a running job
whose file is older than JOB_STALE_SECONDS lost its worker (`reap_stale`), so it is marked
failed with that reason; since its work was one transaction, nothing of it was written.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access_log import home_organisation_id
from core.models import Job, JobState

logger = logging.getLogger(__name__)

FOLDER = "jobs"
# A progress note is written at most this often (seconds), however often the work reports.
REPORT_EVERY_SECONDS = 0.5


class JobRefused(Exception):
    """The work cannot be done as asked: the message is for the user, nothing was written.

    `url`, when given, is where the user puts it right (the import page with the kept file):
    the job's page offers it as a button.
    """

    def __init__(self, message: str, url: str = "") -> None:
        super().__init__(message)
        self.url = url


@dataclass
class Outcome:
    """What a finished job tells its user, where to look, and the file it made, if any."""

    message: str
    url: str = ""
    content: bytes | None = None
    file_name: str = ""
    content_type: str = ""


def folder(job: Job) -> str:
    return f"{FOLDER}/{job.pk}"


def input_name(job: Job, name: str) -> str:
    return f"{folder(job)}/in/{name}"


def start(
    task: Any,
    *,
    kind: str,
    title: str,
    user: Any,
    params: dict[str, Any] | None = None,
    inputs: Iterable[tuple[str, File | bytes]] = (),
    all_or_nothing: bool = True,
    one_transaction: bool | None = None,
) -> Job:
    """Record a job for `user`, keep its input files in the shared storage, queue `task`.

    The task is queued in the same transaction as the job (both are rows of this database),
    so a worker never picks up a task whose job it cannot read yet. `all_or_nothing` says
    whether a job stopped half-way left nothing behind or kept its finished steps (each file
    of a batch its own transaction): the failure message says so. `one_transaction` (by
    default the same) says whether `execute` holds one transaction around the work; a job
    that only reads until it stores its result in a short transaction of its own (the
    planner, which may think for seconds while SQLite would hold its write lock) is all or
    nothing without it.
    """
    if one_transaction is None:
        one_transaction = all_or_nothing
    with transaction.atomic():
        return _start(task, kind, title, user, params, inputs, all_or_nothing, one_transaction)


def _start(
    task: Any,
    kind: str,
    title: str,
    user: Any,
    params: dict[str, Any] | None,
    inputs: Iterable[tuple[str, File | bytes]],
    all_or_nothing: bool,
    one_transaction: bool,
) -> Job:
    job = Job.objects.create(
        kind=kind,
        title=title[:200],
        owner=user if getattr(user, "is_authenticated", False) else None,
        organisation_id=home_organisation_id(user) if user is not None else None,
        params={
            **(params or {}),
            "all_or_nothing": all_or_nothing,
            "one_transaction": one_transaction,
        },
    )
    names = []
    for index, (name, content) in enumerate(inputs):
        if isinstance(content, bytes):
            content = ContentFile(content)
        # The index keeps two uploads of the same name apart; the name stays readable.
        stored = default_storage.save(input_name(job, f"{index:04d}-{safe_name(name)}"), content)
        names.append({"name": name, "stored": stored})
    if names:
        job.params = {**job.params, "inputs": names}
        job.save(update_fields=["params"])
    result = task.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def safe_name(name: str) -> str:
    """A file name that cannot leave its folder or confuse a storage."""
    cleaned = "".join(c if c.isalnum() or c in "._- " else "_" for c in name.split("/")[-1])
    return cleaned.strip(". ")[:100] or "file"


def inputs(job: Job) -> list[tuple[str, str]]:
    """The job's input files: (name as uploaded, name in the storage)."""
    return [(item["name"], item["stored"]) for item in job.params.get("inputs", [])]


def owner_with(job: Job, *permissions: str) -> Any:
    """The job's owner, asked again when the work runs whether they still may: a grant may
    have gone, or the account been closed, since the job was started."""
    owner = job.owner
    if owner is None or not owner.is_active or not owner.has_perms(permissions):
        raise JobRefused(_("You may no longer do this; nothing was done."))
    return owner


class Progress:
    """How far a running job has got, written for the page that polls it.

    `report(done, total, text)` may be called as often as the work likes; it writes at most
    every REPORT_EVERY_SECONDS, and always the last step. The heartbeat thread rewrites the
    last note so that a long silent step (the solver) is not taken for a dead worker.
    """

    def __init__(self, job: Job) -> None:
        self.job = job
        self.state: dict[str, Any] = {"done": 0, "total": 0, "text": ""}
        self.last_write = 0.0
        self.lock = threading.Lock()

    def report(self, done: int, total: int, text: str = "") -> None:
        with self.lock:
            self.state = {"done": done, "total": total, "text": text}
            now = time.monotonic()
            if done < total and now - self.last_write < REPORT_EVERY_SECONDS:
                return
            self.last_write = now
            self._write()

    def beat(self) -> None:
        with self.lock:
            self._write()

    def _write(self) -> None:
        note = {**self.state, "at": time.time()}
        write_note(self.job, note)


def note_name(job: Job) -> str:
    return f"{folder(job)}/progress.json"


def write_note(job: Job, note: dict[str, Any]) -> None:
    """Replace the job's note in one step: a poll never finds it missing or half written
    (which the reaper would take for a dead worker)."""
    name = note_name(job)
    content = json.dumps(note).encode()
    try:
        path = Path(default_storage.path(name))
    except NotImplementedError:  # an object store (S3) replaces an object in one step
        default_storage.save(name, ContentFile(content))
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    aside.write_bytes(content)
    os.replace(aside, path)


def read_note(job: Job) -> dict[str, Any] | None:
    """The job's last progress note; None when it has none or it is being rewritten."""
    try:
        with default_storage.open(note_name(job)) as handle:
            note = json.loads(handle.read())
    except (OSError, ValueError):
        return None
    return note if isinstance(note, dict) else None


class Heartbeat(threading.Thread):
    """Rewrites the progress note every JOB_HEARTBEAT_SECONDS while the work runs."""

    def __init__(self, progress: Progress) -> None:
        super().__init__(name=f"job-{progress.job.pk}-heartbeat", daemon=True)
        self.progress = progress
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(settings.JOB_HEARTBEAT_SECONDS):
            try:
                self.progress.beat()
            except Exception:  # a full disk, an object store away: the work itself will say so
                logger.exception("job %s: cannot write its sign of life", self.progress.job.pk)

    def stop(self) -> None:
        self.stopped.set()


def execute(job_id: int, work: Callable[[Job, Progress], Outcome]) -> None:
    """Run `work` for the job and record what came of it; called by the job's task.

    A job already finished (the task delivered twice) is left alone. A `JobRefused` from the
    work is the user's answer; any other error is logged in full and the user told that
    nothing was saved. Jobs marked all-or-nothing run in one transaction.
    """
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return
    Job.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, started_at=timezone.now(), attempts=job.attempts + 1
    )
    job.refresh_from_db()
    progress = Progress(job)
    heartbeat = Heartbeat(progress)
    try:
        progress.beat()
        heartbeat.start()
        if job.params.get("one_transaction", job.params.get("all_or_nothing", True)):
            with transaction.atomic():
                outcome = work(job, progress)
                # Done is recorded in the work's own transaction: a job marked failed
                # meanwhile (its worker thought dead) rolls its work back, so what it was told
                # stays true; and a worker killed after the commit leaves a job already done.
                if not finish(job, JobState.DONE, outcome.message, outcome, only_if_running=True):
                    raise Reaped
        else:
            outcome = work(job, progress)
            finish(job, JobState.DONE, outcome.message, outcome, only_if_running=True)
    except Reaped:
        logger.warning("job %s was marked failed while it ran; its work is rolled back", job.pk)
    except JobRefused as refusal:
        outcome = Outcome(str(refusal), url=refusal.url)
        finish(job, JobState.FAILED, str(refusal), outcome, only_if_running=True)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        finish(job, JobState.FAILED, unexpected_failure(job), only_if_running=True)
    except BaseException:  # the worker told to stop (a restart): its transaction rolled back
        finish(job, JobState.FAILED, stopped_worker(job, timezone.now()), only_if_running=True)
        forget_task(job)
        raise
    finally:
        heartbeat.stop()


class Reaped(Exception):
    """The job was marked failed by the reaper while its work ran."""


def unexpected_failure(job: Job) -> str:
    if job.params.get("all_or_nothing", True):
        return _(
            "An unexpected error stopped this job; nothing of it was saved. The administrators "
            "find the details in the server's log."
        )
    return _(
        "An unexpected error stopped this job; the steps it had finished are saved, the one it "
        "was in is not. The administrators find the details in the server's log."
    )


def finish(
    job: Job,
    state: str,
    message: str,
    outcome: Outcome | None = None,
    *,
    only_if_running: bool = False,
) -> bool:
    """Record how the job ended; with `only_if_running`, only if nobody has meanwhile (the
    worker finishing and the reaper are two writers of one row). True when recorded."""
    fields: dict[str, Any] = {"state": state, "message": message, "finished_at": timezone.now()}
    if outcome is not None:
        fields["result_url"] = outcome.url
        if outcome.content is not None:
            name = f"{folder(job)}/out/{safe_name(outcome.file_name)}"
            default_storage.delete(name)
            fields["result_file"] = default_storage.save(name, ContentFile(outcome.content))
            fields["result_name"] = outcome.file_name
            fields["result_type"] = outcome.content_type
    rows = Job.objects.filter(pk=job.pk)
    if only_if_running:
        rows = rows.filter(state=JobState.RUNNING)
    if not rows.update(**fields):
        return False
    for key, value in fields.items():
        setattr(job, key, value)
    return True


def last_sign_of_life(job: Job) -> datetime.datetime | None:
    for _attempt in range(3):  # a note being replaced on a slow shared folder: look again
        note = read_note(job)
        if note and isinstance(note.get("at"), (int, float)):
            return datetime.datetime.fromtimestamp(note["at"], tz=datetime.UTC)
        time.sleep(0.1)
    return job.started_at


def is_stale(job: Job, now: datetime.datetime | None = None) -> bool:
    if job.state != JobState.RUNNING:
        return False
    seen = last_sign_of_life(job)
    now = now or timezone.now()
    return seen is None or (now - seen).total_seconds() > settings.JOB_STALE_SECONDS


def reap(job: Job) -> bool:
    """Mark `job` failed if its worker died; True when it did."""
    if not is_stale(job):
        return False
    if not finish(
        job, JobState.FAILED, stopped_worker(job, last_sign_of_life(job)), only_if_running=True
    ):
        return False  # it finished meanwhile
    forget_task(job)
    return True


def stopped_worker(job: Job, seen: datetime.datetime | None) -> str:
    when = timezone.localtime(seen).strftime("%H:%M") if seen else "?"
    if job.params.get("all_or_nothing", True):
        text = _(
            "The worker running this job stopped (its last sign of life was at %(time)s); "
            "nothing of it was saved. Start it again."
        )
    else:
        text = _(
            "The worker running this job stopped (its last sign of life was at %(time)s); the "
            "steps it had finished are saved, the one it was in is not. Start it again: what "
            "is saved already is recognised and skipped."
        )
    return text % {"time": when}


def reap_stale() -> int:
    """Mark failed every running job whose worker died, and every waiting job whose task the
    queue lost; the number marked."""
    return sum(reap(job) for job in Job.objects.filter(state=JobState.RUNNING)) + reap_lost()


def reap_lost() -> int:
    """Waiting jobs whose task is no longer waiting in the queue (removed, or failed before
    the job ran): nobody will ever run them."""
    from django_tasks_db.models import DBTaskResult

    limit = timezone.now() - datetime.timedelta(seconds=settings.JOB_STALE_SECONDS)
    waiting = Job.objects.filter(state=JobState.QUEUED, created_at__lt=limit).exclude(task_id="")
    lost = 0
    for job in waiting:
        try:
            task_id = uuid.UUID(job.task_id)
        except ValueError:  # not the database queue's task (the tests' immediate backend)
            continue
        queued = DBTaskResult.objects.filter(pk=task_id, status__in=["READY", "RUNNING"])
        if not queued.exists():
            lost += Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
                state=JobState.FAILED,
                finished_at=timezone.now(),
                message=_(
                    "This job was lost from the queue before it ran; nothing of it was saved. "
                    "Start it again."
                ),
            )
    return lost


def forget_task(job: Job) -> None:
    """The queue's own record of a dead worker's task says failed too, not running forever."""
    from django_tasks_db.models import DBTaskResult

    if job.task_id:
        DBTaskResult.objects.filter(pk=job.task_id, status="RUNNING").update(
            status="FAILED", finished_at=timezone.now()
        )


def purge(older_than_days: int) -> int:
    """Remove finished jobs older than `older_than_days` and their files; the number removed."""
    limit = timezone.now() - datetime.timedelta(days=older_than_days)
    old = Job.objects.filter(
        state__in=[JobState.DONE, JobState.FAILED], created_at__lt=limit
    ).order_by()
    count = 0
    for job in old.iterator():
        remove_files(job)
        job.delete()
        count += 1
    return count


def remove_files(job: Job) -> None:
    names = [note_name(job), job.result_file, *(stored for _name, stored in inputs(job))]
    for name in names:
        if name:
            default_storage.delete(name)


def visible_jobs(user: Any) -> Any:
    """The jobs `user` follows: their own; a superuser's list shows the scheduled ones too."""
    if user.is_superuser:
        return Job.objects.filter(owner=user) | Job.objects.filter(owner__isnull=True)
    return Job.objects.filter(owner=user)


def status(job: Job) -> dict[str, Any]:
    """What the polling page shows: state, a sentence, a percentage (None: not known)."""
    if job.state == JobState.RUNNING:
        try:
            reap(job)
        except DatabaseError:  # the worker holds SQLite's write lock: look again next poll
            pass
    note = read_note(job) if job.state == JobState.RUNNING else None
    percent = None
    text = ""
    if note:
        done, total = int(note.get("done", 0)), int(note.get("total", 0))
        text = str(note.get("text", ""))
        if total > 0:
            percent = min(100, round(100 * done / total))
    return {"job": job, "text": text, "percent": percent, "finished": job.finished}
