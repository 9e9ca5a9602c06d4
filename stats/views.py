"""Pages of the UN statistics: imported reports (with upload), ranking, a country, totals.

Every page needs a signed-in user and reads through `restrict(user, "view")`; uploading
needs the `stats.import_unreport` permission.
"""

from __future__ import annotations

import csv
import datetime
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django_tables2 import RequestConfig

from core import jobs
from core.exports import neutralise
from core.parsing import parse_month
from stats import national, tasks, timeline
from stats.exports import latest_month, national_csv, national_figures
from stats.forms import RankingForm, ReportUploadForm, TimelineForm
from stats.models import Country, PersonnelType, UNContribution, UNReport
from stats.ranking import (
    CSV_HEADER,
    country_history,
    csv_rows,
    own_row,
    ranking,
    system_figures,
)
from stats.tables import UNReportTable
from stats.tasks import IMPORT_PERMISSION, NATIONAL_PERMISSION
from units.models import Rotation, RotationStatus
from units.queries import set_strength

ISO3 = re.compile(r"[A-Za-z]{3}")


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, header: list[str], rows: list[list[object]]) -> HttpResponse:
    response = attachment(b"", "text/csv; charset=utf-8", filename)
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def visible_reports(request: HttpRequest):  # noqa: ANN201 - a queryset
    return UNReport.objects.restrict(request.user, "view")


