"""Putting trainees on a run: our people found by name, foreign officers, a spreadsheet."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View

from core import jobs
from core.parsing import parse_id, query_text
from people.models import Person
from training import imports, runs, tasks
from training.forms import ForeignTraineeForm, ImportForm
from training.models import CourseRun, Enrolment
from training.search import PICK_LIMIT, people_matching
from training.views.runs import get_run, render_run_page, require


def candidates(user: Any, run: CourseRun, text: str) -> list[Person]:
    """People `user` may see matching what was typed, each marked if already on the run."""
    on_run = Enrolment.objects.filter(run=run, person=OuterRef("pk"))
    return list(people_matching(user, text).annotate(on_run=Exists(on_run))[:PICK_LIMIT])


class TraineeSearchView(LoginRequiredMixin, View):
    """The list of people matching what the officer types (swapped in by htmx)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_run(request, pk, "change")
        require(request, "training.add_enrolment")
        query = query_text(request.GET.get("q"))
        context = {
            "object": run,
            "people": candidates(request.user, run, query),
            "query": query,
            "limit": PICK_LIMIT,
        }
        return render(request, "training/_candidates.html", context)


class AddPersonView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_run(request, pk, "change")
        require(request, "training.add_enrolment")
        person_pk = parse_id(request.POST.get("person"))
        if person_pk is None:
            raise Http404
        person = get_object_or_404(Person.objects.restrict(request.user, "view"), pk=person_pk)
        try:
            runs.enrol_person(run, person)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(person)s is on the run.") % {"person": person})
        return HttpResponseRedirect(run.get_absolute_url())


class AddForeignView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_run(request, pk, "change")
        require(request, "training.add_enrolment")
        form = ForeignTraineeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                enrolment = runs.enrol_foreign(
                    run, data["foreign_name"], data["foreign_country"], data["foreign_organisation"]
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(
                    request, _("%(name)s is on the run.") % {"name": enrolment.foreign_name}
                )
                return HttpResponseRedirect(run.get_absolute_url())
        return render_run_page(request, run, foreign_form=form)


class ImportView(LoginRequiredMixin, View):
    """Results from a spreadsheet, imported by a background job (training.tasks): the job's
    page says what was imported, or lists every error (nothing is written then)."""

    template_name = "training/import.html"

    def get_run(self, request: HttpRequest, pk: int) -> CourseRun:
        run = get_run(request, pk, "change")
        for permission in tasks.PERMISSIONS:
            require(request, permission)
        return run

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = self.get_run(request, pk)
        return self.render_page(request, run, ImportForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = self.get_run(request, pk)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(request, run, form)
        upload = form.cleaned_data["file"]
        job = jobs.start(
            tasks.import_results,
            kind="training.results",
            title=_("Results of %(run)s from %(file)s") % {"run": run, "file": upload.name},
            user=request.user,
            params={"run": run.pk},
            inputs=[(upload.name, upload)],
        )
        return HttpResponseRedirect(job.get_absolute_url())

    def render_page(self, request: HttpRequest, run: CourseRun, form: ImportForm) -> HttpResponse:
        context = {
            "object": run,
            "form": form,
            "columns": imports.COLUMNS,
            "title": _("Import results"),
        }
        return render(request, self.template_name, context)


class ImportTemplateView(LoginRequiredMixin, View):
    """A spreadsheet with the columns and the run's trainees, ready to fill in."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_run(request, pk, "change")
        require(request, "training.change_enrolment")
        name = f"results-{run.course.code}-{run.starts_on:%Y-%m-%d}"
        if request.GET.get("format") == "csv":
            response = HttpResponse(
                imports.template_csv(run, request.user).encode("utf-8-sig"), content_type="text/csv"
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        response = HttpResponse(
            imports.template_xlsx(run, request.user),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
