"""The course catalogue: shared by every organisation, edited by administrators."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest

from core.views import generic
from training.filtersets import CourseFilterSet
from training.forms import CourseForm
from training.models import Course, CourseRun
from training.tables import CourseTable


class CourseListView(generic.ObjectListView):
    template_name = "training/list.html"
    queryset = Course.objects.annotate(run_count=Count("runs"))
    filterset_class = CourseFilterSet
    table_class = CourseTable


class CourseDetailView(generic.ObjectDetailView):
    queryset = Course.objects.all()
    template_name = "training/course.html"

    def get_extra_context(self, request: HttpRequest, instance: Any) -> dict[str, Any]:
        # Runs are shown as far as the user's organisations reach; the course is everyone's.
        course_runs = (
            CourseRun.objects.restrict(request.user, "view")
            .filter(course=instance)
            .select_related("organisation")
            .annotate(enrolled=Count("enrolments"))
            .order_by("-starts_on")
        )
        return {
            "prerequisites": list(instance.prerequisites.all()),
            "required_by": list(instance.course_set.all()),
            "runs": list(course_runs[:50]),
            "can_add_run": request.user.has_perm("training.add_courserun"),
        }


class CourseEditView(generic.ObjectEditView):
    queryset = Course.objects.all()
    form_class = CourseForm


class CourseDeleteView(generic.ObjectDeleteView):
    queryset = Course.objects.all()


class CourseHistoryView(generic.ObjectHistoryView):
    queryset = Course.objects.all()
