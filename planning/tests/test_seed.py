"""The UN's published minimums, seeded as requirements that say where they come from."""

import pytest
from django.apps import apps

from planning.models import Requirement
from planning.seed import seed
from training.models import Course


@pytest.fixture
def seeded(no_requirements):
    seed(apps)
    return Requirement.objects.select_related("course")


def described(requirements, **scope):
    return sorted(str(r) for r in requirements.filter(**scope))


def test_individual_police_officers_need_the_uns_minimums(seeded):
    assert described(seeded, category="ipo") == [
        "5 years of service",
        "Aged 25–62 on departure",
        "Category B driving licence held 12 months",
        "Driving assessment passed",
        "Firearms assessment passed",
        "Language assessment passed",
    ]


def test_military_observers_need_to_be_officers_of_25_with_five_years(seeded):
    assert described(seeded, category="expert") == [
        "5 years of service",
        "Aged 25 or more on departure",
        "Rank OF-1 or above",
    ]


def test_every_deployment_needs_papers_screenings_and_core_training(seeded):
    everyone = seeded.filter(position=None, unit_type=None, mission=None, category="")
    assert described(everyone) == sorted(
        [
            "Passport valid 6 months beyond the deployment's end",
            "Medical clearance valid through the deployment's end",
            "Human rights screening cleared",
            "Misconduct screening cleared",
            f"Valid {Course.objects.get(code='UN-CPTM').title} certificate",
        ]
    )


def test_each_default_says_where_it_comes_from_and_is_valid(seeded):
    for requirement in seeded:
        assert len(requirement.source) > 20
        requirement.full_clean()
    assert "DPO/DOS 2019.19" in seeded.get(category="ipo", kind="age").source
    assert "Military Observers" in seeded.get(category="expert", kind="rank").source


def test_it_reuses_the_catalogues_core_course_or_makes_it(no_requirements):
    Course.objects.filter(code="UN-CPTM").delete()
    seed(apps)
    made = Course.objects.get(code="UN-CPTM")
    assert made.title == "UN Core Pre-deployment Training"
    Requirement.objects.all().delete()

    seed(apps)

    assert Course.objects.filter(code="UN-CPTM").count() == 1
    assert Requirement.objects.get(kind="course").course == made
