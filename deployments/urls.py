from django.urls import path

from deployments import views

app_name = "deployments"

# No "add" page: a deployment is born by nominating a person for a position.
urlpatterns = [
    path("", views.DeploymentListView.as_view(), name="deployment_list"),
    path("nominate/", views.NominateView.as_view(), name="nominate"),
    path("<int:pk>/", views.DeploymentDetailView.as_view(), name="deployment"),
    path("<int:pk>/edit/", views.DeploymentEditView.as_view(), name="deployment_edit"),
    path("<int:pk>/delete/", views.DeploymentDeleteView.as_view(), name="deployment_delete"),
    path("<int:pk>/history/", views.DeploymentHistoryView.as_view(), name="deployment_history"),
]
