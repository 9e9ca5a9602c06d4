"""Backing up and restoring a whole installation: the database and the stored files, in one
archive (docs/backups.md is the user's guide). This module decides what is done and refused;
core/backup_archive.py is the archive's format and core/backup_database.py how each engine
copies and replaces its database.
"""

from __future__ import annotations

import datetime
import os
import shutil
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from core import backup_archive, backup_database
from core.backup_archive import BackupError
from core.backup_database import compare, live_counts, mismatch

Say = Callable[[str], None]

# Tables that `migrate` itself fills on an empty database, found by migrating an empty one and
# looking (docs/backups.md): a database whose rows are all in these tables is "empty" and
# restore writes over it without --force. They are the migration record, content types and
# permissions, the roles and the defaults they were offered (core.roles.ensure_roles), the
# catalogues that data migrations load (requirements, countries, parity targets, reimbursement
# rates, courses and assessment rules), and two tables whose rows are not records: the cache
# and sessions. Named by model (and many-to-many field), so that a renamed table follows.
FILLED_BY_MIGRATE = [
    "contenttypes.ContentType",
    "auth.Permission",
    "auth.Group",
    "auth.Group.permissions",
    "core.RoleDefault",
    "planning.Requirement",
    "stats.Country",
    "stats.ParityTarget",
    "stats.ReimbursementRate",
    "training.AssessmentRule",
    "training.Course",
    "training.Course.prerequisites",
    "sessions.Session",
]


def migrate_filled_tables() -> set[str]:
    from django.apps import apps

    tables = {"django_migrations", settings.CACHES["default"].get("LOCATION", "")}
    for label in FILLED_BY_MIGRATE:
        app_label, model_name, *through = label.split(".")
        model = apps.get_model(app_label, model_name)
        if through:
            model = model._meta.get_field(through[0]).remote_field.through
        tables.add(model._meta.db_table)
    return tables


def engine() -> str:
    """The default database's engine as the manifest names it: sqlite or postgresql."""
    if connection.vendor not in backup_archive.DATABASE_MEMBERS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def application_version() -> str:
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as file:
            return tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def files_on_object_store() -> bool:
    return "FileSystemStorage" not in settings.STORAGES["default"]["BACKEND"]


# --- backup -------------------------------------------------------------------------------------


@dataclass
class BackupSummary:
    path: Path
    size: int
    tables: int
    rows: int
    files: int
    seconds: float


def stored_files() -> list[tuple[str, Path]]:
    """(name relative to MEDIA_ROOT, path) of every regular file there; none when it is not
    a folder yet or the files are on an object store."""
    root = Path(settings.MEDIA_ROOT)
    if files_on_object_store() or not root.is_dir():
        return []
    found = []
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(root).as_posix(), path))
    return sorted(found)


def backup(path: Path, say: Say = print) -> BackupSummary:
    """Write the archive `path`: the database, every stored file, the manifest."""
    started = time.perf_counter()
    kind = engine()
    path = path.resolve()
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    with tempfile.TemporaryDirectory(prefix="blueberet-backup-") as work:
        member = backup_archive.DATABASE_MEMBERS[kind]
        dump = Path(work) / member
        if kind == "sqlite":
            copy = backup_database.sqlite_copy(dump)
        else:
            copy = backup_database.postgres_copy(dump)
        say(f"Database ({backup_archive.ENGINE_NAMES[kind]}) copied: {len(copy.counts)} tables.")
        writer = backup_archive.ArchiveWriter(path)
        try:
            writer.add_file(member, dump)
            dump.unlink()  # the archive holds it now; do not keep two copies on disk
            files = [(name, file) for name, file in stored_files() if file != writer.partial]
            for name, file in files:
                writer.add_file(backup_archive.STORAGE_PREFIX + name, file)
            writer.finish(_manifest(kind, copy))
        except BaseException:
            writer.abandon()
            raise
    return BackupSummary(
        path=path,
        size=path.stat().st_size,
        tables=len(copy.counts),
        rows=sum(copy.counts.values()),
        files=len(files),
        seconds=time.perf_counter() - started,
    )


def _manifest(kind: str, copy: backup_database.DatabaseCopy) -> dict[str, Any]:
    if files_on_object_store():
        stored = {
            "where": "object store",
            "note": "Stored files are on an S3-compatible object store and are not in this "
            "archive: they are kept by the object store's own versioning (docs/backups.md).",
        }
    else:
        stored = {"where": "archive", "folder": "storage/"}
    return {
        "format": backup_archive.FORMAT,
        "format_version": backup_archive.FORMAT_VERSION,
        "application_version": application_version(),
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": {"engine": kind, "member": backup_archive.DATABASE_MEMBERS[kind]},
        "schema": copy.schema,
        "tables": copy.counts,
        "stored_files": stored,
    }


