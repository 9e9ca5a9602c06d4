"""The shared pieces of the REST API: scoping, permissions, validation, lost-update protection.

Every API view is a `ScopedViewSet`: its records come from `Model.objects.restrict(user,
action)` exactly as the pages' do ("view" to read, "add" to create, "change" to update,
"delete" to delete), so a record out of the user's scope answers 404 like a missing one.

Lost updates: a GET of one record answers an `ETag` (a digest of the record's stored values);
PUT, PATCH and DELETE must send it back in `If-Match`. Without it the answer is 428, and with an
old one 412 and nothing changes: two officers editing the same person cannot silently overwrite
each other. The check and the write happen in one transaction with the row locked.
"""

from __future__ import annotations

import copy
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, EmptyResultSet, FullResultSet
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import ProtectedError, Q, QuerySet, RestrictedError
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.filtersets import BaseFilterSet
from core.querysets import placement_filter
from core.versions import version_of

# What a request does, in the words of `restrict(user, action)` and Django's permissions.
ACTION_BY_METHOD = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}
# Methods that change an existing record and so must prove they saw its current version.
GUARDED_METHODS = ("PUT", "PATCH", "DELETE")


# --- errors ------------------------------------------------------------------------------------


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = _(
        "Send the ETag of the record you read in an If-Match header, so that nobody else's "
        "change is overwritten."
    )
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "The record has changed since you read it. Read it again and reapply your change."
    )
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The change conflicts with other records.")
    default_code = "conflict"


