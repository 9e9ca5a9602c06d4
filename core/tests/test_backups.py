"""`manage.py backup` and `manage.py restore`, on whichever database the tests run on (make test
on SQLite, CI again on PostgreSQL): the round trip of the demo with its audit history and a
stored file, and every refusal, each of which must leave the database as it was.

Transactional tests: pg_dump and psql are other processes, which see only committed data.
"""

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from core import backups, testing
from core.backup_database import live_counts
from core.models import Organisation
from people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)

OTHER_ENGINE = {
    "sqlite": ("postgresql", "database.dump"),
    "postgresql": ("sqlite", "database.sqlite3"),
}


@pytest.fixture
def storage(settings, tmp_path):
    """MEDIA_ROOT in a folder of this test, with one stored file."""
    settings.MEDIA_ROOT = tmp_path / "storage"
    settings.STORAGE_DIR = settings.MEDIA_ROOT
    stored = settings.MEDIA_ROOT / "jobs" / "17" / "readiness.xlsx"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(os.urandom(20_000))
    return stored


def run(command, *args, **options):
    out = io.StringIO()
    call_command(command, *map(str, args), stdout=out, **options)
    return out.getvalue()


def history(model):
    """Every audit row of `model`, in order, with who and when."""
    return list(model.history.order_by("history_id").values())


def marker():
    """A record that a refused restore must leave in place."""
    return testing.organisation("Ministry of Marker", short_name="MM")


def archive_members(path):
    with tarfile.open(path) as tar:
        return {member.name: tar.extractfile(member).read() for member in tar.getmembers()}


def write_archive(path, members):
    """A tar.gz holding `members` (name -> bytes), in that order."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def doctored(original, target, *, manifest=None, members=None):
    """A copy of the archive `original` with manifest fields and members replaced."""
    contents = archive_members(original)
    data = json.loads(contents.pop("manifest.json"))
    data.update(manifest or {})
    contents.update(members or {})
    contents["manifest.json"] = json.dumps(data).encode()
    return write_archive(target, contents)


@pytest.fixture
def small_archive(tmp_path, storage):
    """An archive of a database holding one organisation, and the organisation's name."""
    org = testing.organisation("Ministry of Archives", short_name="MA")
    path = tmp_path / "small.tar.gz"
    run("backup", path)
    return path, org.name


# --- the round trip ---------------------------------------------------------------------------


def test_round_trip_restores_every_row_the_audit_history_and_the_stored_files(tmp_path, storage):
    call_command("load_demo", people=300, stdout=io.StringIO())
    officer = testing.user("officer", "Personnel officer")
    person = Person.objects.order_by("pk").first()
    person.notes = "Changed by the officer before the backup."
    person._history_user = officer
    person.save()
    before = live_counts()
    audit = history(Person)
    stored = storage.read_bytes()
    people = before["people_person"]
    assert people > 300 and len(audit) > people
    assert audit[-1]["history_user_id"] == officer.pk

    archive = tmp_path / "blueberet-2026-12-02.tar.gz"
    said = run("backup", archive)
    assert f"({archive.stat().st_size / 1e6:.1f} MB)" in said
    assert f"{len(before)} tables, {sum(before.values())} rows, 1 stored files" in said

    call_command("flush", interactive=False)
    storage.unlink()
    assert Person.objects.count() == 0

    said = run("restore", archive)
    assert live_counts() == before
    assert history(Person) == audit
    assert storage.read_bytes() == stored
    assert re.search(rf"people_person +{people} = {people}\n", said)
    assert f"{len(before)} tables, {sum(before.values())} rows, 1 stored files" in said


