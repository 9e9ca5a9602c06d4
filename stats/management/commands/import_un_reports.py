"""python manage.py import_un_reports PATH... — import UN monthly reports (files or folders)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stats.imports import (
    ALREADY_IMPORTED,
    IMPORTED,
    REFUSED,
    REPLACED,
    import_report,
    repeated_months,
    report_files,
)


class Command(BaseCommand):
    help = "Import the UN's monthly 'Contribution of Uniformed Personnel' PDF reports."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="report files, or folders of them")

    def handle(self, *args: Any, **options: Any) -> None:
        files = list(report_files(options["paths"]))
        results = []
        width = len(str(len(files)))
        for number, path in enumerate(files, start=1):
            result = import_report(path)
            results.append(result)
            style = self.style.SUCCESS if result.ok else self.style.ERROR
            self.stdout.write(
                f"[{number:>{width}}/{len(files)}] {result.file}: "
                + style(f"{result.status}")
                + f" - {result.message}"
            )
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Summary"))
        counts: dict[str, int] = {}
        for result in results:
            counts[result.status] = counts.get(result.status, 0) + 1
        for status in (IMPORTED, REPLACED, ALREADY_IMPORTED, REFUSED):
            self.stdout.write(f"  {status}: {counts.get(status, 0)}")
        refused = [result for result in results if not result.ok]
        if refused:
            self.stdout.write("Refused files:")
            for result in refused:
                self.stdout.write(f"  {result.file}: {result.message}")
        repeats = repeated_months(results)
        if repeats:
            self.stdout.write("Files that repeat a month:")
            for month, names in repeats.items():
                self.stdout.write(f"  {month}: {', '.join(names)}")
