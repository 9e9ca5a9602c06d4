"""Fixtures of the training tests: a training officer, an administrator, a course and a run."""

import datetime

import pytest

from core import roles, testing
from training.models import AssessmentRule, Course, CourseRun


@pytest.fixture
def training_officer(mod):
    return testing.user("trainer", roles.TRAINING_OFFICER, mod["department"])


@pytest.fixture
def administrator(mod):
    return testing.user("admin", roles.ADMINISTRATOR, mod["ministry"])


@pytest.fixture
def cptm(db):
    """The core pre-deployment course, its certificate valid 36 months, pass mark 60."""
    course, _ = Course.objects.update_or_create(
        code="UN-CPTM",
        defaults={
            "title": "UN Core Pre-deployment Training Materials (CPTM)",
            "kind": "cptm",
            "pass_mark": 60,
            "validity_months": 36,
        },
    )
    return course


@pytest.fixture
def run(mod, cptm):
    """A run the department organised in March 2025 with 30 places."""
    return CourseRun.objects.create(
        course=cptm,
        organisation=mod["department"],
        starts_on=datetime.date(2025, 3, 3),
        ends_on=datetime.date(2025, 3, 14),
        place="Hà Nội",
        instructors="Lt Col Nguyễn Văn Minh\nMaj Trần Thị Lan",
        capacity=30,
    )


@pytest.fixture
def rules(db):
    """The assessment rules as the tests read them (seeded data may be flushed by others)."""
    made = {}
    for kind, pass_mark, wait, months in [
        ("language", 60, 180, 24),
        ("driving", 60, 90, None),
        ("firearms", 70, 30, 12),
    ]:
        made[kind], _ = AssessmentRule.objects.update_or_create(
            kind=kind,
            defaults={"pass_mark": pass_mark, "retake_wait_days": wait, "validity_months": months},
        )
    return made
