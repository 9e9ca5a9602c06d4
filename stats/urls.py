from django.urls import path

from core.replica import reads_from_replica
from stats import views

app_name = "stats"

# The statistics pages read much and tolerate a second of lag: with a streaming replica
# configured (DB_REPLICA_HOST), their GETs read from it (core/replica.py, docs/scaling.md).
# The reports list's upload (a POST) stays on the primary.
replica = reads_from_replica

urlpatterns = [
    path("un/reports/", replica(views.ReportListView.as_view()), name="un_report_list"),
    path("un/ranking/", replica(views.RankingView.as_view()), name="un_ranking"),
    path("un/country/<str:iso3>/", replica(views.CountryView.as_view()), name="un_country"),
    path("un/system/", replica(views.SystemView.as_view()), name="un_system"),
    path("national/", replica(views.NationalView.as_view()), name="national"),
    path("briefing/", views.BriefingView.as_view(), name="briefing_pick"),
    path("briefing/<str:month>.pdf", views.BriefingView.as_view(), name="briefing"),
    path("statistics.xlsx", views.StatisticsWorkbookView.as_view(), name="statistics_xlsx"),
    path("parity/", replica(views.ParityView.as_view()), name="parity"),
    path("rotations/", replica(views.TimelineView.as_view()), name="timeline"),
]
