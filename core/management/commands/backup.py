"""`manage.py backup FILE`: the database and every stored file in one archive (docs/backups.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import backups


class Command(BaseCommand):
    help = (
        "Write one archive (tar; gzip when FILE ends in .gz) holding the database (pg_dump on "
        "PostgreSQL, the online backup API on SQLite: safe while the server runs), every stored "
        "file under STORAGE_DIR and a manifest (version, time, schema, rows per table, "
        "checksums). Restore it with `manage.py restore FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The archive to write, e.g. blueberet-2026-12-02.tar.gz.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = backups.backup(Path(options["file"]), say=self.stdout.write)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        if backups.files_on_object_store():
            self.stdout.write(
                "Stored files are on the object store and are not in the archive: they are "
                "kept by its own versioning."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up to {done.path} ({done.size / 1e6:.1f} MB): {done.tables} tables, "
                f"{done.rows} rows, {done.files} stored files, in {done.seconds:.1f} s."
            )
        )
