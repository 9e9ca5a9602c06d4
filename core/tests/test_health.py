"""/health/: what a proxy or monitor asks of an app server."""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.models import Job, JobState


def test_a_healthy_server_answers_200_without_signing_in(client, db):
    response = client.get("/health/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] and body["checks"]["cache"] and body["checks"]["storage"]
    assert body["checks"]["workers_keeping_up"] is True


def test_a_queue_no_worker_takes_is_reported_but_the_server_stays_in_service(client, db):
    Job.objects.create(
        kind="test",
        title="Waiting",
        state=JobState.QUEUED,
        created_at=timezone.now() - datetime.timedelta(minutes=20),
    )

    body = client.get("/health/").json()

    assert body["status"] == "ok"
    assert body["checks"]["workers_keeping_up"] is False
    assert body["checks"]["queue_oldest_waiting_seconds"] >= 1200


def test_storage_that_cannot_be_written_takes_the_server_out_of_service(client, db, settings):
    settings.MEDIA_ROOT = "/proc/blueberet-cannot-write-here"

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["checks"]["storage"] is False