def test_the_manifest_describes_the_archive(tmp_path, storage):
    testing.organisation("Ministry of Manifests")
    archive = tmp_path / "backup.tar.gz"
    run("backup", archive)
    assert archive.stat().st_mode & 0o777 == 0o600  # personal data: its owner only
    members = archive_members(archive)
    manifest = json.loads(members["manifest.json"])
    database = manifest["database"]["member"]
    assert manifest["format"] == "blueberet-backup"
    assert manifest["application_version"] == backups.application_version() != "unknown"
    assert manifest["created_at"].endswith("+00:00")
    assert manifest["database"]["engine"] == connection.vendor
    assert manifest["schema"]["core"] == "0008_jobs" or manifest["schema"]["core"] > "0008"
    assert manifest["tables"]["core_organisation"] == 1
    assert set(manifest["checksums"]) == {database, "storage/jobs/17/readiness.xlsx"}
    for name, digest in manifest["checksums"].items():
        assert hashlib.sha256(members[name]).hexdigest() == digest


def test_a_missing_storage_folder_is_skipped(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "never-made"
    archive = tmp_path / "backup.tar.gz"
    assert "0 stored files" in run("backup", archive)
    assert not any(name.startswith("storage/") for name in archive_members(archive))


def test_files_on_an_object_store_are_left_to_its_versioning(tmp_path, settings, storage):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }
    archive = tmp_path / "backup.tar.gz"
    said = run("backup", archive)
    manifest = json.loads(archive_members(archive)["manifest.json"])
    assert "versioning" in said and "versioning" in manifest["stored_files"]["note"]
    assert "0 stored files" in said


def test_an_archive_from_an_older_schema_is_restored_then_migrated(tmp_path, storage):
    from django.db.migrations.recorder import MigrationRecorder

    archive = tmp_path / "older.tar.gz"
    try:
        call_command("migrate", "core", "0007", verbosity=0)
        testing.organisation("Ministry of the Past")
        run("backup", archive)
    finally:
        call_command("migrate", verbosity=0)
    call_command("flush", interactive=False)

    said = run("restore", archive)
    assert "older than this application's (core): running migrate" in said
    assert re.search(r"Migrated: [1-9][0-9]* migrations applied", said)
    assert ("core", "0008_jobs") in MigrationRecorder(connection).applied_migrations()
    assert Organisation.objects.get().name == "Ministry of the Past"
    assert "core_job" in connection.introspection.table_names()


def test_with_force_a_database_that_is_not_empty_is_replaced_and_other_files_are_kept(
    small_archive, storage
):
    path, name = small_archive
    marker()
    other = storage.parent / "not-in-the-archive.txt"
    other.write_text("kept")
    run("restore", path, force=True)
    assert list(Organisation.objects.values_list("name", flat=True)) == [name]
    assert other.read_text() == "kept"


def test_a_freshly_migrated_database_counts_as_empty(tmp_path):
    """migrate fills no table outside FILLED_BY_MIGRATE (one list, in core/backups.py)."""
    database = tmp_path / "fresh.sqlite3"
    env = {**os.environ, "DB_ENGINE": "sqlite", "DB_NAME": str(database)}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity=0"],
        cwd=django_settings.BASE_DIR,
        env=env,
        check=True,
    )
    import sqlite3

    with sqlite3.connect(database) as fresh:
        tables = [
            row[0] for row in fresh.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        filled = {
            table
            for table in tables
            if not table.startswith("sqlite_")
            and fresh.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        }
    assert filled and filled <= backups.migrate_filled_tables()


# --- refusals: each names its cause and changes nothing ---------------------------------------


def refused(path, *, force=False):
    """The restore's one-line refusal; the marker record is still there afterwards."""
    kept = marker() if not Organisation.objects.filter(short_name="MM").exists() else None
    with pytest.raises(CommandError) as refusal:
        run("restore", path, force=force)
    message = str(refusal.value)
    assert "\n" not in message
    assert Organisation.objects.filter(short_name="MM").exists()
    if kept:
        assert Organisation.objects.filter(pk=kept.pk).exists()
    return message


def test_random_bytes_are_refused(tmp_path):
    path = tmp_path / "random.tar.gz"
    path.write_bytes(os.urandom(4096))
    assert "is not a Blue Beret backup (not a tar archive)" in refused(path, force=True)


def test_a_zip_file_is_refused(tmp_path):
    path = tmp_path / "backup.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", "{}")
    assert "not a tar archive" in refused(path, force=True)


