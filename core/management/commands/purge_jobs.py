"""`manage.py purge_jobs`: remove finished background jobs older than JOB_RETENTION_DAYS,
with their stored files (uploads they read, workbooks they made). Queued nightly."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from core import jobs


class Command(BaseCommand):
    help = "Remove finished background jobs older than the retention period, and their files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=settings.JOB_RETENTION_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        removed = jobs.purge(options["days"])
        self.stdout.write(f"removed {removed} finished jobs older than {options['days']} days")
