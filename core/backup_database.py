"""The database's side of backups, by the engine's own means, never row by row through the
ORM (core/backups.py decides what to do; this module knows how each engine does it):

  * SQLite: the online backup API (`sqlite3.Connection.backup`), consistent while the server
    writes; restored the same way into the live connection in one step, so the database is
    either the old one or the archived one, never half of each.
  * PostgreSQL: `pg_dump --format=custom` of a snapshot that the row counts are read in too
    (so the manifest describes exactly the dump); restored by `pg_restore --clean --if-exists
    --no-owner`, applied by psql in a single transaction.

Everything works on the connection Django has open (`connection.settings_dict`), not on
settings.DATABASES: in tests that is the test database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from core.backup_archive import BackupError, StagedArchive


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def tables(cursor: Any) -> list[str]:
    return sorted(
        info.name
        for info in connection.introspection.get_table_list(cursor)
        if info.type == "t" and not info.name.startswith("sqlite_")
    )


def counts(cursor: Any, names: list[str]) -> dict[str, int]:
    found = {}
    for table in names:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        found[table] = cursor.fetchone()[0]
    return found


def newest_migrations(cursor: Any) -> dict[str, str]:
    """For each app, the newest applied migration: the highest-numbered name, as Django
    numbers them."""
    cursor.execute("SELECT app, name FROM django_migrations")
    newest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        newest[app] = max(newest.get(app, name), name)
    return dict(sorted(newest.items()))


def live_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return counts(cursor, tables(cursor))


# --- copying -------------------------------------------------------------------------------


@dataclass
class DatabaseCopy:
    path: Path
    counts: dict[str, int]
    schema: dict[str, str]


def sqlite_copy(target: Path) -> DatabaseCopy:
    """The online backup API into `target`, then the counts read from that copy."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1): the copy is one consistent moment, even while the server writes.
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        names = sorted(name for (name,) in cursor.fetchall() if not name.startswith("sqlite_"))
        return DatabaseCopy(target, counts(cursor, names), newest_migrations(cursor))
    finally:
        copy.close()


def _pg_environment() -> dict[str, str]:
    """libpq's variables for the database this process is connected to (in tests, the test
    database, which is why the connection's settings are read rather than DATABASES)."""
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        PGDATABASE=str(db["NAME"]),
        PGHOST=str(db["HOST"] or "localhost"),
        PGPORT=str(db["PORT"] or "5432"),
        PGUSER=str(db["USER"] or ""),
        PGPASSWORD=str(db["PASSWORD"] or ""),
    )
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(sslmode)
    return env


def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found: install PostgreSQL's client tools of the server's version "
            "(apt-get install postgresql-client)."
        )
    return found


def _run(command: list[str], **kwargs: Any) -> None:
    result = subprocess.run(command, env=_pg_environment(), capture_output=True, **kwargs)
    if result.returncode:
        detail = result.stderr.decode(errors="replace").strip().splitlines()
        raise BackupError(f"{Path(command[0]).name} failed: {detail[-1] if detail else '?'}")


def postgres_copy(target: Path) -> DatabaseCopy:
    """pg_dump of a snapshot exported by this connection, whose counts are read in the same
    snapshot: the manifest's counts are the dump's, even while the server writes."""
    pg_dump = pg_tool("pg_dump")
    if connection.in_atomic_block:
        # The snapshot's isolation level can only be chosen by the transaction's first query.
        raise BackupError("A backup cannot run inside a transaction.")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        rows = counts(cursor, tables(cursor))
        schema = newest_migrations(cursor)
        _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"])
    return DatabaseCopy(target, rows, schema)


# --- restoring ------------------------------------------------------------------------------


def compare(expected: dict[str, int], found: dict[str, int]) -> list[tuple[str, int, int]]:
    return [(table, rows, found.get(table, -1)) for table, rows in sorted(expected.items())]


def mismatch(comparison: list[tuple[str, int, int]]) -> str | None:
    for table, expected, found in comparison:
        if expected != found:
            held = "is missing" if found < 0 else f"holds {found} rows"
            return f"table {table} {held}; the manifest says {expected}"
    return None


def sqlite_restore(staged: StagedArchive) -> None:
    """The backup API from the archived file into the live connection, in one step: SQLite
    replaces the whole database inside one write transaction, or leaves it as it was."""
    source = sqlite3.connect(staged.database)
    try:
        cursor = source.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        names = [name for (name,) in cursor.fetchall() if not name.startswith("sqlite_")]
        # Checked on the archived copy first: a mismatch is refused before anything changes.
        if problem := mismatch(compare(staged.manifest["tables"], counts(cursor, names))):
            raise BackupError(f"The archived database does not match its manifest: {problem}.")
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError("Restore cannot run inside a transaction.")
        source.backup(connection.connection)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"SQLite could not restore the archived database: {error}.") from error
    finally:
        source.close()


# Sent to psql after a pg_restore that failed: ends a COPY it may have been in, then fails, so
# that the single transaction rolls back (ON_ERROR_STOP).
_ABORT = b"\n\\.\nDO $$ BEGIN RAISE EXCEPTION 'pg_restore failed: nothing restored'; END $$;\n"


def postgres_restore(staged: StagedArchive) -> None:
    """pg_restore --clean --if-exists --no-owner, applied by psql in a single transaction
    together with dropping the tables the archive does not have (those of migrations newer
    than the archive, which would otherwise block dropping the tables they point at and make
    the later migrate fail): all of it, or nothing."""
    pg_restore, psql = pg_tool("pg_restore"), pg_tool("psql")
    archived = set(staged.manifest["tables"])
    with connection.cursor() as cursor:
        leftovers = [table for table in tables(cursor) if table not in archived]
    connection.close()  # hold no lock or cached plan on tables that are about to be replaced
    command = [psql, "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1"]
    if leftovers:
        command += [
            "--command",
            f"DROP TABLE IF EXISTS {', '.join(map(quote, leftovers))} CASCADE",
        ]
    command += ["--file=-"]
    env = _pg_environment()
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        script = subprocess.Popen(
            [pg_restore, "--clean", "--if-exists", "--no-owner", "--file=-", str(staged.database)],
            stdout=subprocess.PIPE,
            stderr=restore_errors,
            env=env,
        )
        applying = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_errors, env=env
        )
        assert script.stdout is not None and applying.stdin is not None
        try:
            # Relayed rather than piped, so that a pg_restore that stops half-way can be told
            # to psql: on a bare pipe psql would see an early end and commit the half.
            shutil.copyfileobj(script.stdout, applying.stdin, 1024 * 1024)
            if script.wait():
                applying.stdin.write(_ABORT)
            applying.stdin.close()
        except BrokenPipeError:
            pass  # psql stopped at an error: it has rolled back, and says why below
        script.stdout.close()
        script.wait()
        applying.wait()
        restore_errors.seek(0)
        psql_errors.seek(0)
        # pg_restore's own complaint first when it failed: psql's is then only the abort.
        first, second = (
            (restore_errors, psql_errors) if script.returncode else (psql_errors, restore_errors)
        )
        said = (first.read() + second.read()).decode(errors="replace")
    if applying.returncode or script.returncode:
        lines = [line for line in said.splitlines() if "ERROR" in line or "error" in line]
        raise BackupError(
            "PostgreSQL refused the restore, and changed nothing: "
            + (lines[0].strip() if lines else f"psql exit {applying.returncode}")
        )
