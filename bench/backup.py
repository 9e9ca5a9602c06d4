"""Time to back up and restore the scale data (100,000 people, 500,000 deployments).

Backs up the scale data with `manage.py backup`, restores the archive with `manage.py restore`
into a separate, empty database (so the scale data is never touched), and prints seconds and
sizes beside the baseline measured in the same run: a plain copy of the database file (SQLite)
or a plain `pg_dump --format=custom` to /dev/null (PostgreSQL). Both commands run as the
operator runs them (their own process, Django's start included); the restore's own check that
every table's rows match the manifest is part of its time.

Usage (from the project root):
    .venv/bin/python bench/backup.py                 # SQLite, bench/bench.sqlite3.backup
    DB_ENGINE=postgres DB_PASSWORD=... .venv/bin/python bench/backup.py
                                                     # database blueberet_bench_backup
The scale data is generated once (seed 42) and reused; the restore goes to a fresh temporary
file (SQLite) or to the database blueberet_bench_backup_restore, created empty and dropped
afterwards.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import (
    ROOT,
    configure,
    ensure_postgres_database,
    on_postgres,
    postgres_server,
    scale_reader,
)

configure(ROOT / "bench" / "bench.sqlite3.backup", "blueberet_bench_backup")

RESTORE_DATABASE = "blueberet_bench_backup_restore"


def fresh_postgres_database(name: str, *, create: bool = True) -> None:
    """Drop the database `name` if it exists and, with `create`, make it again, empty."""
    from psycopg import sql

    with postgres_server() as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        if create:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(*args: str, database: str) -> tuple[float, str]:
    """Run `manage.py ARGS` on `database`: (wall seconds, its last line)."""
    env = {**os.environ, "DB_NAME": database}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stderr or done.stdout}")
    return seconds, done.stdout.strip().splitlines()[-1]


def baseline(work: Path) -> tuple[str, float, int]:
    """(what, seconds, bytes) of the plain copy this engine offers."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if on_postgres():
        env = {
            **os.environ,
            "PGDATABASE": name,
            "PGHOST": connection.settings_dict["HOST"],
            "PGPORT": str(connection.settings_dict["PORT"]),
            "PGUSER": connection.settings_dict["USER"],
            "PGPASSWORD": connection.settings_dict["PASSWORD"],
        }
        started = time.perf_counter()
        subprocess.run(
            ["pg_dump", "--format=custom"], env=env, stdout=subprocess.DEVNULL, check=True
        )
        return "pg_dump --format=custom > /dev/null", time.perf_counter() - started, 0
    with connection.cursor() as cursor:
        # Everything in the main file, so that copying the file copies the whole database.
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    copy = work / "copy.sqlite3"
    started = time.perf_counter()
    shutil.copyfile(name, copy)
    seconds = time.perf_counter() - started
    size = copy.stat().st_size
    copy.unlink()
    return "copy of the database file", seconds, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--deployments", type=int, default=500_000)
    args = parser.parse_args()

    ensure_postgres_database()
    import django

    django.setup()
    from django.db import connection

    scale_reader(args.people, args.deployments)
    source = str(connection.settings_dict["NAME"])
    work = Path(tempfile.mkdtemp(prefix="blueberet-bench-backup-"))
    try:
        what, copy_seconds, copy_size = baseline(work)
        archive = work / "scale.tar.gz"
        backup_seconds, backup_said = manage("backup", str(archive), database=source)
        if on_postgres():
            target = RESTORE_DATABASE
            fresh_postgres_database(target)
        else:
            target = str(work / "restored.sqlite3")
        restore_seconds, restore_said = manage("restore", str(archive), database=target)
        size = archive.stat().st_size
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if on_postgres():
            fresh_postgres_database(RESTORE_DATABASE, create=False)  # a copy: not kept

    print(
        f"baseline ({what}): {copy_seconds:.1f} s"
        + (f", {copy_size / 1e6:.0f} MB" if copy_size else "")
    )
    print(
        f"backup:  {backup_seconds:.1f} s, archive {size / 1e6:.0f} MB "
        f"({backup_seconds / copy_seconds:.1f}x the baseline)"
    )
    print(f"         {backup_said}")
    print(f"restore: {restore_seconds:.1f} s into {target}")
    print(f"         {restore_said}")


if __name__ == "__main__":
    main()
