"""Generic views that every app's list, detail, edit, delete and history pages are built on.

Each view takes its records from `Model.objects.restrict(user, action)`: a record the user may
not see is answered exactly as a record that does not exist (404), so ids leak nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, ProtectedError, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig, Table
from django_tables2.export import TableExport

from core import versions
from core.exports import neutralise_formulas

EXPORT_FORMATS = ("csv", "xlsx")


def safe_return_url(request: HttpRequest) -> str | None:
    """The posted `return_url` if it stays on this site; never an open redirect."""
    url = request.POST.get("return_url") or request.GET.get("return_url")
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return None


def restricted(queryset: QuerySet, request: HttpRequest, action: str) -> QuerySet:
    return queryset.restrict(request.user, action)  # type: ignore[attr-defined]


class ObjectListView(LoginRequiredMixin, View):
    """A filtered, sorted, paginated table with CSV and Excel export of the filtered rows."""

    queryset: QuerySet
    filterset_class: type | None = None
    table_class: type[Table]
    template_name = "core/object_list.html"
    title = ""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return restricted(self.queryset, request, "view")

    def get(self, request: HttpRequest) -> HttpResponse:
        model = self.queryset.model
        queryset = self.get_queryset(request)
        filterset = None
        if self.filterset_class:
            filterset = self.filterset_class(request.GET, queryset=queryset, request=request)
            queryset = filterset.qs
        export_format = request.GET.get("export")
        if export_format in EXPORT_FORMATS:
            table = self.table_class(queryset, exclude=("actions",))
            RequestConfig(request, paginate=False).configure(table)
            exporter = TableExport(export_format, table, dataset_kwargs={"title": "export"})
            neutralise_formulas(exporter.dataset)
            response = exporter.response(f"{model._meta.model_name}s.{export_format}")
            response.access_rows = len(exporter.dataset)  # for the access log (core.access_log)
            return response
        table = self.table_class(queryset)
        RequestConfig(request, paginate={"per_page": settings.PAGINATE_BY}).configure(table)
        meta = model._meta
        context = {
            "title": self.title or meta.verbose_name_plural.capitalize(),
            "table": table,
            "filter_form": filterset.form if filterset else None,
            "model_meta": meta,
            "can_add": request.user.has_perm(f"{meta.app_label}.add_{meta.model_name}"),
            "add_url": self.add_url(),
            "export_formats": EXPORT_FORMATS,
        }
        template = "core/object_table.html" if request.htmx else self.template_name
        return render(request, template, context)

    def add_url(self) -> str | None:
        meta = self.queryset.model._meta
        try:
            return reverse(f"{meta.app_label}:{meta.model_name}_add")
        except Exception:  # noqa: BLE001 - a list may have no add page
            return None


class ObjectDetailView(LoginRequiredMixin, View):
    queryset: QuerySet
    template_name: str

    def get_object(self, request: HttpRequest, pk: int) -> Model:
        return get_object_or_404(restricted(self.queryset, request, "view"), pk=pk)

    # Set before get_extra_context runs (a view instance serves one request), so a subclass
    # can reuse the answer instead of asking the database again.
    can_change = False

    def get_extra_context(self, request: HttpRequest, instance: Model) -> dict[str, Any]:
        return {}

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        instance = self.get_object(request, pk)
        meta = instance._meta
        self.can_change = restricted(self.queryset, request, "change").filter(pk=pk).exists()
        # Per record, as for changing: a Viewer of the ministry who deletes people of his own
        # department is offered no Delete on the others.
        can_delete = (
            request.user.has_perm(f"{meta.app_label}.delete_{meta.model_name}")
            and restricted(self.queryset, request, "delete").filter(pk=pk).exists()
        )
        context = {
            "object": instance,
            "model_meta": meta,
            "can_change": self.can_change,
            "can_delete": can_delete,
            **self.get_extra_context(request, instance),
        }
        return render(request, self.template_name, context)


class VersionedEdit:
    """The version an edit page's form carries, and the refusal of a save over a newer one.

    Shared by every page that changes existing records (see core.versions): the generic edit
    view, the position with its languages, a run's results grid. A page that edits more than
    one record overrides `versioned_records` and `history_of`.
    """

    request: HttpRequest
    # Set by a POST: the token the form shown again carries, and the conflict it explains.
    shown_version: versions.Token | None = None
    conflict: versions.Conflict | None = None
    # A page of many rows (a results grid) names the row of each change, even of one row.
    names_records = False

    def versioned_records(self, instance: Model, lock: bool = False) -> list[Model]:
        """The records whose versions the form carries; read again and locked when `lock`."""
        return [versions.lock(instance) if lock else instance]

    def history_of(self, instance: Model) -> list[QuerySet]:
        """The historical records that explain a conflict, narrowed to what the page edits."""
        return [instance.history.all()]  # type: ignore[attr-defined]

    def check_version(self, request: HttpRequest, instance: Model) -> versions.Conflict | None:
        """Refuse a save over a newer version: call inside the saving transaction, first.

        The rows stay locked until the transaction ends, so between this comparison and the
        write nobody else can save them.
        """
        posted = versions.Token.posted(request.POST)
        records = self.versioned_records(instance, lock=True)
        self.conflict = versions.conflict(posted, records, self.history_of(instance))
        # A form refused for its own errors keeps the version it was loaded from.
        self.shown_version = self.conflict.token if self.conflict else posted
        return self.conflict

    def version_context(self, request: HttpRequest, instance: Model) -> dict[str, Any]:
        """The token and the conflict for the template (core/_version.html); none to add."""
        if instance.pk is None:
            return {"version": None, "conflict": None}
        token = self.shown_version or versions.Token.of(self.versioned_records(instance))
        explained = (
            describe_conflict(request, self.conflict, self.names_records) if self.conflict else None
        )
        return {"version": token, "conflict": explained}


class ObjectEditView(VersionedEdit, LoginRequiredMixin, View):
    """Create (no pk) or change (pk) one record through a ModelForm that knows the user.

    A change is saved only over the version the form was loaded from (VersionedEdit).
    """

    queryset: QuerySet
    form_class: type[ModelForm]
    template_name = "core/object_edit.html"

    def get_object(self, request: HttpRequest, pk: int | None) -> Model:
        if pk is None:
            meta = self.queryset.model._meta
            if not request.user.has_perm(f"{meta.app_label}.add_{meta.model_name}"):
                raise PermissionDenied
            return self.new_object(request)
        return get_object_or_404(restricted(self.queryset, request, "change"), pk=pk)

    def new_object(self, request: HttpRequest) -> Model:
        """The unsaved record the add page fills; a subclass sets what the URL already says."""
        return self.queryset.model()

    def get_extra_context(self, request: HttpRequest, instance: Model) -> dict[str, Any]:
        """What a subclass's template needs beyond the form; it may override `return_url`."""
        return {}

    def get_initial(self, request: HttpRequest) -> dict[str, Any]:
        return {key: value for key, value in request.GET.items()}

    def make_form(self, request: HttpRequest, instance: Model) -> ModelForm:
        kwargs: dict[str, Any] = {"instance": instance, "user": request.user}
        if request.method == "POST":
            kwargs.update(data=request.POST, files=request.FILES)
        elif instance.pk is None:
            kwargs["initial"] = self.get_initial(request)
        return self.form_class(**kwargs)

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        instance = self.get_object(request, pk)
        return self.render_form(request, self.make_form(request, instance), instance)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        instance = self.get_object(request, pk)
        form = self.make_form(request, instance)
        created = instance.pk is None
        saved = None
        with transaction.atomic():
            conflict = None if created else self.check_version(request, instance)
            if conflict is None and form.is_valid():
                saved = form.save()
                if not self.may_keep(request, saved, "add" if created else "change"):
                    # The form offers only allowed places; this is the last word for a value
                    # set from elsewhere (the URL, a default): nothing is written.
                    transaction.set_rollback(True)
                    form.add_error(None, _("You may not put this record there."))
                    if created:
                        instance.pk, instance._state.adding = None, True
                    saved = None
        if conflict is not None:
            versions.keep_their_changes(conflict, [(form, instance)])
        if saved is None:
            return self.render_form(request, form, instance)
        verb = _("Created") if created else _("Saved")
        messages.success(request, f"{verb}: {saved}")
        return HttpResponseRedirect(safe_return_url(request) or saved.get_absolute_url())

    @staticmethod
    def may_keep(request: HttpRequest, saved: Model, action: str) -> bool:
        """Whether the record as saved lies where the user may `action` such records."""
        everything = saved._meta.model._default_manager.all()
        return restricted(everything, request, action).filter(pk=saved.pk).exists()

    def render_form(self, request: HttpRequest, form: ModelForm, instance: Model) -> HttpResponse:
        context = {
            "form": form,
            "object": instance,
            "model_meta": instance._meta,
            "return_url": request.GET.get("return_url", ""),
            **self.version_context(request, instance),
            **self.get_extra_context(request, instance),
        }
        return render(request, self.template_name, context)


