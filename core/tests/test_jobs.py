"""Background jobs: run by a worker, followed by their user, never half-applied."""

from __future__ import annotations

import datetime
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from core import jobs, schedule, sessions, testing
from core.models import Job, JobState, Organisation
from core.tests import job_tasks

ROOT = Path(settings.BASE_DIR)


def start(user, task=job_tasks.write_then_wait, **params):
    return jobs.start(
        task,
        kind="test",
        title="A test job",
        user=user,
        params=params,
        inputs=[("name.txt", b"Made by a job")],
    )


def test_a_finished_job_shows_its_outcome_and_link_to_its_user(client, planner):
    job = start(planner)
    client.force_login(planner)

    page = client.get(job.get_absolute_url()).content.decode()

    assert job.state == JobState.DONE
    assert "made Made by a job" in page
    assert 'hx-trigger="every 1s"' not in page  # finished: the page stops polling
    assert Organisation.objects.filter(name="Made by a job").exists()
    assert "A test job" in client.get("/jobs/").content.decode()


def test_a_job_that_fails_leaves_nothing_written_and_says_so(client, planner):
    job = start(planner, job_tasks.write_then_fail)

    assert job.state == JobState.FAILED
    assert "nothing of it was saved" in job.message
    assert not Organisation.objects.filter(name="Half-way").exists()


def test_a_refused_job_tells_the_user_why(client, planner):
    job = start(planner, job_tasks.write_then_fail, refuse=True)

    assert job.state == JobState.FAILED
    assert job.message == "Row 3, column 'service number': already taken."
    assert not Organisation.objects.filter(name="Half-way").exists()


def test_another_user_cannot_see_a_job_or_its_file(client, planner, viewer):
    job = jobs.start(job_tasks.make_file, kind="test", title="A test job", user=planner)
    client.force_login(planner)
    assert testing.job_file(client, job).content == b"the owner's file"
    client.force_login(viewer)

    for url in ("", "progress/", "download/"):
        assert client.get(f"/jobs/{job.pk}/{url}").status_code == 404
    assert "A test job" not in client.get("/jobs/").content.decode()


def test_a_running_job_is_polled_and_the_poll_is_not_activity(client, planner):
    client.force_login(planner)
    job = Job.objects.create(kind="test", title="Long", owner=planner, state=JobState.RUNNING)
    job.started_at = timezone.now()
    job.save()
    jobs.write_note(job, {"done": 25, "total": 100, "text": "Checking row 25", "at": time.time()})
    session = client.session
    long_ago = time.time() - 10 * 60
    session[sessions.LAST_SEEN] = long_ago
    session.save()

    poll = client.get(f"/jobs/{job.pk}/progress/").content.decode()

    assert "Checking row 25" in poll and 'value="25"' in poll
    assert 'hx-trigger="every 1s"' in poll
    assert client.session[sessions.LAST_SEEN] == long_ago
    client.get("/jobs/")
    assert client.session[sessions.LAST_SEEN] > long_ago


