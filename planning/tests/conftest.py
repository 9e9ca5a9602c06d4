"""Fixtures of the planning tests: a clean slate of requirements, pools, a rotation."""

import datetime

import pytest

from core import roles, testing
from people.models import Person
from planning.models import Requirement

DEPARTS = datetime.date(2026, 4, 1)
RETURNS = datetime.date(2026, 9, 30)


@pytest.fixture
def no_requirements(db):
    """No requirement at all, seeded or not: each test states the ones it is about.

    (The seeded defaults are in the test database until a browser test's flush removes them;
    tests must not depend on which of the two they meet.)
    """
    Requirement.objects.all().delete()


@pytest.fixture
def period():
    return DEPARTS, RETURNS


@pytest.fixture
def rotation(mod):
    """An individual police post rotation of the defence ministry, 1 April – 30 September 2026."""
    kind = testing.unit_type(
        "ipo-post", positions=3, name="Individual police officer", category="ipo"
    )
    return testing.rotation(
        mod["hospital"],
        number=1,
        unit_type=kind,
        planned_departure=DEPARTS,
        planned_return=RETURNS,
        target_strength=3,
    )


@pytest.fixture
def position(rotation):
    return rotation.positions.select_related("rotation__unit_type").first()


@pytest.fixture
def officer(mod):
    return testing.person(
        mod["hospital"],
        "Lê Thị Mai",
        sex="F",
        date_of_birth=datetime.date(1990, 6, 1),
        service_start=datetime.date(2012, 9, 1),
    )


def everyone():
    return Person.objects.all()


@pytest.fixture
def requirement_admin(mod):
    """An administrator: the role that edits requirements."""
    return testing.user("req-admin", roles.ADMINISTRATOR, mod["ministry"])