class ObjectDeleteView(LoginRequiredMixin, View):
    queryset: QuerySet
    template_name = "core/object_delete.html"

    def get_object(self, request: HttpRequest, pk: int) -> Model:
        return get_object_or_404(restricted(self.queryset, request, "delete"), pk=pk)

    def success_url(self, instance: Model) -> str:
        meta = instance._meta
        return reverse(f"{meta.app_label}:{meta.model_name}_list")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        instance = self.get_object(request, pk)
        return render(
            request, self.template_name, {"object": instance, "model_meta": instance._meta}
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        instance = self.get_object(request, pk)
        target = self.success_url(instance)
        try:
            with transaction.atomic():
                instance.delete()
        except ProtectedError as error:
            blockers = ", ".join(str(o) for o in list(error.protected_objects)[:5])
            messages.error(
                request,
                _("%(obj)s is still used by: %(list)s") % {"obj": instance, "list": blockers},
            )
            return HttpResponseRedirect(instance.get_absolute_url())
        messages.success(request, _("Deleted: %(obj)s") % {"obj": instance})
        return HttpResponseRedirect(target)


class BackToParentDeleteView(ObjectDeleteView):
    """Deletes a record listed on its parent's page (a position, a table row, a location).

    Such a record's `get_absolute_url` is its parent's page, and the delete returns there.
    """

    def success_url(self, instance: Model) -> str:
        return instance.get_absolute_url()


class ObjectHistoryView(LoginRequiredMixin, View):
    """Who changed what and when, with before and after values, from django-simple-history."""

    queryset: QuerySet
    template_name = "core/object_history.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        instance = get_object_or_404(restricted(self.queryset, request, "view"), pk=pk)
        return render(
            request,
            self.template_name,
            {
                "object": instance,
                "model_meta": instance._meta,
                "entries": history_entries(instance),
            },
        )


def history_entries(instance: Model) -> list[dict[str, Any]]:
    """Each historical record of `instance`, newest first, with the fields it changed."""
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    entries = []
    # Each record against the one before it; the oldest against none. A record written by a
    # data migration or a bulk load may have no history row at all: no entry then.
    for newer, older in zip(records, [*records[1:], None], strict=False):
        changes = []
        if older is not None:
            delta = newer.diff_against(older)
            for change in delta.changes:
                field = instance._meta.get_field(change.field)
                changes.append(
                    {
                        "field": getattr(field, "verbose_name", change.field),
                        "old": display_value(field, change.old),
                        "new": display_value(field, change.new),
                    }
                )
        entries.append({"record": newer, "changes": changes})
    return entries


def display_value(field: Any, value: Any) -> str:
    if value is None or value == "":
        return "—"
    choices = getattr(field, "choices", None)
    if choices:
        return str(dict(choices).get(value, value))
    if getattr(field, "remote_field", None) is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else f"#{value}"
    return str(value)


def describe_conflict(
    request: HttpRequest, conflict: versions.Conflict, names_records: bool = False
) -> dict[str, Any]:
    """The conflict in words: who saved, when, and each field's value now and when loaded."""
    if conflict.missing:
        return {
            "summary": _(
                "This form did not say which version of the record it was opened from, so "
                "it was not saved: the record may have changed since."
            ),
            "lines": [],
        }
    if not conflict.changes:
        return {
            "summary": _("Someone else saved this record after you opened this page."),
            "lines": [],
        }
    people = list(dict.fromkeys(p for change in conflict.changes for p in change.by))
    latest = max((change.at for change in conflict.changes if change.at), default=timezone.now())
    several = names_records or len({change.label for change in conflict.changes}) > 1
    lines = []
    for change in conflict.changes:
        prefix = f"{change.label}: " if several or change.kind != versions.CHANGED else ""
        if change.kind == versions.ADDED:
            lines.append(_("%(record)s was added.") % {"record": change.label})
        elif change.kind == versions.REMOVED:
            lines.append(_("%(record)s was removed.") % {"record": change.label})
        for item in change.fields:
            label = str(getattr(item.field, "verbose_name", item.field.name))
            lines.append(
                prefix
                + _("%(field)s is now “%(now)s” (when you opened the page: “%(then)s”).")
                % {
                    "field": label[:1].upper() + label[1:],
                    "now": display_value(item.field, item.now),
                    "then": display_value(item.field, item.then),
                }
            )
    return {
        "summary": _("%(who)s saved a change on %(when)s, after you opened this page.")
        % {
            "who": ", ".join(who_saved(request, person) for person in people),
            "when": date_format(timezone.localtime(latest), "DATETIME_FORMAT"),
        },
        "lines": lines,
    }


def who_saved(request: HttpRequest, person: Any) -> str:
    if person is None:
        return _("Someone (not recorded)")
    if person.pk == request.user.pk:
        return _("You (in another window)")
    return person.get_full_name() or person.get_username()
