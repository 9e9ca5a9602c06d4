from django.urls import path

from core.urls_helpers import object_urls
from training.views import assessments, courses, runs, trainees

app_name = "training"

urlpatterns = [
    *object_urls("courses", "course", courses, "Course"),
    *object_urls("runs", "courserun", runs, "CourseRun"),
    path("runs/<int:pk>/results/", runs.ResultsView.as_view(), name="courserun_results"),
    path(
        "runs/<int:pk>/certificates/",
        runs.IssueCertificatesView.as_view(),
        name="courserun_certificates",
    ),
    path("runs/<int:pk>/trainees/", trainees.TraineeSearchView.as_view(), name="trainee_search"),
    path("runs/<int:pk>/trainees/add/", trainees.AddPersonView.as_view(), name="trainee_add"),
    path(
        "runs/<int:pk>/trainees/foreign/",
        trainees.AddForeignView.as_view(),
        name="trainee_add_foreign",
    ),
    path("runs/<int:pk>/import/", trainees.ImportView.as_view(), name="courserun_import"),
    path(
        "runs/<int:pk>/import/template/",
        trainees.ImportTemplateView.as_view(),
        name="courserun_import_template",
    ),
    *object_urls("assessments", "assessment", assessments, "Assessment"),
]
