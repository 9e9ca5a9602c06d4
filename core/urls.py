from django.urls import path

from core.urls_helpers import object_urls
from core.views import access_log, health, home, jobs, organisations

app_name = "core"

urlpatterns = [
    *object_urls("organisations", "organisation", organisations, "Organisation"),
    path("access-log/", access_log.AccessLogView.as_view(), name="access_log"),
    path("jobs/", jobs.JobListView.as_view(), name="job_list"),
    path("jobs/<int:pk>/", jobs.JobView.as_view(), name="job"),
    path("jobs/<int:pk>/progress/", jobs.JobProgressView.as_view(), name="job_progress"),
    path("jobs/<int:pk>/download/", jobs.JobDownloadView.as_view(), name="job_download"),
]

# The home page is named without a namespace prefix so that LOGIN_REDIRECT_URL = "home" works.
home_urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    # Unnamespaced too: the proxy's and the monitor's address, /health/.
    path("health/", health.HealthView.as_view(), name="health"),
]
