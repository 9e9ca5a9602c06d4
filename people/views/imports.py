"""Importing people from a spreadsheet: upload, dry-run preview, apply; the template download.

Progress without a task queue: the form is posted by htmx, and while that request checks (or
writes) the file it writes how far it has got beside the uploaded file; the page polls
`ImportProgressView` meanwhile. The poll reads only that small file, never the database, so
it answers even while the import holds a write lock (SQLite) and costs nothing per tick.
Without JavaScript the same form posts normally and the page simply arrives when done.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django_htmx.http import HttpResponseClientRedirect

from people.imports import template, uploads
from people.imports.apply import Conflict, Stale, apply
from people.imports.plan import basis
from people.imports.readers import MAX_BYTES, MAX_ROWS, megabytes, too_large
from people.imports.validate import Plan, Problem, check

PREVIEW_ROWS = 500  # rows listed in the preview; the counts cover every row
SHOWN_PROBLEMS = 5000


class ImportPermission(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "people.add_person"


class ImportView(ImportPermission, View):
    """The upload form (GET) and the dry run of an uploaded file (POST)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render_page(request, uploads.new_token(), None)

    def post(self, request: HttpRequest) -> HttpResponse:
        token = request.POST.get("token", "")
        if not uploads.TOKEN.match(token):
            token = uploads.new_token()
        uploaded = request.FILES.get("file")
        if uploaded is None:
            plan = refused(_("Choose a file to upload."))
        elif uploaded.size > MAX_BYTES:
            # Refused before it is copied anywhere.
            plan = refused(too_large(uploaded.size), uploaded.name)
        else:
            upload = uploads.Upload.save(token, request.user, uploaded)
            upload.start()
            plan = check(upload.path, upload.name, request.user, upload.report)
            if plan.ok:
                keep_basis(token, plan)
            else:
                upload.discard()
                forget_basis(token)
        return render_page(request, token, plan)


class ImportApplyView(ImportPermission, View):
    """Check the uploaded file again and write it, in one transaction.

    Only what the preview showed is written: when the register changed since (a person it
    called new was added, one it would update was changed), nothing is, and the user gets
    the new preview with what changed, to apply again knowingly.
    """

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        upload = uploads.Upload.find(token, request.user)
        if upload is None:
            raise Http404(_("This upload is gone; upload the file again."))
        previewed = kept_basis(token)
        upload.start()
        try:
            with transaction.atomic():
                plan = check(upload.path, upload.name, request.user, upload.report)
                if not plan.ok:
                    return render_page(request, token, plan)
                if previewed is None:  # no preview to hold the file to: show one first
                    plan.changed_since = [
                        _("The preview of this file is gone; check this one and apply again.")
                    ]
                    keep_basis(token, plan)
                    return render_page(request, token, plan)
                result = apply(plan, request.user, upload.report, previewed=previewed)
        except Stale as error:
            plan.changed_since = error.changes
            keep_basis(token, plan)
            return render_page(request, token, plan)
        except Conflict as error:
            return render_page(request, token, refused(str(error), upload.name))
        upload.discard()
        forget_basis(token)
        messages.success(
            request,
            _(
                "Imported %(file)s: %(created)d people added, %(updated)d updated, "
                "%(unchanged)d unchanged; %(documents)d documents added or changed."
            )
            % {
                "file": plan.source,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "documents": result.documents,
            },
        )
        target = reverse("people:person_list")
        if request.htmx:
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)


class ImportProgressView(View):
    """How far the check or write of an upload has got: polled while it runs.

    No login is asked for on purpose (the session lives in the database, which the import
    may be holding): the unguessable token is the key, and the answer is only a count.
    """

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        status = uploads.progress_of(token)
        html = render_to_string("people/import_progress.html", {"status": describe(status)})
        return HttpResponse(html)


class ImportTemplateView(ImportPermission, View):
    FORMATS = {
        "xlsx": (
            template.xlsx_template,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "csv": (template.csv_template, "text/csv; charset=utf-8"),
    }

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if fmt not in self.FORMATS:
            raise Http404
        build, content_type = self.FORMATS[fmt]
        response = HttpResponse(build(request.user), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="people-import.{fmt}"'
        return response


def basis_path(token: str) -> Path:
    """Where the preview's basis waits for "Apply", beside the upload (same token, same age)."""
    return uploads.folder() / f"{token}.basis"


def keep_basis(token: str, plan: Plan) -> None:
    uploads.write_json(basis_path(token), {"rows": basis(plan)})


def kept_basis(token: str) -> list[dict[str, Any]] | None:
    try:
        return json.loads(basis_path(token).read_text())["rows"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def forget_basis(token: str) -> None:
    basis_path(token).unlink(missing_ok=True)


def refused(message: str, name: str = "") -> Plan:
    return Plan(source=name, problems=[Problem(None, "", message)])


def render_page(request: HttpRequest, token: str, plan: Plan | None) -> HttpResponse:
    context: dict[str, Any] = {
        "token": token,
        "plan": plan,
        "max_mb": megabytes(MAX_BYTES).removesuffix(".0"),
        "max_rows": MAX_ROWS,
    }
    if plan is not None:
        context.update(
            {
                "problems": plan.problems[:SHOWN_PROBLEMS],
                "hidden_problems": max(0, len(plan.problems) - SHOWN_PROBLEMS),
                "preview": plan.rows[:PREVIEW_ROWS],
                "more_rows": max(0, len(plan.rows) - PREVIEW_ROWS),
                "has_changes": bool(plan.created or plan.updated),
            }
        )
    template_name = "people/import_preview.html" if request.htmx else "people/import.html"
    return render(request, template_name, context)


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