# --- restore ------------------------------------------------------------------------------------


@dataclass
class RestoreSummary:
    size: int
    tables: int
    rows: int
    files: int
    seconds: float
    # (table, rows in the manifest, rows after the restore), every table of the archive.
    comparison: list[tuple[str, int, int]]
    # Migrations applied after the restore, when the archive's schema was older; else 0.
    migrated: int


def check_schema(archived: dict[str, str], version: str) -> list[str]:
    """Refuse an archive that applied a migration this code does not know (it comes from a
    newer release); return the apps whose newest migration is older than this code's, which
    `migrate` brings up to date after the restore."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    for app, name in archived.items():
        if (app, name) not in known:
            raise BackupError(
                f"The archive comes from a newer schema: its database applied migration "
                f"{app}.{name}, which this application does not know (the archive was made by "
                f"Blue Beret {version}). Upgrade the application first, then restore."
            )
    newest: dict[str, str] = {}
    for app, name in known:
        newest[app] = max(newest.get(app, name), name)
    return sorted(app for app, name in newest.items() if archived.get(app) != name)


def check_empty() -> None:
    """Refuse to write over a database that holds anything but what migrate made."""
    filled_by_migrate = migrate_filled_tables()
    holding = []
    with connection.cursor() as cursor:
        for table in backup_database.tables(cursor):
            if table not in filled_by_migrate:
                cursor.execute(f"SELECT 1 FROM {backup_database.quote(table)} LIMIT 1")
                if cursor.fetchone():
                    holding.append(table)
    if holding:
        raise BackupError(
            f"The database is not empty ({len(holding)} tables hold rows, e.g. {holding[0]}): "
            "restore replaces everything in it. Restore into an empty database, or pass "
            "--force to replace this one."
        )


def _restore_files(files: dict[str, Path]) -> int:
    """Put each archived file back under MEDIA_ROOT, replacing one of the same name; files
    that are not in the archive are left alone."""
    root = Path(settings.MEDIA_ROOT)
    for name, staged in sorted(files.items()):
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".restoring")
        shutil.move(staged, partial)
        os.replace(partial, target)
    return len(files)


def restore(path: Path, *, force: bool = False, say: Say = print) -> RestoreSummary:
    """Check the archive `path` whole, then replace the database with it, put the stored files
    back, and bring an older schema up to date with migrate."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db.migrations.recorder import MigrationRecorder

    started = time.perf_counter()
    kind = engine()
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="blueberet-restore-") as work:
        staged = backup_archive.read(path, Path(work))
        manifest = staged.manifest
        version = manifest.get("application_version", "?")
        say(
            f"Archive {path.name}: made {manifest.get('created_at', '?')} by Blue Beret "
            f"{version}; {len(manifest['checksums'])} members, every checksum matches."
        )
        if staged.engine != kind:
            names = backup_archive.ENGINE_NAMES
            raise BackupError(
                f"The archive holds a {names[staged.engine]} database and this database is "
                f"{names[kind]}: restore it onto {names[staged.engine]} (set DB_ENGINE)."
            )
        behind = check_schema(manifest["schema"], version)
        if force:
            say("--force: whatever the database holds is replaced.")
        else:
            check_empty()
        if kind == "sqlite":
            backup_database.sqlite_restore(staged)
        else:
            backup_database.postgres_restore(staged)
        ContentType.objects.clear_cache()
        comparison = compare(manifest["tables"], live_counts())
        if problem := mismatch(comparison):
            raise BackupError(f"After the restore, {problem}.")
        say(f"Database restored: {len(comparison)} tables.")
        files = 0
        if manifest.get("stored_files", {}).get("where") != "archive":
            say("The archive's stored files were on an object store: they are not in it.")
        elif files_on_object_store():
            # Rare (moving from a shared folder to S3); the files are in the archive's
            # storage/ folder, to be copied into the bucket with the object store's tools.
            say(
                f"This installation stores files on an object store: the archive's "
                f"{len(staged.files)} stored files were not put back (docs/backups.md)."
            )
        else:
            files = _restore_files(staged.files)
    migrated = 0
    if behind:
        say(
            "The archive's schema is older than this application's "
            f"({', '.join(behind)}): running migrate."
        )
        before = len(MigrationRecorder(connection).applied_migrations())
        call_command("migrate", interactive=False, verbosity=0)
        migrated = len(MigrationRecorder(connection).applied_migrations()) - before
        say(f"Migrated: {migrated} migrations applied.")
    return RestoreSummary(
        size=path.stat().st_size,
        tables=len(comparison),
        rows=sum(found for _table, _expected, found in comparison),
        files=files,
        seconds=time.perf_counter() - started,
        comparison=comparison,
        migrated=migrated,
    )
