from django.urls import path

from core.urls_helpers import object_urls
from missions import views

app_name = "missions"


urlpatterns = [
    *object_urls("", "mission", views, "Mission"),
    path("locations/add/", views.LocationEditView.as_view(), name="location_add"),
    path("locations/<int:pk>/edit/", views.LocationEditView.as_view(), name="location_edit"),
    path("locations/<int:pk>/delete/", views.LocationDeleteView.as_view(), name="location_delete"),
    path(
        "locations/<int:pk>/history/", views.LocationHistoryView.as_view(), name="location_history"
    ),
]