def drf_errors(error: DjangoValidationError) -> dict[str, list[str]] | list[str]:
    """A Django ValidationError as DRF reports one: messages by field, general ones apart."""
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: list(error.messages)}
    errors: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
        errors.setdefault(key, []).extend(str(m) for m in messages)
    return errors


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus the Django errors a rule or the database raises on a write.

    A rule refused in a model or a service (Django's ValidationError) is a 400 with its
    messages; a delete blocked by records still using this one is a 409 naming them, as the
    delete page says it; a constraint the checks could not foresee (a race) is a 409 too.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(drf_errors(exc))
    elif isinstance(exc, ProtectedError | RestrictedError):
        blockers = ", ".join(str(o) for o in list(exc.args[1])[:5]) if len(exc.args) > 1 else ""
        exc = Conflict(_("Still used by: %(list)s") % {"list": blockers})
    elif isinstance(exc, IntegrityError):
        exc = Conflict()
    return drf_exception_handler(exc, context)


# --- versions ----------------------------------------------------------------------------------


def etag_for(instance: models.Model) -> str:
    """A strong ETag: the record's version (core.versions), the one the pages' forms carry.

    Any change to the record, by any path (page, API, command), changes it.
    """
    return f'"{version_of(instance)}"'


def check_if_match(request: Request, instance: models.Model, required: bool = True) -> None:
    """Refuse a write that does not name the record's current version (RFC 9110 If-Match)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        if required:
            raise PreconditionRequired()
        return
    if header == "*":  # "whatever version there is": the client says it knows it overwrites
        return
    current = etag_for(instance)
    offered = [tag.strip() for tag in header.split(",")]
    # Weak tags ("W/...") never match in If-Match: it needs byte-for-byte the same record.
    if current not in offered:
        raise PreconditionFailed()


# --- permissions ---------------------------------------------------------------------------------


class ScopedPermission(BasePermission):
    """The model permission of the request's action (view for reads); scope comes from restrict.

    A user without the model permission gets 403 for every id alike; a user with it but
    outside the record's scope gets 404 from the queryset, as for a record that does not exist.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if getattr(view, "swagger_fake_view", False):
            return True
        meta = view.queryset.model._meta
        return user.has_perm(f"{meta.app_label}.{view.scope_action()}_{meta.model_name}")


class Pagination(PageNumberPagination):
    """PAGINATE_BY rows a page, as on the pages; a script may ask up to 1,000 with page_size."""

    page_size = settings.PAGINATE_BY
    page_size_query_param = "page_size"
    max_page_size = 1000


def record_author(instance: models.Model, request: Request | None) -> None:
    """Name the request's user in the history record that the next save or delete writes."""
    if request is not None:
        instance._history_user = request.user  # type: ignore[attr-defined]


# --- serializers -----------------------------------------------------------------------------


class ScopedSerializer(serializers.ModelSerializer):
    """A ModelSerializer that refuses what the pages refuse.

    - A related record (organisation, person, rank...) must be in the user's scope: one outside
      it is answered "does not exist", exactly like a wrong id. `related_scopes` names the
      action a field's record must allow ("change" for the person a document is added to).
    - validate() runs the model's full_clean() (clean(), constraints) on the record as it would
      be saved and reports Django's messages on their fields.
    """

    related_scopes: dict[str, str] = {}

    url = serializers.SerializerMethodField()
    display = serializers.SerializerMethodField()

    class Meta:
        model: type[models.Model]
        fields: list[str] | str
        # The model's own validation (validate_constraints) checks uniqueness with the same
        # message as the pages; DRF's automatic validators would say it differently.
        validators: list[Any] = []

    def build_standard_field(self, field_name: str, model_field: models.Field) -> tuple:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        # Whole numbers within the column's range on every database: SQLite would take any
        # 64-bit number where PostgreSQL's smallint stops at 32767, so the API (and its schema)
        # would differ by engine. The portable range is the base operations' table.
        bounds = BaseDatabaseOperations.integer_field_ranges.get(model_field.get_internal_type())
        if bounds and "choices" in kwargs:
            # The choices say it all; the column's engine-specific range would only blur it.
            kwargs["validators"] = [
                v
                for v in kwargs.get("validators", [])
                if not isinstance(v, MinValueValidator | MaxValueValidator)
            ]
        elif bounds:
            low, high = bounds
            kwargs["min_value"] = max(kwargs.get("min_value", low), low)
            kwargs["max_value"] = min(kwargs.get("max_value", high), high)
        return field_class, kwargs

    def get_url(self, obj: models.Model) -> str | None:
        request = self.context.get("request")
        try:
            path = reverse(f"api:{self.route_name()}-detail", args=[obj.pk])
        except NoReverseMatch:
            return None
        return request.build_absolute_uri(path) if request is not None else path

    def get_display(self, obj: models.Model) -> str:
        return str(obj)

    @classmethod
    def route_name(cls) -> str:
        return cls.Meta.model._meta.model_name

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for name, field in fields.items():
            if field.read_only:
                continue
            target = (
                field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
            )
            if not isinstance(target, serializers.RelatedField):
                continue
            queryset = target.queryset
            if isinstance(queryset, models.Manager):  # what ModelSerializer puts there
                queryset = queryset.all()
            if isinstance(queryset, QuerySet) and hasattr(queryset, "restrict"):
                target.queryset = queryset.restrict(user, self.related_scopes.get(name, "view"))
        # The field that places the record (its organisation, a document's person) offers only
        # where the caller may add or change such records, as the pages' forms do.
        placement = placement_filter(
            self.Meta.model, user, "change" if self.instance is not None else "add"
        )
        if placement is not None and placement[0] in fields:
            target = fields[placement[0]]
            if isinstance(target, serializers.RelatedField) and isinstance(
                target.queryset, QuerySet
            ):
                target.queryset = target.queryset.filter(placement[1])
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        model = self.Meta.model
        many = {f.name for f in model._meta.many_to_many}
        # The record as it would be saved; the stored one stays untouched until then.
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if name not in many:
                setattr(candidate, name, value)
        # As a ModelForm does: fields the API does not write are not the caller's fault.
        written = {f.source for f in self.fields.values() if not f.read_only}
        exclude = [f.name for f in model._meta.fields if f.name not in written]
        try:
            candidate.full_clean(exclude=exclude)
        except DjangoValidationError as error:
            raise serializers.ValidationError(drf_errors(error)) from error
        return attrs

    def update(self, instance: models.Model, validated_data: dict[str, Any]) -> models.Model:
        record_author(instance, self.context.get("request"))
        return super().update(instance, validated_data)


class FormSerializer(ScopedSerializer):
    """Validates and saves through the app's own ModelForm, for models whose rules live there.

    The page and the API then refuse the same input with the same messages, and a save does
    the same follow-up work (a course's results refreshed when its pass mark changes).
    `form_class` takes `user=` (core.forms.BaseModelForm), which scopes its choices too.
    """

    form_class: type[Any]

    def form_instance(self, attrs: dict[str, Any]) -> models.Model:
        """The record the form binds to: the stored one, or a new one with what the form lacks."""
        if self.instance is not None:
            return self.instance
        fields = set(self.form_class._meta.fields)
        outside = {k: v for k, v in attrs.items() if k not in fields}
        return self.Meta.model(**outside)

    def form_data(self, attrs: dict[str, Any], instance: models.Model) -> dict[str, Any]:
        from django.forms.models import model_to_dict

        fields = list(self.form_class._meta.fields)
        # The stored values, or a new record's defaults, for what the request leaves out.
        data = model_to_dict(instance, fields=fields)
        data.update({name: value for name, value in attrs.items() if name in fields})

        def plain(value: Any) -> Any:
            if isinstance(value, models.Model):
                return value.pk
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            return value

        # A form reads a missing key as empty: None says so for every kind of field.
        return {name: plain(data.get(name)) for name in fields}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request = self.context.get("request")
        instance = self.form_instance(attrs)
        form = self.form_class(
            data=self.form_data(attrs, instance),
            instance=instance,
            user=getattr(request, "user", None),
        )
        if not form.is_valid():
            raise serializers.ValidationError(
                drf_errors(DjangoValidationError(form.errors.as_data()))
            )
        self.form = form
        return attrs

    def save_form(self, form: Any) -> models.Model:
        return form.save()

    def create(self, validated_data: dict[str, Any]) -> models.Model:
        return self.save_form(self.form)

    def update(self, instance: models.Model, validated_data: dict[str, Any]) -> models.Model:
        record_author(instance, self.context.get("request"))
        return self.save_form(self.form)


# --- filters -----------------------------------------------------------------------------------


class IdFilter(django_filters.NumberFilter):
    """A record's id: a whole number a database column can hold, else a 400 on the filter."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


def simple_filterset(
    model: type[models.Model],
    ids: tuple[str, ...] = (),
    choices: tuple[str, ...] = (),
    search: tuple[str, ...] = (),
) -> type[BaseFilterSet]:
    """A filterset for a record that has no list page of its own (documents, catalogues).

    `ids` filter by a related record's id: a plain number, never a choice validated against
    the database, so that an id outside the user's scope finds nothing instead of answering
    "not a valid choice" (which would tell that it exists).
    """
    attrs: dict[str, Any] = {}
    for name in ids:
        attrs[name] = IdFilter(field_name=f"{name}_id")
    for name in choices:
        field = model._meta.get_field(name)
        attrs[name] = django_filters.ChoiceFilter(choices=field.choices)

    if search:

        def search_in(self: BaseFilterSet, queryset: QuerySet, value: str) -> QuerySet:
            condition = Q()
            for field_name in search:
                condition |= Q(**{f"{field_name}__icontains": value})
            return queryset.filter(condition)

        attrs["search"] = search_in
    else:
        attrs["q"] = None  # nothing to search in: no `q` that would silently filter nothing
    fields = ["q", *ids, *choices] if search else [*ids, *choices]
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": fields})
    return type(f"{model.__name__}ApiFilterSet", (BaseFilterSet,), attrs)


# --- views ---------------------------------------------------------------------------------------


class ScopedAutoSchema(AutoSchema):
    """Documents the If-Match header the writes need, the ETag reads give, and 412/428."""

    def _guarded(self) -> bool:
        return (
            self.method in GUARDED_METHODS
            and getattr(self.view, "etag_required", False)
            and self._is_detail()
        )

    def _is_detail(self) -> bool:
        return self.path.rstrip("/").endswith("{id}")

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self._guarded():
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    required=True,
                    description=str(_("The ETag of the record as last read.")),
                )
            )
        if "{id}" in self.path and self.method in ("GET", "PUT", "PATCH", "POST"):
            parameters.append(
                OpenApiParameter(
                    "ETag",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    response=[200],
                    description=str(_("The record's current version, for If-Match.")),
                )
            )
        return parameters

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if self._guarded():
            responses["412"] = {"description": str(PreconditionFailed.default_detail)}
            responses["428"] = {"description": str(PreconditionRequired.default_detail)}
        return responses


class ScopedReadViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """List and read one model within the user's scope; ScopedViewSet adds the writes."""

    queryset: QuerySet
    serializer_class: type[serializers.Serializer]
    filterset_class: type[BaseFilterSet] | None = None
    permission_classes = [ScopedPermission]
    # django-filter hands the request to the apps' filtersets, which scope their choices by it.
    filter_backends = [DjangoFilterBackend]
    pagination_class = Pagination
    schema = ScopedAutoSchema()
    # Ids are numbers: anything else is a 404 from the URL, before any query.
    lookup_value_regex = "[0-9]+"
    etag_required = False
    # Extra actions (POST /<id>/transition/) and the permission they need.
    action_scopes: dict[str, str] = {}
    # What a read of this endpoint shows, for the access log (core.access_log); None: no entry.
    access_log: Any = None

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        results = response.data.get("results") if isinstance(response.data, dict) else None
        response.access_rows = len(results) if results is not None else None  # type: ignore[attr-defined]
        return response

    def scope_action(self) -> str:
        """The restrict() action and model permission this request needs."""
        if self.action in self.action_scopes:
            return self.action_scopes[self.action]
        return ACTION_BY_METHOD.get(self.request.method or "GET", "view")

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.model.objects.none()
        queryset = self.queryset.restrict(self.request.user, self.scope_action())
        if not queryset.ordered:  # pages must not shift between two requests
            queryset = queryset.order_by("pk")
        if self.request.method in GUARDED_METHODS or self.action in self.action_scopes:
            # The row stays locked from the version check to the write: two writers take turns.
            queryset = queryset.select_for_update(of=("self",))
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        # A filter value no column or date can hold (?year=99999999) fails when the SQL is
        # written: find out now, without a query, and answer 400 rather than a server error.
        try:
            queryset.query.sql_with_params()
        except (EmptyResultSet, FullResultSet):
            pass
        except (ValueError, OverflowError) as error:
            raise exceptions.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [_("A filter value is out of range.")]}
            ) from error
        return queryset

    def get_object(self) -> Any:
        try:
            instance = super().get_object()
        except (ValueError, OverflowError) as error:  # an id no column could hold
            raise Http404 from error
        if self.request.method in GUARDED_METHODS and self.etag_required:
            check_if_match(self.request, instance)
        elif self.action in self.action_scopes:
            check_if_match(self.request, instance, required=False)
        return instance

    def read_back(self, pk: Any) -> Response:
        """The record as a GET shows it now, with its new ETag."""
        instance = self.queryset.restrict(self.request.user, "view").filter(pk=pk).first()
        if instance is None:  # moved out of the user's sight by the change itself
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = self.serializer_class(instance, context=self.get_serializer_context())
        return Response(serializer.data, headers={"ETag": etag_for(instance)})

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        serializer = self.get_serializer(instance)
        return Response(serializer.data, headers={"ETag": etag_for(instance)})


class ScopedViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ScopedReadViewSet,
):
    """List, read, create, update and delete one model within the user's scope."""

    etag_required = True

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = self.perform_create(serializer)
            self.check_placed(instance, "add")
        response = self.read_back(instance.pk)
        if response.status_code == status.HTTP_200_OK:
            response.status_code = status.HTTP_201_CREATED
        return response

    def perform_create(self, serializer: serializers.Serializer) -> Any:  # type: ignore[override]
        return serializer.save()

    def check_placed(self, instance: models.Model, action: str) -> None:
        """The last word on where a record lands: inside the caller's `action` scope, or
        nothing is written (the transaction rolls back) and the answer is 403. The placing
        field's choices already say so; a value set another way (a default, a null parent)
        meets this."""
        model = type(instance)
        if (
            not model._default_manager.restrict(self.request.user, action)
            .filter(pk=instance.pk)
            .exists()
        ):
            raise exceptions.PermissionDenied(_("You may not put this record there."))

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self.get_object()
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            self.perform_update(serializer)
            self.check_placed(instance, "change")
        return self.read_back(instance.pk)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            instance = self.get_object()
            self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_destroy(self, instance: Any) -> None:
        record_author(instance, self.request)
        instance.delete()
