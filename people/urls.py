from django.urls import URLPattern, path

from core.urls_helpers import object_urls
from people.documents import KINDS
from people.views import documents, imports, persons

app_name = "people"


def document_urls() -> list[URLPattern]:
    """/people/<person_pk>/<kind>/add/, …/<pk>/edit/, …/<pk>/delete/, …/<pk>/history/."""
    patterns = []
    for kind in KINDS:
        base = f"<int:person_pk>/{kind.slug}"
        patterns += [
            path(
                f"{base}/add/",
                documents.DocumentEditView.as_view(kind=kind),
                name=f"{kind.name}_add",
            ),
            path(
                f"{base}/<int:pk>/edit/",
                documents.DocumentEditView.as_view(kind=kind),
                name=f"{kind.name}_edit",
            ),
            path(
                f"{base}/<int:pk>/delete/",
                documents.DocumentDeleteView.as_view(kind=kind),
                name=f"{kind.name}_delete",
            ),
            path(
                f"{base}/<int:pk>/history/",
                documents.DocumentHistoryView.as_view(kind=kind),
                name=f"{kind.name}_history",
            ),
        ]
    return patterns


urlpatterns = [
    *object_urls("", "person", persons, "Person"),
    path("import/", imports.ImportView.as_view(), name="person_import"),
    path(
        "import/template.<str:fmt>",
        imports.ImportTemplateView.as_view(),
        name="person_import_template",
    ),
    path(
        "import/<str:token>/apply/", imports.ImportApplyView.as_view(), name="person_import_apply"
    ),
    path(
        "import/<str:token>/progress/",
        imports.ImportProgressView.as_view(),
        name="person_import_progress",
    ),
    path("ranks/", persons.RankOptionsView.as_view(), name="rank_options"),
    *document_urls(),
]
