"""The home page: what matters to a staff officer today.

It sums up every app (deployments, people, units), so it lives in the project package, above
them all, not in core, which every app imports (docs/architecture.md: imports go downward).
"""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from deployments.queries import deployed_now_by_mission
from people.expiry import expiring_documents
from units.queries import rotations_in_preparation


class HomeView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        days = settings.EXPIRY_WARNING_DAYS
        deployed = deployed_now_by_mission(request.user, today)
        context = {
            "title": "Blue Beret",
            "today": today,
            "deployed": deployed,
            "deployed_total": sum(row["total"] for row in deployed),
            "deployed_women": sum(row["women"] for row in deployed),
            "rotations": rotations_in_preparation(request.user, today)[:12],
            "expiring": expiring_documents(request.user, today, days, limit=25),
            "expiry_days": days,
        }
        return render(request, "home.html", context)
