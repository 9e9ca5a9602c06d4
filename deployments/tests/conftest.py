"""Fixtures of the deployments tests: a rotation of the defence ministry and people for it."""

import datetime

import pytest

from core import roles, testing
from deployments import workflow
from deployments.models import Authority, State
from planning.testing import make_ready

DEPARTS = datetime.date(2022, 4, 27)
RETURNS = datetime.date(2023, 7, 9)


@pytest.fixture
def rotation(mod):
    """Level-2 Field Hospital Rotation 4 at UNMISS, 27 April 2022 – 9 July 2023, 3 positions."""
    return testing.rotation(mod["hospital"], number=4)


@pytest.fixture
def surgeon(mod):
    """A surgeon whose papers, screenings and core training meet every default requirement
    (planning/seed.py) through rotation 4, so that the workflow's readiness rules pass.
    """
    person = testing.person(
        mod["hospital"],
        "Nguyễn Thị Hương",
        sex="F",
        rank=testing.rank(),
        specialty=testing.specialty(),
    )
    return make_ready(person, until=RETURNS)


@pytest.fixture
def administrator(mod):
    return testing.user("admin", roles.ADMINISTRATOR, mod["ministry"])


@pytest.fixture
def advance(planner, approver):
    """Take a deployment forward through the process up to `state`, as it happens for real."""

    steps = [State.SCREENED, State.TRAINED, State.APPROVED, State.DEPLOYED, State.REPATRIATED]

    def advance_to(deployment, state):
        for step in steps:
            if deployment.state == state:
                break
            if step == State.APPROVED:
                workflow.transition(
                    deployment,
                    step,
                    by=approver,
                    authority=Authority.PRESIDENT,
                    decision_number="1234/QĐ-CTN",
                    decision_date=datetime.date(2022, 3, 15),
                )
            elif step == State.DEPLOYED:
                workflow.transition(deployment, step, by=planner, on_date=DEPARTS)
            elif step == State.REPATRIATED:
                workflow.transition(deployment, step, by=planner, on_date=RETURNS)
            else:
                workflow.transition(deployment, step, by=planner)
        assert deployment.state == state
        return deployment

    return advance_to


@pytest.fixture
def nominated(rotation, surgeon, planner):
    """The surgeon, nominated for the first position of rotation 4."""
    return workflow.nominate(surgeon, rotation.positions.first(), by=planner)


@pytest.fixture
def foreign_deployment(mps):
    """A police officer of the other ministry, nominated to a police unit's rotation."""
    police_unit = testing.unit_type("fpu", positions=1, name="Formed Police Unit", category="fpu")
    rotation = testing.rotation(mps["police"], number=1, unit_type=police_unit)
    officer = testing.person(mps["police"], "Phạm Công An", service="police", sex="F")
    return workflow.nominate(officer, rotation.positions.get(), by=None)


@pytest.fixture
def company(mod):
    """An engineering company rotation of 35 positions, every one filled (various states),
    by engineers who meet the default requirements (their steps are not what is tested).
    """
    engineers = testing.unit_type("engineers", positions=35, name="Engineering Company")
    rotation = testing.rotation(
        mod["hospital"],
        number=1,
        unit_type=engineers,
        mission=testing.mission("UNISFA", name="UN Interim Security Force for Abyei"),
        target_strength=35,
    )
    ranks = [testing.rank(name=f"Rank {grade}", grade=grade) for grade in (11, 12, 13)]
    deployments = []
    for index, position in enumerate(rotation.positions.all()):
        engineer = testing.person(
            mod["hospital"],
            f"Kỹ sư {index:02d}",
            rank=ranks[index % 3],
            sex="F" if index % 5 == 0 else "M",
        )
        make_ready(engineer, until=RETURNS)
        deployments.append(workflow.nominate(engineer, position, by=None))
    return rotation, deployments
