"""Builders for the people tests: a person with one of every document."""

from __future__ import annotations

import datetime
from typing import Any

from core import testing
from people.models import (
    DrivingLicence,
    LanguageTestResult,
    MedicalClearance,
    Passport,
    PersonLanguage,
    Screening,
)

TODAY = datetime.date.today()


def with_documents(person: Any, copies: int = 1) -> Any:
    """Give `person` `copies` of every kind of document (languages: English and French)."""
    english = testing.language("en", "English")
    french = testing.language("fr", "French")
    PersonLanguage.objects.create(person=person, language=english, level=4)
    PersonLanguage.objects.create(person=person, language=french, level=2)
    for n in range(copies):
        issued = datetime.date(2015 + n % 5, 1, 1)
        LanguageTestResult.objects.create(
            person=person, language=english, tested_on=issued, test_name="UN AMS", score=72
        )
        DrivingLicence.objects.create(
            person=person, category="B", issued_on=issued, expires_on=issued.replace(year=2040)
        )
        Passport.objects.create(
            person=person,
            number=f"P{person.pk:05d}{n:03d}",
            issued_on=issued,
            expires_on=issued.replace(year=issued.year + 10),
        )
        MedicalClearance.objects.create(
            person=person,
            examined_on=issued,
            result="fit",
            valid_until=issued.replace(year=issued.year + 1),
        )
        Screening.objects.create(
            person=person,
            kind="human_rights",
            status="cleared",
            screened_on=issued,
            screened_by="Inspectorate",
        )
    return person


def people_with_documents(org: Any, count: int) -> list[Any]:
    return [
        with_documents(
            testing.person(
                org,
                f"Trần Văn Thứ {n}",
                rank=testing.rank(),
                specialty=testing.specialty(),
            )
        )
        for n in range(count)
    ]


def deploy(person: Any, rotation: Any, number: int, state: str = "deployed", **extra: Any) -> Any:
    """Put `person` in position `number` of `rotation`."""
    from deployments.models import Deployment

    values = {
        "starts_on": TODAY - datetime.timedelta(days=30),
        "ends_on": TODAY + datetime.timedelta(days=300),
    }
    values.update(extra)
    return Deployment.objects.create(
        person=person, position=rotation.positions.get(number=number), state=state, **values
    )
