"""python manage.py un_ranking --month YYYY-MM — the contributing countries' ranking as CSV."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.parsing import parse_month
from stats.models import PersonnelType
from stats.ranking import CSV_HEADER, csv_rows, ranking


class Command(BaseCommand):
    help = "Print the ranking of contributing countries for a month as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="the month, as YYYY-MM")
        parser.add_argument(
            "--category", choices=PersonnelType.values, help="rank one personnel type only"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        month = parse_month(options["month"])
        if month is None:
            raise CommandError(f"--month must be YYYY-MM, not {options['month']!r}")
        rows = ranking(month, options.get("category"))
        if not rows:
            raise CommandError(f"no UN report is imported for {month:%Y-%m}")
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        writer.writerows(csv_rows(rows))