def test_a_tar_without_manifest_is_refused(tmp_path):
    path = write_archive(tmp_path / "plain.tar.gz", {"database.sqlite3": b"x" * 100})
    assert "it holds no manifest.json" in refused(path, force=True)


def test_a_folder_archived_by_hand_with_tar_is_refused_by_its_missing_manifest(tmp_path):
    """`tar -C folder -czf a.tar.gz .` names its first member "./": refused, not a crash."""
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup")
    path = tmp_path / "by-hand.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        archive.add(folder, arcname=".")
    assert "it holds no manifest.json" in refused(path, force=True)


def test_a_truncated_archive_is_refused(small_archive, tmp_path):
    path, _name = small_archive
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert "cut short" in refused(cut, force=True)


def test_a_member_that_fails_its_checksum_is_refused_by_name(small_archive, tmp_path):
    path, _name = small_archive
    damaged = doctored(
        path, tmp_path / "damaged.tar.gz", members={"storage/jobs/17/readiness.xlsx": b"other"}
    )
    message = refused(damaged, force=True)
    assert "'storage/jobs/17/readiness.xlsx' does not match its checksum" in message


def test_an_archive_from_a_newer_schema_is_refused(small_archive, tmp_path):
    path, _name = small_archive
    schema = json.loads(archive_members(path)["manifest.json"])["schema"]
    newer = doctored(
        path,
        tmp_path / "newer.tar.gz",
        manifest={"schema": {**schema, "people": "0099_from_the_future"}},
    )
    message = refused(newer, force=True)
    assert "newer schema" in message and "people.0099_from_the_future" in message
    assert "Upgrade the application first" in message


def test_an_archive_of_the_other_engine_is_refused(small_archive, tmp_path):
    path, _name = small_archive
    contents = archive_members(path)
    manifest = json.loads(contents["manifest.json"])
    engine, member = OTHER_ENGINE[connection.vendor]
    database = contents.pop(manifest["database"]["member"])
    manifest["database"] = {"engine": engine, "member": member}
    manifest["checksums"] = {
        name: hashlib.sha256(data).hexdigest()
        for name, data in {**contents, member: database}.items()
        if name != "manifest.json"
    }
    contents.update({member: database, "manifest.json": json.dumps(manifest).encode()})
    other = write_archive(tmp_path / "other.tar.gz", contents)
    message = refused(other, force=True)
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    assert f"holds a {names[engine]} database and this database is {names[connection.vendor]}" in (
        message
    )


def test_a_database_that_is_not_empty_is_refused_without_force(small_archive):
    path, _name = small_archive
    message = refused(path)
    assert "The database is not empty" in message and "--force" in message
    assert Organisation.objects.count() == 2  # the archived one and the marker


def test_a_damaged_database_whose_checksum_was_recomputed_changes_nothing(small_archive, tmp_path):
    """The engine finds the damage half-way: the restore is rolled back whole."""
    path, _name = small_archive
    contents = archive_members(path)
    manifest = json.loads(contents["manifest.json"])
    member = manifest["database"]["member"]
    contents[member] = contents[member][: len(contents[member]) * 6 // 10]
    manifest["checksums"][member] = hashlib.sha256(contents[member]).hexdigest()
    contents["manifest.json"] = json.dumps(manifest).encode()
    damaged = write_archive(tmp_path / "damaged.tar.gz", contents)
    marker()
    before = live_counts()
    refused(damaged, force=True)
    assert live_counts() == before


@pytest.mark.parametrize("name", ["../escaped.txt", "/tmp/absolute.txt", "storage/../../up.txt"])
def test_a_member_leaving_its_folder_is_refused(small_archive, tmp_path, name):
    path, _name = small_archive
    hostile = doctored(path, tmp_path / "hostile.tar.gz", members={name: b"owned"})
    message = refused(hostile, force=True)
    assert "path" in message and name in message
    assert not (tmp_path / "escaped.txt").exists()
