from django.urls import path

from stats import views

app_name = "stats"

urlpatterns = [
    path("un/reports/", views.ReportListView.as_view(), name="un_report_list"),
    path("un/ranking/", views.RankingView.as_view(), name="un_ranking"),
    path("un/country/<str:iso3>/", views.CountryView.as_view(), name="un_country"),
    path("un/system/", views.SystemView.as_view(), name="un_system"),
    path("national/", views.NationalView.as_view(), name="national"),
    path("briefing/", views.BriefingView.as_view(), name="briefing_pick"),
    path("briefing/<str:month>.pdf", views.BriefingView.as_view(), name="briefing"),
    path("statistics.xlsx", views.StatisticsWorkbookView.as_view(), name="statistics_xlsx"),
    path("parity/", views.ParityView.as_view(), name="parity"),
    path("rotations/", views.TimelineView.as_view(), name="timeline"),
]
