"""Documents that lapse soon, per organisation: certificates, passports, medicals, licences.

One SQL UNION of four scoped queries, sorted and paginated by the database, so a ministry of
100,000 people pages through its list without loading it. Only a person's latest document of
a kind is a warning: an old passport already replaced by one valid past the horizon is not.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from people.expiry import EXPIRING_KINDS, expiring_queryset
from people.models import Person
from training.models import Enrolment

DOCUMENT_KINDS = {
    "certificate": _("Course certificate"),
    **{kind.key: kind.label for kind in EXPIRING_KINDS},
}
COLUMNS = (
    "person_id",
    "person_name",
    "person_number",
    "organisation_name",
    "document_kind",
    "detail",
    "expires",
)


def _rows(queryset: QuerySet, kind: str, detail: str, expires: str) -> QuerySet:
    return (
        queryset.annotate(
            person_name=F("person__full_name"),
            person_number=F("person__service_number"),
            organisation_name=F("person__organisation__name"),
            document_kind=Value(kind, output_field=CharField()),
            detail=F(detail),
            expires=F(expires),
        )
        .order_by()
        .values_list(*COLUMNS)
    )


def _certificates(user: Any, today: datetime.date, horizon: datetime.date) -> QuerySet:
    # A newer certificate of the same course valid past the horizon (or for good) replaces it.
    replaced = Enrolment.objects.filter(
        person=OuterRef("person"),
        run__course=OuterRef("run__course"),
        passed=True,
        certificate_issued_on__isnull=False,
    ).filter(Q(certificate_expires_on__isnull=True) | Q(certificate_expires_on__gt=horizon))
    return (
        Enrolment.objects.restrict(user, "view")
        .filter(
            person__in=Person.objects.restrict(user, "view").values("pk"),
            passed=True,
            certificate_expires_on__gte=today,
            certificate_expires_on__lte=horizon,
        )
        .exclude(Exists(replaced))
    )


def expiring_rows(
    user: Any,
    today: datetime.date,
    days: int,
    organisation: Organisation | None = None,
    kinds: list[str] | None = None,
) -> QuerySet:
    """Rows (COLUMNS) of documents of people `user` may see lapsing within `days` of `today`,
    soonest first; `organisation` includes everything below it.
    """
    horizon = today + datetime.timedelta(days=days)
    wanted = kinds or list(DOCUMENT_KINDS)
    chosen = []
    if "certificate" in wanted:
        certificates = _certificates(user, today, horizon)
        chosen.append(
            _rows(certificates, "certificate", "run__course__code", "certificate_expires_on")
        )
    for kind in EXPIRING_KINDS:
        if kind.key in wanted:
            documents = expiring_queryset(kind.model, user, today, horizon)
            chosen.append(_rows(documents, kind.key, kind.detail, kind.model.expires_field))
    if organisation is not None:
        below = Q(person__organisation__path__startswith=organisation.path)
        chosen = [part.filter(below) for part in chosen]
    first, *rest = chosen
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by("expires", "person_name", "document_kind")
