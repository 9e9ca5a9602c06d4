from django.urls import path

from core.urls_helpers import object_urls
from core.views import access_log, health, jobs, organisations

app_name = "core"

urlpatterns = [
    *object_urls("organisations", "organisation", organisations, "Organisation"),
    path("access-log/", access_log.AccessLogView.as_view(), name="access_log"),
    path("jobs/", jobs.JobListView.as_view(), name="job_list"),
    path("jobs/<int:pk>/", jobs.JobView.as_view(), name="job"),
    path("jobs/<int:pk>/progress/", jobs.JobProgressView.as_view(), name="job_progress"),
    path("jobs/<int:pk>/download/", jobs.JobDownloadView.as_view(), name="job_download"),
]

# Unnamespaced: the proxy's and the monitor's address, /health/ (the home page, also without
# a namespace, is the project's: blueberet/urls.py).
root_urlpatterns = [path("health/", health.HealthView.as_view(), name="health")]
