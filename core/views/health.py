"""/health/: whether this app server can do its work, for the proxy, a monitor or a person.

Answers without signing in (a load balancer cannot sign in) and says nothing about the data:
only whether the database answers, the shared cache and storage work, and how long the oldest
waiting job has waited (a queue that only grows means no worker runs). 200 when all is well,
503 when something this server needs is not there, so the proxy stops sending it users.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views import View

from core.models import Job, JobState

logger = logging.getLogger(__name__)

# A job waiting longer than this means no worker is taking jobs: said, but not a 503 (the
# pages still work; the proxy must keep sending users here).
QUEUE_WARNING_SECONDS = 300


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def cache_ok() -> bool:
    key = f"health-{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", 10)
        found = cache.get(key) == "ok"
        cache.delete(key)
    except DatabaseError:
        return False
    return found


def storage_ok() -> bool:
    name = f"health/{uuid.uuid4().hex}"
    try:
        saved = default_storage.save(name, ContentFile(b"ok"))
        default_storage.delete(saved)
    except Exception:  # a full disk, a lost NFS mount, an object store away: all "failing"
        logger.exception("health: the stored files cannot be written")
        return False
    return True


def oldest_waiting_seconds() -> float | None:
    waiting = Job.objects.filter(state=JobState.QUEUED).order_by("created_at").first()
    if waiting is None:
        return None
    return (timezone.now() - waiting.created_at).total_seconds()


class HealthView(View):
    # Not activity for a session, and not in the access log: it reads no personal data.
    passive = True

    def get(self, request: HttpRequest) -> JsonResponse:
        started = time.monotonic()
        checks: dict[str, Any] = {"database": database_ok()}
        if checks["database"]:
            checks["cache"] = cache_ok()
            waited = oldest_waiting_seconds()
            checks["queue_oldest_waiting_seconds"] = None if waited is None else round(waited)
            checks["workers_keeping_up"] = waited is None or waited < QUEUE_WARNING_SECONDS
        checks["storage"] = storage_ok()
        healthy = checks["database"] and checks.get("cache", False) and checks["storage"]
        body = {
            "status": "ok" if healthy else "failing",
            "checks": checks,
            "database_engine": connection.vendor,
            "replica": "replica" in settings.DATABASES,
            "milliseconds": round(1000 * (time.monotonic() - started)),
        }
        return JsonResponse(body, status=200 if healthy else 503)
