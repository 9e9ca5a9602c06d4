"""The work that runs every night, as background jobs: each app names its own.

An app registers a task in its AppConfig.ready() with `nightly(task)`; `manage.py nightly`
(run by a systemd timer or cron at night, docs/deployment.md) queues each as a job with no
owner, which the worker runs like any other and superusers see in their list of jobs. Core
does not import the apps: they tell it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core import jobs
from core.models import Job


@dataclass(frozen=True)
class NightlyWork:
    name: str
    title: str
    task: Any


_nightly: dict[str, NightlyWork] = {}


def nightly(name: str, title: str, task: Any) -> None:
    """Register `task` (a django-tasks task taking a job id) to run every night as `name`."""
    _nightly[name] = NightlyWork(name, title, task)


def nightly_work() -> list[NightlyWork]:
    return sorted(_nightly.values(), key=lambda work: work.name)


def queue_nightly() -> list[Job]:
    """Queue every registered nightly job; returns the jobs (run at once under the tests)."""
    # Nightly work is made of steps each complete in itself (a recount is its own
    # transaction, a purge deletes files too): no transaction held around it all night.
    return [
        jobs.start(
            work.task,
            kind=f"nightly.{work.name}",
            title=str(work.title),
            user=None,
            all_or_nothing=False,
        )
        for work in nightly_work()
    ]
