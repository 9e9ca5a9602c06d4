"""The standard set of URLs for one model: list, add, detail, edit, delete, history."""

from __future__ import annotations

from types import ModuleType

from django.urls import URLPattern, path


def object_urls(
    prefix: str, model_name: str, views: ModuleType, class_prefix: str
) -> list[URLPattern]:
    """URLs named `<model_name>_list`, `_add`, ``, `_edit`, `_delete`, `_history`.

    `views` must define `<class_prefix>ListView`, `EditView`, `DetailView`, `DeleteView` and
    `HistoryView`, as the generic views in core.views.generic.
    """

    def view(suffix: str):  # noqa: ANN202 - a view callable
        return getattr(views, f"{class_prefix}{suffix}View").as_view()

    # An empty prefix puts the model at the root of its app's URLs (/people/, /people/7/).
    base = f"{prefix}/" if prefix else ""
    return [
        path(base, view("List"), name=f"{model_name}_list"),
        path(f"{base}add/", view("Edit"), name=f"{model_name}_add"),
        path(f"{base}<int:pk>/", view("Detail"), name=model_name),
        path(f"{base}<int:pk>/edit/", view("Edit"), name=f"{model_name}_edit"),
        path(f"{base}<int:pk>/delete/", view("Delete"), name=f"{model_name}_delete"),
        path(f"{base}<int:pk>/history/", view("History"), name=f"{model_name}_history"),
    ]
