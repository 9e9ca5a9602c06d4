"""Importing people from a spreadsheet: upload, dry-run preview, apply; the template download.

The dry run runs in its request: the form is posted by htmx, and while that request checks
the file it writes how far it has got beside the uploaded file; the page polls
`ImportProgressView` meanwhile. The poll reads only that small file, never the database, so
it answers even while an import holds a write lock (SQLite) and costs nothing per tick.
Without JavaScript the same form posts normally and the page simply arrives when done.
"Apply" is a background job (people.tasks): the user follows it on the job's page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import View
from django_htmx.http import HttpResponseClientRedirect

from core import jobs
from people import tasks
from people.imports import template, uploads
from people.imports.readers import MAX_BYTES, MAX_ROWS, megabytes, too_large
from people.imports.validate import Plan, Problem, check

PREVIEW_ROWS = 500  # rows listed in the preview; the counts cover every row
SHOWN_PROBLEMS = 5000


class ImportPermission(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "people.add_person"


class ImportView(ImportPermission, View):
    """The upload form (GET), the dry run of an uploaded file (POST), and the dry run again of
    a kept upload (GET ?check=<token>: where a refused "Apply" job sends the user)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        token = request.GET.get("check", "")
        upload = uploads.Upload.find(token, request.user) if token else None
        if upload is None:
            return render_page(request, uploads.new_token(), None)
        return render_page(request, token, dry_run(request, token, upload))

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
            plan = dry_run(request, token, upload)
        return render_page(request, token, plan)


def dry_run(request: HttpRequest, token: str, upload: uploads.Upload) -> Plan:
    """Check the kept upload, writing nothing; keep the preview's basis for "Apply"."""
    upload.start()
    plan = check(upload.path, upload.name, request.user, upload.report)
    if plan.ok:
        uploads.keep_basis(token, plan)
    else:
        upload.discard()
        uploads.forget_basis(token)
    return plan


class ImportApplyView(ImportPermission, View):
    """Start the job that checks the uploaded file again and writes it (people.tasks).

    Only what the preview showed is written: when the register changed since (a person it
    called new was added, one it would update was changed), nothing is, and the job says
    what changed and sends the user to check the file again.
    """

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        upload = uploads.Upload.find(token, request.user)
        if upload is None:
            raise Http404(_("This upload is gone; upload the file again."))
        job = jobs.start(
            tasks.apply_people_import,
            kind="people.import",
            title=_("Import of %(file)s") % {"file": upload.name},
            user=request.user,
            params={"token": token},
        )
        target = job.get_absolute_url()
        if request.htmx:
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)


class ImportProgressView(View):
    """How far the dry run of an upload has got: polled while it runs (an Apply is a job,
    followed on the job's page).

    No login is asked for on purpose (the session lives in the database, which the import
    may be holding): the unguessable token is the key, and the answer is only a count.
    """

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        status = uploads.progress_of(token)
        html = render_to_string("people/import_progress.html", {"status": uploads.describe(status)})
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
