"""Documents that lapse soon: passports, medical clearances and driving licences."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from people.models import DrivingLicence, ExpiringRecord, MedicalClearance, Passport, Person

EXPIRING_KINDS = [
    (Passport, _("Passport")),
    (MedicalClearance, _("Medical clearance")),
    (DrivingLicence, _("Driving licence")),
]


@dataclass(frozen=True)
class ExpiringDocument:
    person: Person
    kind: str
    document: Any
    expires_on: datetime.date

    def days_left(self, today: datetime.date) -> int:
        return (self.expires_on - today).days


def expiring_documents(
    user: Any,
    today: datetime.date,
    days: int,
    *,
    person: Person | None = None,
    limit: int | None = None,
) -> list[ExpiringDocument]:
    """Documents of people `user` may see that expire between `today` and `today + days`.

    Only each person's latest document of a kind counts: an old passport that a newer one
    replaced is not a warning. One query per document kind, never per person.
    """
    horizon = today + datetime.timedelta(days=days)
    found: list[ExpiringDocument] = []
    for model, label in EXPIRING_KINDS:
        field = model.expires_field
        queryset = model.objects.restrict(user, "view").select_related("person")
        if person is not None:
            queryset = queryset.filter(person=person)
        newer = {f"{field}__gt": horizon}
        replaced = model.objects.filter(person=OuterRef("person"), **newer)
        queryset = queryset.filter(**{f"{field}__gte": today, f"{field}__lte": horizon}).exclude(
            Exists(replaced)
        )
        for document in queryset.order_by(field)[:limit]:
            expires_on = getattr(document, field)
            found.append(ExpiringDocument(document.person, str(label), document, expires_on))
    found.sort(key=lambda d: d.expires_on)
    return found[:limit] if limit else found


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
