"""`manage.py nightly`: queue the night's work (recounts, clean-ups) for the worker.

Run once a night by the blueberet-nightly timer (deploy/); `--list` shows what it queues.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core import schedule


class Command(BaseCommand):
    help = "Queue the nightly background jobs (the worker runs them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="Only list what would be queued.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for work in schedule.nightly_work():
                self.stdout.write(f"{work.name}: {work.title}")
            return
        for job in schedule.queue_nightly():
            self.stdout.write(f"queued job {job.pk}: {job.title} ({job.get_state_display()})")
