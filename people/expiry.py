"""Documents that lapse soon: passports, medical clearances and driving licences.

Only a person's latest document of a kind is a warning: an old passport that a newer one
valid past the warning window (or for good) replaced is history. For driving licences the
kind is the category: a valid C licence does not make an expiring B licence any less urgent.
`expiring_queryset` says it once in SQL for the home page and the expiring report; `lapsing`
and `lapsed` say it for one person's documents already read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from people.models import DrivingLicence, ExpiringRecord, MedicalClearance, Passport, Person


@dataclass(frozen=True)
class ExpiringKind:
    key: str  # in the expiring report's filter and rows: ?kind=passport
    model: type[ExpiringRecord]
    label: Promise
    detail: str  # the field that tells one document from another in a list


EXPIRING_KINDS = [
    ExpiringKind("passport", Passport, _("Passport"), "number"),
    ExpiringKind("medical", MedicalClearance, _("Medical clearance"), "result"),
    ExpiringKind("licence", DrivingLicence, _("Driving licence"), "category"),
]


@dataclass(frozen=True)
class ExpiringDocument:
    person: Person
    kind: str
    document: Any
    expires_on: datetime.date


def expiring_queryset(
    model: type[ExpiringRecord], user: Any, today: datetime.date, horizon: datetime.date
) -> QuerySet:
    """`model`'s documents that `user` may see lapsing between `today` and `horizon`.

    A document that a newer one of the same person and kind replaces is left out: one valid
    past `horizon` or one that never expires (a driving licence may not).
    """
    field = model.expires_field
    outlasting = Q(**{f"{field}__gt": horizon}) | Q(**{f"{field}__isnull": True})
    same_kind = {}
    if model.kind_field:
        same_kind[f"{model.kind_field}__iexact"] = OuterRef(model.kind_field)
    replacing = model.objects.filter(outlasting, person=OuterRef("person"), **same_kind)
    return (
        model.objects.restrict(user, "view")
        .filter(**{f"{field}__gte": today, f"{field}__lte": horizon})
        .exclude(Exists(replacing))
    )


def expiring_documents(
    user: Any, today: datetime.date, days: int, *, limit: int | None = None
) -> list[ExpiringDocument]:
    """Documents of people `user` may see that expire between `today` and `today + days`.

    Soonest first, with each person and organisation read in the same query: one query per
    document kind, never per person.
    """
    horizon = today + datetime.timedelta(days=days)
    found: list[ExpiringDocument] = []
    for kind in EXPIRING_KINDS:
        field = kind.model.expires_field
        queryset = expiring_queryset(kind.model, user, today, horizon).select_related(
            "person__organisation"
        )
        for document in queryset.order_by(field)[:limit]:
            expires_on = getattr(document, field)
            found.append(ExpiringDocument(document.person, str(kind.label), document, expires_on))
    found.sort(key=lambda d: d.expires_on)
    return found[:limit] if limit else found


def lapsing(
    documents: Iterable[ExpiringRecord], today: datetime.date, horizon: datetime.date
) -> list[ExpiringRecord]:
    """Those of one person's documents of one model lapsing between `today` and `horizon`.

    What `expiring_queryset` finds, from rows already read: a document that another of the
    same kind (a licence's category) replaces, valid past `horizon` or for good, is left out.
    """
    documents = list(documents)

    def replaced(document: ExpiringRecord) -> bool:
        return any(
            other.same_kind_as(document) and (other.expiry() is None or other.expiry() > horizon)
            for other in documents
        )

    soon = [d for d in documents if d.expiry() and today <= d.expiry() <= horizon]
    return sorted((d for d in soon if not replaced(d)), key=lambda d: d.expiry())


def lapsed(documents: Iterable[ExpiringRecord], today: datetime.date) -> ExpiringRecord | None:
    """The newest of one person's documents of one kind when even it has expired.

    None when the person holds a valid one (or one that never expires), or none at all.
    An old passport replaced by a newer one is history, not a warning.
    """
    latest = None
    for document in documents:
        expires_on = document.expiry()
        if expires_on is None:
            return None
        if latest is None or expires_on > latest.expiry():
            latest = document
    return latest if latest is not None and latest.expiry() < today else None
