"""Fixtures shared by every app's tests: two ministries that must not see each other."""

import pytest

from core import roles, testing


@pytest.fixture
def mod(db):
    """Ministry of National Defence → Department of Peacekeeping Operations → Hospital 175."""
    ministry = testing.organisation("Ministry of National Defence", short_name="MND")
    department = testing.organisation(
        "Department of Peacekeeping Operations", ministry, short_name="DPKO", kind="department"
    )
    hospital = testing.organisation("Military Hospital 175", department, short_name="H175")
    return {"ministry": ministry, "department": department, "hospital": hospital}


@pytest.fixture
def mps(db):
    """Ministry of Public Security → police peacekeeping."""
    ministry = testing.organisation("Ministry of Public Security", short_name="MPS")
    police = testing.organisation("Police Peacekeeping Unit", ministry, short_name="PPU")
    return {"ministry": ministry, "police": police}


@pytest.fixture
def planner(mod):
    return testing.user("planner", roles.PLANNER, mod["department"])


@pytest.fixture
def approver(mod):
    return testing.user("approver", roles.APPROVER, mod["department"])


@pytest.fixture
def personnel_officer(mod):
    return testing.user("personnel", roles.PERSONNEL_OFFICER, mod["department"])


@pytest.fixture
def viewer(mod):
    return testing.user("viewer", roles.VIEWER, mod["department"])


@pytest.fixture
def police_officer_user(mps):
    """A personnel officer of the police side: must never see the defence ministry's people."""
    return testing.user("police", roles.PERSONNEL_OFFICER, mps["ministry"])