class ReportListView(LoginRequiredMixin, View):
    """/stats/un/reports/: what is imported, and the upload of more files."""

    template_name = "stats/report_list.html"

    def render_page(self, request: HttpRequest, form: ReportUploadForm) -> HttpResponse:
        reports = visible_reports(request).select_related("imported_by")
        table = UNReportTable(reports)
        RequestConfig(request, paginate={"per_page": settings.PAGINATE_BY}).configure(table)
        context = {
            "title": _("UN monthly reports"),
            "table": table,
            "form": form,
            "can_import": request.user.has_perm(IMPORT_PERMISSION),
        }
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_page(request, ReportUploadForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        form = ReportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            response = self.render_page(request, form)
            response.status_code = 400
            return response
        files = form.cleaned_data["files"]
        job = jobs.start(
            tasks.import_un_reports,
            kind="stats.import_un_reports",
            title=ngettext(
                "Import of %(count)d UN report", "Import of %(count)d UN reports", len(files)
            )
            % {"count": len(files)},
            user=request.user,
            inputs=[(upload.name, upload) for upload in files],
            # Each file is its own transaction: a refused file leaves the others imported.
            all_or_nothing=False,
        )
        return redirect(job.get_absolute_url())


def month_choice(request: HttpRequest, form: RankingForm) -> datetime.date | None:
    """The month asked for, or the newest imported month (also when the month asked for is
    not one: the form shows why)."""
    form.is_valid()
    return form.cleaned_data.get("month") or latest_month(request.user)


class RankingView(LoginRequiredMixin, View):
    """/stats/un/ranking/?month=YYYY-MM&category=: the countries of one month, ranked."""

    def get(self, request: HttpRequest) -> HttpResponse:
        form = RankingForm(request.GET)
        month = month_choice(request, form)
        # A field in error is left out of cleaned_data; the other one still applies.
        category = form.cleaned_data.get("category") or ""
        report = visible_reports(request).filter(month=month).first() if month else None
        rows = ranking(month, category or None) if report else []
        # Not the newest month's figures under the name of a month that was refused.
        if request.GET.get("export") == "csv" and report and not form.errors:
            suffix = f"-{category}" if category else ""
            return csv_response(f"un_ranking_{month:%Y-%m}{suffix}.csv", CSV_HEADER, csv_rows(rows))
        if month and form.is_valid() and not form.data.get("month"):
            form = RankingForm(initial={"month": f"{month:%Y-%m}", "category": category})
        context = {
            "title": _("Ranking of contributing countries"),
            "form": form,
            "month": month,
            "report": report,
            "rows": rows,
            "category": category,
            "category_label": dict(PersonnelType.choices).get(category, ""),
            "own_country": settings.BLUEBERET_COUNTRY,
            "own": own_row(rows),
        }
        return render(request, "stats/ranking.html", context, status=400 if form.errors else 200)


class CountryView(LoginRequiredMixin, View):
    """/stats/un/country/<iso3>/: a country's rank and total, month by month."""

    def get(self, request: HttpRequest, iso3: str) -> HttpResponse:
        # Three ASCII letters, or no country: other text (a NUL character) fails PostgreSQL.
        if not ISO3.fullmatch(iso3):
            raise Http404
        country = get_object_or_404(
            Country.objects.restrict(request.user, "view"), iso3=iso3.upper()
        )
        if not UNContribution.objects.restrict(request.user, "view").exists():
            raise Http404
        form = RankingForm(request.GET)
        form.is_valid()  # the page reads the category only: a bad month does not matter here
        category = form.cleaned_data.get("category") or ""
        history = country_history(country, category or None)
        if request.GET.get("export") == "csv":
            rows = [
                [
                    f"{h.month:%Y-%m}",
                    h.rank or "",
                    h.total,
                    "" if h.female is None else h.female,
                    h.countries,
                ]
                for h in history
            ]
            header = ["month", "rank", "total", "female", "countries"]
            return csv_response(f"un_country_{country.iso3}.csv", header, rows)
        page = Paginator(history, settings.PAGINATE_BY).get_page(request.GET.get("page"))
        context = {"title": country.name, "country": country, "page": page, "form": form}
        return render(request, "stats/country.html", context)


class SystemView(LoginRequiredMixin, View):
    """/stats/un/system/: system-wide figures per month."""

    def get(self, request: HttpRequest) -> HttpResponse:
        figures = system_figures() if visible_reports(request).exists() else []
        page = Paginator(figures, settings.PAGINATE_BY).get_page(request.GET.get("page"))
        context = {"title": _("UN system-wide figures"), "page": page}
        return render(request, "stats/system.html", context)


class NationalView(PermissionRequiredMixin, View):
    """/stats/national/: our own figures from the deployments the user may see.

    Gated by `deployments.view_deployment`, not by the UN figures' permission: these numbers
    are the department's deployments, scoped by organisation like the deployment list.
    """

    permission_required = NATIONAL_PERMISSION

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        figures = national_figures(request.user, today)
        export = request.GET.get("export", "")
        if export:
            table = national_csv(export, figures)
            if table is None:
                raise Http404
            return csv_response(f"national_{export}_{today:%Y-%m-%d}.csv", *table)
        deployed = figures["deployed"]
        parity = national.parity_by_category(figures["women"])
        latest = latest_month(request.user)
        context = {
            "title": _("National figures"),
            "briefing_month": f"{latest or today:%Y-%m}",
            "today": today,
            "deployed_total": sum(row.total for row in deployed),
            "deployed_men": sum(row.men for row in deployed),
            "deployed_women": sum(row.women for row in deployed),
            "parity": parity,
            "parity_years": national.parity_by_year(parity),
            **figures,
        }
        return render(request, "stats/national.html", context)


class ParityView(PermissionRequiredMixin, View):
    """/stats/parity/: our women's share per category and year against the UN's target.

    The same figures and permission as the national page's women's share; its CSV is the
    national page's `?export=women`.
    """

    permission_required = NATIONAL_PERMISSION

    def get(self, request: HttpRequest) -> HttpResponse:
        series = national.parity_by_category(national.women_share(request.user))
        context = {"title": _("Gender parity"), "series": series}
        return render(request, "stats/parity.html", context)


class BriefingView(PermissionRequiredMixin, View):
    """The one-month briefing for leadership, built as a job (POST, with the month from the
    national page's picker or the address /stats/briefing/<YYYY-MM>.pdf).

    A month that is malformed or still to come goes back to the national page with the
    reason; a GET (an old bookmark) goes there too, to pick the month.
    """

    permission_required = NATIONAL_PERMISSION

    def get(self, request: HttpRequest, month: str = "") -> HttpResponse:
        return redirect("stats:national")

    def post(self, request: HttpRequest, month: str = "") -> HttpResponse:
        today = timezone.localdate()
        picked = parse_month(month or request.POST.get("month"))
        if picked is None:
            messages.error(request, _("Give the month as YYYY-MM, e.g. 2024-01."))
            return redirect("stats:national")
        if picked > today:
            messages.error(request, _("There is no briefing for a month still to come."))
            return redirect("stats:national")
        job = jobs.start(
            tasks.build_briefing,
            kind="stats.briefing",
            title=_("Briefing for %(month)s (PDF)") % {"month": f"{picked:%Y-%m}"},
            user=request.user,
            params={"month": picked.isoformat()},
        )
        return redirect(job.get_absolute_url())


class StatisticsWorkbookView(PermissionRequiredMixin, View):
    """Every table of the national page and the latest UN ranking in one workbook, built as
    a job (POST from the national page; a GET goes back there)."""

    permission_required = NATIONAL_PERMISSION

    def get(self, request: HttpRequest) -> HttpResponse:
        return redirect("stats:national")

    def post(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        job = jobs.start(
            tasks.build_workbook,
            kind="stats.workbook",
            title=_("Statistics workbook of %(date)s (Excel)") % {"date": f"{today:%Y-%m-%d}"},
            user=request.user,
        )
        return redirect(job.get_absolute_url())


TIMELINE_LANES_PER_PAGE = 8
TIMELINE_CSV_HEADER = [
    "unit_type",
    "mission",
    "rotation",
    "organisation",
    "status",
    "departure",
    "return",
    "dates",
    "positions",
    "filled",
    "women",
]


class TimelineView(PermissionRequiredMixin, View):
    """/stats/rotations/: rotations on a timeline, a lane per unit type and mission.

    Scoped like the rotations list (`units.view_rotation`, by the rotation's organisation).
    Lanes are paged; `?export=csv` downloads every rotation the filters select.
    """

    permission_required = "units.view_rotation"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = TimelineForm(request.GET or None)
        valid = form.is_valid() if form.is_bound else True
        # A field in error is left out of cleaned_data; the other filters still apply.
        filters = getattr(form, "cleaned_data", {})
        rotations = Rotation.objects.restrict(request.user, "view")
        rotations = timeline.only(rotations, filters.get("kind") or "units")
        if filters.get("mission"):
            rotations = rotations.filter(mission=filters["mission"])
        today = timezone.localdate()
        start, end = timeline.window(rotations, today, filters)
        chosen = timeline.rotations_between(rotations, start, end)
        if request.GET.get("export") == "csv" and valid:
            name = f"rotations_{start:%Y}-{end:%Y}.csv"
            rows = timeline_rows(set_strength(list(chosen)))
            return csv_response(name, TIMELINE_CSV_HEADER, rows)
        lanes = Paginator(timeline.lane_keys(chosen), TIMELINE_LANES_PER_PAGE)
        page = lanes.get_page(request.GET.get("page"))
        drawn = timeline.layout(timeline.in_lanes(chosen, page.object_list), start, end, today)
        context = {
            "title": _("Rotations on a timeline"),
            "form": form,
            "page": page,
            "timeline": drawn,
            "widths": {"label": timeline.LABEL_WIDTH, "chart": timeline.WIDTH},
            "statuses": RotationStatus.choices,
        }
        return render(request, "stats/timeline.html", context, status=200 if valid else 400)


def timeline_rows(rotations) -> list[list[object]]:  # noqa: ANN001 - a queryset of rotations
    return [
        [
            neutralise(value)
            for value in (
                r.unit_type.name,
                r.mission.code,
                str(r),
                str(r.organisation),
                r.get_status_display(),
                r.starts_on.isoformat(),
                r.ends_on.isoformat(),
                "actual" if r.actual_departure and r.actual_return else "planned",
                r.position_count,
                r.filled_count,
                r.women_count,
            )
        ]
        for r in rotations
    ]