def test_the_finishing_work_and_the_reaper_never_overwrite_each_other(planner, settings):
    """Two writers of one row (the worker finishing, the reaper thinking it dead): the first
    wins, so what the user was told stays true."""
    settings.JOB_STALE_SECONDS = 60
    reaped = Job.objects.create(kind="test", title="Reaped", owner=planner, state="failed")
    assert not jobs.finish(reaped, JobState.DONE, "done", only_if_running=True)
    reaped.refresh_from_db()
    assert reaped.state == JobState.FAILED

    finished = Job.objects.create(
        kind="test",
        title="Finished",
        owner=planner,
        state=JobState.RUNNING,
        started_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    Job.objects.filter(pk=finished.pk).update(state=JobState.DONE, message="done")
    assert not jobs.reap(finished)  # it still looks running to this reader
    finished.refresh_from_db()
    assert (finished.state, finished.message) == (JobState.DONE, "done")


def test_a_poll_after_the_session_ended_sends_the_whole_page_to_sign_in(client, planner):
    job = start(planner)

    response = client.get(f"/jobs/{job.pk}/progress/", headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == f"/login/?next=/jobs/{job.pk}/"


def test_a_running_job_whose_worker_went_silent_is_marked_failed_when_looked_at(
    client, planner, settings
):
    settings.JOB_STALE_SECONDS = 60
    job = Job.objects.create(
        kind="test",
        title="Orphan",
        owner=planner,
        state=JobState.RUNNING,
        started_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    jobs.write_note(job, {"done": 1, "total": 9, "at": time.time() - 300})
    client.force_login(planner)

    page = client.get(job.get_absolute_url()).content.decode()

    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "The worker running this job stopped" in page


def test_old_finished_jobs_and_their_files_are_purged(planner):
    old, recent = start(planner), start(planner)
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    stored = jobs.inputs(old)[0][1]

    assert jobs.purge(30) == 1

    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not (Path(settings.MEDIA_ROOT) / stored).exists()


def test_the_nightly_command_queues_each_apps_nightly_work(db, capsys):
    call_command("nightly")

    out = capsys.readouterr().out
    assert "Remove old access-log entries and jobs (Done)" in out
    assert "Recount the national figures (Done)" in out
    assert set(Job.objects.values_list("owner", flat=True)) == {None}
    assert {work.name for work in schedule.nightly_work()} >= {"clean_up", "recount_tallies"}


# --- the real queue, in other processes ----------------------------------------------------


def manage(env: dict[str, str], *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def job_row(database: Path, pk: int) -> tuple[str, str]:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT state, message FROM core_job WHERE id = ?", (pk,)).fetchone()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_worker_killed_mid_job_leaves_nothing_written_and_the_job_failed(tmp_path):
    """Two processes share the database and the storage folder, as a web server and a worker
    on two machines would: the job's input written by one is read by the other; the worker is
    killed while the job's transaction is open; the next worker marks it failed."""
    database = tmp_path / "queue.sqlite3"
    env = {
        **os.environ,
        "DB_ENGINE": "sqlite",
        "DB_NAME": str(database),
        "STORAGE_DIR": str(tmp_path / "shared"),
        "TASKS_IMMEDIATE": "false",
        "JOB_HEARTBEAT_SECONDS": "1",
        "JOB_STALE_SECONDS": "3",
        "DEBUG": "False",
    }
    assert manage(env, "migrate", "-v0").wait(timeout=120) == 0
    starter = manage(
        env,
        "shell",
        "-c",
        "from core import jobs; from core.tests import job_tasks; "
        "print(jobs.start(job_tasks.write_then_wait, kind='test', title='t', user=None, "
        "params={'wait': 60}, inputs=[('n.txt', b'Never saved')]).pk)",
    )
    output, _ = starter.communicate(timeout=60)
    pk = int(output.strip().splitlines()[-1])
    worker = manage(env, "worker", "--no-startup-delay", "--no-reload", start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while job_row(database, pk)[0] != JobState.RUNNING:
            assert time.monotonic() < deadline, "the worker never took the job"
            time.sleep(0.2)
        note = tmp_path / "shared" / "jobs" / str(pk) / "progress.json"
        while "written" not in (note.read_text() if note.exists() else ""):  # replaced whole
            assert time.monotonic() < deadline, "the job never wrote"
            time.sleep(0.2)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    time.sleep(3.5)  # longer than JOB_STALE_SECONDS since its last sign of life

    after = manage(env, "worker", "--batch", "--no-startup-delay", "--no-reload")
    output, _ = after.communicate(timeout=60)

    assert "marked 1 jobs of stopped workers failed" in output
    state, message = job_row(database, pk)
    assert state == JobState.FAILED
    assert "nothing of it was saved" in message
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM core_organisation").fetchone() == (0,)
        assert db.execute("SELECT status FROM django_tasks_database_dbtaskresult").fetchone() == (
            "FAILED",
        )
    assert json.loads(note.read_text())["text"] == "written, now waiting"
