"""Course runs: the list, a run's page with its results grid, and the grid's actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.forms import BaseModelFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from core import versions
from core.views import generic
from people.models import Person
from training import runs
from training.filtersets import CourseRunFilterSet
from training.forms import CourseRunForm, ForeignTraineeForm, result_formset
from training.models import TRAINEE_ORDER, CourseRun, Enrolment
from training.tables import CourseRunTable

course_runs = CourseRun.objects.select_related("course", "organisation")


def get_run(request: HttpRequest, pk: int, action: str) -> CourseRun:
    """The run if `request.user` may `action` it; 404 otherwise, as for a missing one."""
    return get_object_or_404(course_runs.restrict(request.user, action), pk=pk)


def require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def grid_rows(user: Any, run: CourseRun, action: str) -> QuerySet:
    """The run's enrolments in the grid's order, with what each row shows, in one query."""
    return (
        Enrolment.objects.restrict(user, action)
        .filter(run=run)
        .select_related("person__rank", "run__course")
        .order_by(*TRAINEE_ORDER)
    )


def make_formset(request: HttpRequest, run: CourseRun, data: Any = None) -> BaseModelFormSet:
    """The grid's rows the user may change; Remove only on those the user may also delete."""
    user = request.user
    can_delete = user.has_perm("training.delete_enrolment")
    formset_class = result_formset(can_delete)
    formset = formset_class(
        data,
        queryset=grid_rows(user, run, "change"),
        form_kwargs={"user": user},
        prefix="results",
    )
    if can_delete:
        deletable = set(
            Enrolment.objects.restrict(user, "delete").filter(run=run).values_list("pk", flat=True)
        )
        for form in formset.forms:
            if form.instance.pk not in deletable:
                # Without the field, the formset never reads a removal of this row, whatever
                # is posted.
                del form.fields["DELETE"]
    return formset


