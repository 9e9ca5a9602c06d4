"""The backup archive's format: one tar file holding the database, the stored files and a
manifest that describes them (docs/backups.md).

Members:
    database.sqlite3 or database.dump   the database (SQLite file, or pg_dump's custom format)
    storage/<path>                      every stored file under MEDIA_ROOT
    manifest.json                       written last, so that the checksums of every other
                                        member are computed while they are written (one pass)

Reading never uses tarfile's own extraction: each member's name is checked (no absolute path,
no "..", regular files only) and its bytes are copied into a staging folder chosen here, while
their checksum is computed. Nothing outside this module knows the tar layout.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

FORMAT = "blueberet-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
STORAGE_PREFIX = "storage/"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# A manifest is a few kilobytes; a larger one is not ours and is not read into memory.
MANIFEST_LIMIT = 8 * 1024 * 1024
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore refused or failed; the message is one line naming the cause, and
    nothing was changed."""


def compression(path: Path) -> str:
    """tarfile's write mode for the name the user gave: gzip for .gz/.tgz, plain tar otherwise
    (bzip2 and xz as their suffixes say)."""
    name = path.name.lower()
    if name.endswith((".gz", ".tgz")):
        return "w:gz"
    if name.endswith((".bz2", ".tbz2")):
        return "w:bz2"
    if name.endswith((".xz", ".txz")):
        return "w:xz"
    return "w"


class _Hashing:
    """A file object that hashes what is read through it (tarfile.addfile reads in chunks)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        return data


class ArchiveWriter:
    """Writes members into `FILE.partial` and renames it to FILE only when the manifest is in:
    an interrupted backup never leaves a file that looks complete."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        # gzip's fastest level: on the scale data's 257 MB SQLite file it takes 4 s for 66 MB
        # where the default level 9 (and 6) takes four times as long to save a tenth.
        kwargs: dict[str, Any] = {"compresslevel": 1} if compression(path) == "w:gz" else {}
        self.tar = tarfile.open(self.partial, compression(path), **kwargs)
        # The archive holds every person's record: readable by its owner only, whatever umask.
        os.chmod(self.partial, 0o600)
        self.checksums: dict[str, str] = {}

    def add_file(self, name: str, source: Path) -> None:
        info = tarfile.TarInfo(name)
        info.size = source.stat().st_size
        info.mtime = int(source.stat().st_mtime)
        info.mode = 0o600
        with source.open("rb") as raw:
            reader = _Hashing(raw)
            self.tar.addfile(info, reader)
        self.checksums[name] = reader.digest.hexdigest()

    def finish(self, manifest: dict[str, Any]) -> None:
        manifest["checksums"] = dict(sorted(self.checksums.items()))
        data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mtime = int(time.time())
        info.mode = 0o600
        self.tar.addfile(info, io.BytesIO(data))
        self.tar.close()
        os.replace(self.partial, self.path)

    def abandon(self) -> None:
        self.tar.close()
        self.partial.unlink(missing_ok=True)


@dataclass
class StagedArchive:
    """An archive read into a staging folder, every member checked against the manifest."""

    manifest: dict[str, Any]
    database: Path
    # Stored files: path relative to MEDIA_ROOT -> staged copy.
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def engine(self) -> str:
        return self.manifest["database"]["engine"]


def _safe_name(name: str) -> str:
    """The member's name, or BackupError when it would leave the staging folder."""
    path = PurePosixPath(name)
    if not path.parts:  # "./", the archive's own folder as tar -C dir . writes it
        return "."
    if name.startswith(("/", "\\")) or path.is_absolute() or ":" in path.parts[0]:
        raise BackupError(f"The archive holds a member with an absolute path ({name!r}): refused.")
    if ".." in path.parts or "\\" in name:
        raise BackupError(f"The archive holds a member whose path leaves its folder ({name!r}).")
    return str(path)


