"""The user's background jobs: the list, one job's page, its progress (polled), its file.

A job is its starter's (a superuser also sees the scheduled ones): anyone else gets 404, as
for a record outside their scope. The progress answer is polled every second by htmx while
the job runs and stops being polled once it says the job is finished; polling is not
activity for the idle timeout (core.sessions), so a screen left on a job still signs out.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View
from django_htmx.http import HttpResponseClientRedirect

from core import jobs
from core.models import Job

PAGE_SIZE = 50


def own_job(request: HttpRequest, pk: int) -> Job:
    return get_object_or_404(jobs.visible_jobs(request.user), pk=pk)


class JobListView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        page = Paginator(jobs.visible_jobs(request.user).order_by("-created_at", "-pk"), PAGE_SIZE)
        return render(
            request,
            "core/job_list.html",
            {"title": _("Background jobs"), "page": page.get_page(request.GET.get("page"))},
        )


class JobView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = own_job(request, pk)
        return render(request, "core/job.html", {"title": job.title, **jobs.status(job)})


class JobProgressView(LoginRequiredMixin, View):
    # Not activity: a page left open on a running job does not keep its session alive.
    passive = True

    def handle_no_permission(self) -> HttpResponse:
        # Signed out while polling (the idle timeout): the whole page goes to the sign-in
        # page, rather than the sign-in form appearing inside the progress box.
        if getattr(self.request, "htmx", False):
            job_page = self.request.path.removesuffix("progress/")
            return HttpResponseClientRedirect(redirect_to_login(job_page).url)
        return super().handle_no_permission()

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = own_job(request, pk)
        return render(request, "core/_job_status.html", jobs.status(job))


class JobDownloadView(LoginRequiredMixin, View):
    """The file a job made (a workbook, a briefing): logged as a download (core.access_log)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = own_job(request, pk)
        if not job.result_file or not default_storage.exists(job.result_file):
            raise Http404(_("This job made no file, or it has been removed."))
        return FileResponse(
            default_storage.open(job.result_file),
            as_attachment=True,
            filename=job.result_name or "result",
            content_type=job.result_type or "application/octet-stream",
        )