def run_context(
    request: HttpRequest,
    run: CourseRun,
    can_change: bool,
    formset: BaseModelFormSet | None = None,
    foreign_form: ForeignTraineeForm | None = None,
    version: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What the run's page shows: facts, places, the grid (editable or not), the add panel.

    `version` is the grid's (see ResultsView) when a refused save shows the grid again.
    """
    user = request.user
    editable = can_change and user.has_perm("training.change_enrolment")
    if editable:
        fresh = formset is None
        formset = formset or make_formset(request, run)
        rows = [form.instance for form in formset.forms]
        if fresh:  # the grid's version, from the rows just read: the results form carries it
            version = {"version": versions.Token.of(rows), "conflict": None}
        # Trainees the user may see but not change are listed too, read-only, never offered.
        editable_ids = {row.pk for row in rows}
        read_only = [row for row in grid_rows(user, run, "view") if row.pk not in editable_ids]
        rows = rows + read_only
    else:
        formset = None
        rows = list(grid_rows(user, run, "view"))
    # A trainee from an organisation outside the user's scope still takes a place, but the
    # page shows no name (as the rotation roster does).
    visible = (
        set(
            Person.objects.restrict(user, "view")
            .filter(enrolments__run=run)
            .values_list("pk", flat=True)
        )
        if any(row.person_id for row in rows)
        else set()
    )
    for row in rows:
        row.visible = row.person_id is None or row.person_id in visible
    can_add = can_change and user.has_perm("training.add_enrolment")
    return {
        "rows": rows,
        "read_only_rows": read_only if editable else rows,
        "formset": formset,
        "editable": editable,
        "enrolled": len(rows),
        "free": max(run.capacity - len(rows), 0),
        "attended": sum(1 for row in rows if row.attended),
        "passed": sum(1 for row in rows if row.passed),
        "certified": sum(1 for row in rows if row.certificate_number),
        "can_add_trainee": can_add,
        "foreign_form": foreign_form or (ForeignTraineeForm() if can_add else None),
        "can_issue": editable and run.ends_on <= timezone.localdate(),
        "instructors": [line for line in run.instructors.splitlines() if line.strip()],
        **(version or {"version": None, "conflict": None}),
    }


def render_run_page(request: HttpRequest, run: CourseRun, **bound: Any) -> HttpResponse:
    """The run's page again, with a bound form whose errors the officer must see."""
    can_change = course_runs.restrict(request.user, "change").filter(pk=run.pk).exists()
    context = {
        "object": run,
        "model_meta": run._meta,
        "can_change": can_change,
        "can_delete": request.user.has_perm("training.delete_courserun"),
        **run_context(request, run, can_change, **bound),
    }
    return render(request, "training/courserun.html", context)


class CourseRunListView(generic.ObjectListView):
    template_name = "training/list.html"
    queryset = course_runs.annotate(
        enrolled=Count("enrolments"),
        passed_count=Count("enrolments", filter=Q(enrolments__passed=True)),
    )
    filterset_class = CourseRunFilterSet
    table_class = CourseRunTable
    title = gettext_lazy("Course runs")


class CourseRunDetailView(generic.ObjectDetailView):
    queryset = course_runs
    template_name = "training/courserun.html"

    def get_extra_context(self, request: HttpRequest, instance: Any) -> dict[str, Any]:
        return run_context(request, instance, self.can_change)


class CourseRunEditView(generic.ObjectEditView):
    queryset = CourseRun.objects.all()
    form_class = CourseRunForm


class CourseRunDeleteView(generic.ObjectDeleteView):
    """A run with results is kept: deleting it would delete people's certificates."""

    queryset = course_runs

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.refused(request, pk) or super().get(request, pk)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.refused(request, pk) or super().post(request, pk)

    def refused(self, request: HttpRequest, pk: int) -> HttpResponse | None:
        run = self.get_object(request, pk)
        refusal = runs.delete_refusal(run)
        if refusal is None:
            return None
        messages.error(request, refusal)
        return HttpResponseRedirect(run.get_absolute_url())


class CourseRunHistoryView(generic.ObjectHistoryView):
    queryset = course_runs


class ResultsView(generic.VersionedEdit, LoginRequiredMixin, View):
    """Save the whole grid in one transaction: every row, or (with any error) none.

    The grid's version covers every row the officer may change: a result saved by someone
    else since the page was loaded refuses the save, which would write the old value back.
    """

    names_records = True

    def versioned_records(self, instance: Any, lock: bool = False) -> list[Any]:
        rows = Enrolment.objects.restrict(self.request.user, "change").filter(run=instance)
        if lock:
            runs.lock_run(instance.pk)  # as adding trainees and numbering certificates do
            rows = rows.select_for_update(of=("self",))
        return list(rows.order_by("pk"))

    def history_of(self, instance: Any) -> list[QuerySet]:
        # Only the rows the officer may change now: another organisation's trainee stays unnamed.
        ids = [row.pk for row in self.versioned_records(instance)]
        return [Enrolment.history.filter(run_id=instance.pk, id__in=ids)]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_run(request, pk, "change")
        require(request, "training.change_enrolment")
        formset = make_formset(request, run, request.POST)
        with transaction.atomic():
            conflict = self.check_version(request, run)
            valid = conflict is None and formset.is_valid()
            if valid:
                formset.save()
        if conflict is not None:
            rows = [(row, row.instance) for row in formset.forms if row.instance.pk]
            versions.keep_their_changes(conflict, rows)
        if not valid:
            if conflict is None:
                messages.error(request, _("Nothing was saved: correct the rows marked below."))
            version = self.version_context(request, run)
            return render_run_page(request, run, formset=formset, version=version)
        changed = len(formset.changed_objects) + len(formset.deleted_objects)
        messages.success(
            request,
            ngettext("%(count)d trainee updated.", "%(count)d trainees updated.", changed)
            % {"count": changed},
        )
        return HttpResponseRedirect(run.get_absolute_url())


class IssueCertificatesView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_run(request, pk, "change")
        require(request, "training.change_enrolment")
        try:
            issued = runs.issue_certificates(run, timezone.localdate())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if issued:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d certificate issued.", "%(count)d certificates issued.", issued
                    )
                    % {"count": issued},
                )
            else:
                messages.info(request, _("No one who passed is waiting for a certificate."))
        return HttpResponseRedirect(run.get_absolute_url())