def read(path: Path, staging: Path) -> StagedArchive:
    """Copy every member of the archive at `path` into `staging` and check it: BackupError
    (one line, naming the cause) for anything that is not a complete Blue Beret archive."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    received: dict[str, str] = {}  # member name -> sha256
    staged: dict[str, Path] = {}  # member name -> its copy in `staging`
    manifest_bytes: bytes | None = None
    try:
        with tarfile.open(path, "r:*") as tar:
            for index, member in enumerate(tar):
                name = _safe_name(member.name)
                if member.isdir():
                    continue
                if not member.isfile():
                    raise BackupError(
                        f"The archive member {name!r} is a link or device, not a file: refused."
                    )
                if name in received or (name == MANIFEST and manifest_bytes is not None):
                    raise BackupError(f"The archive holds {name!r} twice: refused.")
                source = tar.extractfile(member)
                assert source is not None  # a regular file always has a reader
                if name == MANIFEST:
                    if member.size > MANIFEST_LIMIT:
                        raise BackupError("The archive's manifest.json is too large to be ours.")
                    manifest_bytes = source.read()
                    continue
                digest = hashlib.sha256()
                target = staging / f"member-{index}"
                with target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                received[name] = digest.hexdigest()
                staged[name] = target
    except BackupError:
        raise
    except tarfile.ReadError as error:
        # tarfile lists what every decompressor said; the user needs one thing.
        cause = "cut short" if "end" in str(error).lower() else "not a tar archive"
        raise BackupError(f"{path.name} is not a Blue Beret backup ({cause}).") from error
    except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError) as error:
        # A file cut off, or damaged inside its compression.
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise BackupError(
            f"{path.name} is not a complete Blue Beret backup (cut short or damaged: {detail})."
        ) from error
    if manifest_bytes is None:
        raise BackupError(f"{path.name} is not a Blue Beret backup: it holds no {MANIFEST}.")
    manifest = _parse_manifest(manifest_bytes, path.name)
    _check_members(manifest, received)
    return _staged(manifest, staged)


def _staged(manifest: dict[str, Any], staged: dict[str, Path]) -> StagedArchive:
    database_member = manifest["database"]["member"]
    files = {
        name.removeprefix(STORAGE_PREFIX): staged[name]
        for name in manifest["checksums"]
        if name.startswith(STORAGE_PREFIX)
    }
    return StagedArchive(manifest=manifest, database=staged[database_member], files=files)


def _parse_manifest(data: bytes, archive: str) -> dict[str, Any]:
    try:
        manifest = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{archive}: its {MANIFEST} is not valid JSON.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is not a Blue Beret backup (its manifest says otherwise).")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"{archive} was written in backup format {version}, newer than this application "
            f"reads ({FORMAT_VERSION}): upgrade the application first."
        )
    database = manifest.get("database")
    checksums = manifest.get("checksums")
    if (
        not isinstance(database, dict)
        or database.get("engine") not in DATABASE_MEMBERS
        or database.get("member") != DATABASE_MEMBERS[database["engine"]]
        or not isinstance(checksums, dict)
        or not isinstance(manifest.get("schema"), dict)
        or not isinstance(manifest.get("tables"), dict)
    ):
        raise BackupError(f"{archive}: its {MANIFEST} is incomplete (database, schema, tables).")
    for name in checksums:
        _safe_name(name)
    return manifest


def _check_members(manifest: dict[str, Any], received: dict[str, str]) -> None:
    expected: dict[str, str] = manifest["checksums"]
    for name, digest in received.items():
        if name not in expected:
            raise BackupError(f"The archive member {name!r} is not in the manifest: refused.")
        if digest != expected[name]:
            raise BackupError(
                f"The archive member {name!r} does not match its checksum: the file is damaged."
            )
    missing = sorted(set(expected) - set(received))
    if missing:
        raise BackupError(
            f"The archive lacks {missing[0]!r}, listed in its manifest (cut short or damaged)."
        )
    if manifest["database"]["member"] not in received:
        raise BackupError("The archive holds no database.")
