"""`manage.py worker`: run background jobs (django-tasks-db's db_worker, and a watch for the
jobs of workers that died).

On start, and then every JOB_STALE_SECONDS / 2, a running job whose sign of life is too old
is marked failed with that reason (core.jobs.reap_stale): its worker was killed (a power cut,
the out-of-memory killer) and its transaction never committed. Start one or more workers on
any machine that reaches the database and the shared storage; each takes one task at a time.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from core import jobs

logger = logging.getLogger(__name__)
WORKER_CONNECTION_SECONDS = 600


class StaleJobWatch(threading.Thread):
    def __init__(self) -> None:
        super().__init__(name="stale-job-watch", daemon=True)
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = max(1, settings.JOB_STALE_SECONDS // 2)
        while not self.stopped.wait(interval):
            try:
                reaped = jobs.reap_stale()
            except DatabaseError:  # the database busy (SQLite) or away: try again later
                continue
            finally:
                connection.close()
            if reaped:
                logger.warning("marked %d jobs of stopped workers failed", reaped)

    def stop(self) -> None:
        self.stopped.set()


class Command(DatabaseWorkerCommand):
    help = "Run background jobs (imports, the planner, workbooks, nightly work)."

    def handle(self, *args: Any, **options: Any) -> None:
        # The worker polls the queue every second: reconnecting each time held it to 17-24
        # tasks a second, a kept connection gives 59-75 (measured, docs/background-jobs.md).
        kept = {}
        for alias in connections:
            settings_dict = connections[alias].settings_dict
            kept[alias] = settings_dict.get("CONN_MAX_AGE")
            if not settings_dict.get("CONN_MAX_AGE"):
                settings_dict["CONN_MAX_AGE"] = WORKER_CONNECTION_SECONDS
        watch = StaleJobWatch()
        try:
            reaped = jobs.reap_stale()
            if reaped:
                self.stdout.write(f"marked {reaped} jobs of stopped workers failed")
            if not options.get("batch"):
                watch.start()
            super().handle(*args, **options)
        finally:
            watch.stop()
            # As they were: a worker run inside another process (a test) leaves no trace.
            for alias, age in kept.items():
                connections[alias].settings_dict["CONN_MAX_AGE"] = age
