"""Where an uploaded file waits between the dry run and "Apply", and how far the check has got.

The file goes to a private folder in the shared storage (STORAGE_DIR/people-imports, or
PEOPLE_IMPORT_DIR) under a random token, so "Apply" needs no second upload, and the worker
that applies it (people.tasks, maybe on another machine) reads it by its token. Beside it wait
the preview's basis (what the user approved, people.imports.plan) and the dry run's progress,
which the page polls (see people.views.imports). Files older than a day are removed whenever
a new one arrives.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from people.imports.plan import Plan, basis

TOKEN = re.compile(r"^[0-9a-f]{32}$")
KEEP_SECONDS = 24 * 3600
# Writing the progress file after every batch would cost more than the batch on a fast disk.
REPORT_EVERY_SECONDS = 0.25


def folder() -> Path:
    """The uploads' folder: one every app server and worker reads (the shared STORAGE_DIR)."""
    configured = getattr(settings, "PEOPLE_IMPORT_DIR", "")
    path = Path(configured) if configured else Path(settings.STORAGE_DIR) / "people-imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def new_token() -> str:
    return secrets.token_hex(16)


class Upload:
    def __init__(self, token: str) -> None:
        if not TOKEN.match(token or ""):
            raise ValueError("not an upload token")
        self.token = token
        base = folder()
        self.path = base / f"{token}.data"
        self.meta_path = base / f"{token}.json"
        self.progress_path = base / f"{token}.progress"
        self.last_report = 0.0

    @classmethod
    def save(cls, token: str, user: Any, uploaded: UploadedFile) -> Upload:
        """Keep `uploaded` under `token` for `user`; the token's earlier file is replaced."""
        upload = cls(token)
        remove_stale(upload.path.parent)
        with upload.path.open("wb") as out:
            for chunk in uploaded.chunks():
                out.write(chunk)
        upload.name = os.path.basename(uploaded.name or "upload")
        write_json(upload.meta_path, {"user": user.pk, "name": upload.name})
        return upload

    @classmethod
    def find(cls, token: str, user: Any) -> Upload | None:
        """The upload `user` made under `token`; None for another user's or a missing one."""
        try:
            upload = cls(token)
            meta = json.loads(upload.meta_path.read_text())
        except (ValueError, OSError):
            return None
        if meta.get("user") != user.pk or not upload.path.exists():
            return None
        upload.name = meta.get("name", "upload")
        return upload

    name = "upload"

    def start(self) -> None:
        """Forget the progress of an earlier run under this token (a new check starts)."""
        self.progress_path.unlink(missing_ok=True)
        self.last_report = 0.0

    def report(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last_report < REPORT_EVERY_SECONDS:
            return
        self.last_report = now
        write_json(self.progress_path, {"phase": phase, "done": done, "total": total})

    def status(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.progress_path.read_text())
        except (OSError, ValueError):
            return None

    def discard(self) -> None:
        for path in (self.path, self.meta_path, self.progress_path):
            path.unlink(missing_ok=True)


def progress_of(token: str) -> dict[str, Any] | None:
    """The progress written under `token`, for the poll (no user: the token is the secret)."""
    try:
        return Upload(token).status()
    except ValueError:
        return None


def basis_path(token: str) -> Path:
    """Where the preview's basis waits for "Apply", beside the upload (same token, same age)."""
    return Upload(token).path.with_suffix(".basis")


def keep_basis(token: str, plan: Plan) -> None:
    write_json(basis_path(token), {"rows": basis(plan)})


def kept_basis(token: str) -> list[dict[str, Any]] | None:
    try:
        return json.loads(basis_path(token).read_text())["rows"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def forget_basis(token: str) -> None:
    basis_path(token).unlink(missing_ok=True)


def describe(status: dict[str, Any] | None) -> dict[str, Any] | None:
    """The progress as the page shows it: a sentence and a percentage."""
    if not status:
        return None
    done, total = int(status.get("done", 0)), max(int(status.get("total", 0)), 1)
    phase = status.get("phase")
    numbers = {"done": f"{done:,}", "total": f"{total:,}"}
    if phase == "read":
        text = _("Reading the file: row %(done)s") % numbers if done else _("Reading the file…")
    elif phase == "write":
        text = _("Writing: %(done)s of %(total)s records") % numbers
    else:
        text = _("Checking: row %(done)s of %(total)s") % numbers
    return {"text": text, "percent": min(100, round(100 * done / total))}


def write_json(path: Path, data: dict[str, Any]) -> None:
    # Written aside and renamed, so that a poll never reads half a file.
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps(data))
    os.replace(temporary, path)


def remove_stale(base: Path) -> None:
    limit = time.time() - KEEP_SECONDS
    for path in base.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            continue
