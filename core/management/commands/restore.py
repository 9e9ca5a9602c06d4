"""`manage.py restore FILE`: put back an archive written by `manage.py backup`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import backups


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup`: checks it whole first (checksums, "
        "engine, schema), refuses a database that holds anything but what migrate makes unless "
        "--force, replaces the database in one step, puts the stored files back (replacing "
        "files of the same name, leaving others alone), runs migrate when the archive's schema "
        "is older, and compares every table's rows with the manifest. Stop the server and the "
        "worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The archive to restore.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that is not empty (everything in it is lost).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = backups.restore(
                Path(options["file"]), force=options["force"], say=self.stdout.write
            )
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("Rows per table, manifest = restored:")
        empty = 0
        for table, expected, found in done.comparison:
            if expected == found == 0:
                empty += 1
            else:
                self.stdout.write(f"  {table:<45} {expected:>10} = {found}")
        self.stdout.write(f"  and {empty} empty tables, empty in the manifest too.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {Path(options['file']).name} ({done.size / 1e6:.1f} MB): "
                f"{done.tables} tables, {done.rows} rows, {done.files} stored files, "
                f"in {done.seconds:.1f} s."
            )
        )
