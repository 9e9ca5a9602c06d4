"""`manage.py purge_access_log`: remove access log entries older than the retention period."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from core import access_log


class Command(BaseCommand):
    help = (
        "Remove access log entries older than ACCESS_LOG_RETENTION_DAYS (or --days). "
        "Run it daily, e.g. from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Keep this many days (default: {settings.ACCESS_LOG_RETENTION_DAYS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else None
        if days is not None and days < 1:
            self.stderr.write("--days must be at least 1.")
            raise SystemExit(2)
        removed = access_log.purge(days)
        self.stdout.write(f"Removed {removed} access log entries.")
