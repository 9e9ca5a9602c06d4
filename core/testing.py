"""Builders for tests: small, explicit records with sensible defaults.

Plain functions rather than a factory library: each test reads what it makes.
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.contrib.auth.models import Group, User

from core.models import Organisation, OrganisationKind
from core.roles import ensure_roles

_counter = itertools.count(1)


def organisation(name: str, parent: Organisation | None = None, **extra: Any) -> Organisation:
    kind = extra.pop("kind", OrganisationKind.UNIT if parent else OrganisationKind.MINISTRY)
    return Organisation.objects.create(name=name, parent=parent, kind=kind, **extra)


def user(
    username: str,
    role: str,
    *organisations: Organisation,
    password: str = "pass-word-42",
    **extra: Any,
) -> User:
    """A user holding `role` (a group name from core.roles) over each of `organisations`."""
    ensure_roles()
    account = User.objects.create_user(username=username, password=password, **extra)
    for org in organisations:
        grant(account, role, org)
    return account


def grant(account: User, role: str, organisation: Organisation) -> Any:
    """Give `account` one more grant: `role` over `organisation` and everything below it."""
    ensure_roles()
    made = account.memberships.create(organisation=organisation, role=Group.objects.get(name=role))
    # A user object caches its permissions and grants: a fresh one reads the new grant.
    for cache in (
        "_perm_cache",
        "_group_perm_cache",
        "_user_perm_cache",
        "_granted_paths",
        "_role_names",
    ):
        account.__dict__.pop(cache, None)
    return made


def language(code: str = "en", name: str = "English") -> Any:
    from people.models import Language

    return Language.objects.get_or_create(code=code, defaults={"name": name})[0]


def rank(service: str = "army", name: str = "Captain", grade: int = 12) -> Any:
    from people.models import Rank

    return Rank.objects.get_or_create(service=service, name=name, defaults={"grade": grade})[0]


def specialty(code: str = "surgeon", name: str = "Surgeon") -> Any:
    from people.models import Specialty

    return Specialty.objects.get_or_create(code=code, defaults={"name": name})[0]


def person(org: Organisation, full_name: str = "Nguyễn Văn An", **extra: Any) -> Any:
    from people.models import Person

    values: dict[str, Any] = {
        "service_number": f"SN{next(_counter):06d}",
        "sex": "M",
        "date_of_birth": datetime.date(1990, 5, 17),
        "service": "army",
        "service_start": datetime.date(2010, 9, 1),
    }
    values.update(extra)
    return Person.objects.create(organisation=org, full_name=full_name, **values)


def mission(code: str = "UNMISS", **extra: Any) -> Any:
    from missions.models import Mission

    values = {
        "name": "United Nations Mission in the Republic of South Sudan",
        "host_country": "South Sudan",
        "started_on": datetime.date(2011, 7, 9),
    }
    values.update(extra)
    return Mission.objects.get_or_create(code=code, defaults=values)[0]


def unit_type(code: str = "l2-hospital", positions: int = 3, **extra: Any) -> Any:
    """A unit type whose table has `positions` rows of one person each."""
    from units.models import UnitType

    values = {"name": "Level-2 Field Hospital", "category": "troops"}
    values.update(extra)
    kind, created = UnitType.objects.get_or_create(code=code, defaults=values)
    if created:
        for index in range(positions):
            kind.positions.create(order=index, role=f"Role {index + 1}", count=1)
    return kind


def rotation(org: Organisation, number: int = 1, with_positions: bool = True, **extra: Any) -> Any:
    from units.models import Rotation
    from units.services import generate_positions

    values: dict[str, Any] = {
        "unit_type": extra.pop("unit_type", None) or unit_type(),
        "mission": extra.pop("mission", None) or mission(),
        "planned_departure": datetime.date(2022, 4, 27),
        "planned_return": datetime.date(2023, 7, 9),
        "target_strength": 3,
        "target_women_share": 15,
    }
    values.update(extra)
    made = Rotation.objects.create(organisation=org, number=number, **values)
    if with_positions:
        generate_positions(made)
    return made


def api(account: User | None = None) -> Any:
    """A REST API client signed in with a new token of `account`, as a script would be.

    Without `account`, an anonymous client.
    """
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    client = APIClient()
    if account is not None:
        # Made directly, not through core.tokens.issue: a test may ask for more clients than a
        # user may hold tokens.
        _token, key = AuthToken.objects.create(user=account)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def job_started_by(response: Any) -> Any:
    """The background job a page started: the one its response redirects to.

    Under the tests a job has run by then (tasks run at once), so its outcome is there.
    """
    from django.urls import resolve

    from core.models import Job

    assert response.status_code == 302, f"no job started: answered {response.status_code}"
    match = resolve(response["Location"])
    assert match.url_name == "job", f"redirected to {response['Location']}, not to a job"
    return Job.objects.get(pk=int(match.kwargs["pk"]))


class Download:
    """A downloaded file: its bytes and its headers (a FileResponse streams its content)."""

    def __init__(self, response: Any) -> None:
        self.response = response
        self.content = b"".join(response.streaming_content)

    def __getitem__(self, header: str) -> str:
        return self.response[header]


def job_file(client: Any, job: Any) -> Download:
    """The file a finished job made, downloaded as its user would."""
    response = client.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200, f"job {job.pk}: {job.state} {job.message}"
    return Download(response)
