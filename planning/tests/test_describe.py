"""Requirements, time spans and counted reasons in plain words."""

import datetime

import pytest

from core import testing
from planning.describe import describe_scope, span_words
from planning.models import Requirement
from planning.reasons import Reason, count_reasons
from planning.rules import Rule


@pytest.mark.parametrize(
    ("first", "second", "words"),
    [
        ((2026, 9, 29), (2026, 9, 30), "one day"),
        ((2026, 9, 1), (2026, 9, 13), "twelve days"),
        ((2026, 9, 1), (2026, 9, 15), "two weeks"),
        ((2026, 8, 1), (2026, 9, 20), "seven weeks"),
        ((2026, 3, 1), (2026, 9, 30), "seven months"),
        ((2026, 3, 1), (2026, 9, 10), "six months"),
        ((2024, 3, 1), (2026, 9, 1), "three years"),
        ((2014, 1, 1), (2026, 9, 1), "13 years"),
    ],
)
def test_it_says_a_time_span_in_days_weeks_months_or_years(first, second, words):
    assert span_words(datetime.date(*first), datetime.date(*second)) == words
    assert span_words(datetime.date(*second), datetime.date(*first)) == words


@pytest.mark.parametrize(
    ("values", "text"),
    [
        (
            {"kind": "passport", "margin_months": 6},
            "Passport valid 6 months beyond the deployment's end",
        ),
        ({"kind": "medical"}, "Medical clearance valid through the deployment's end"),
        ({"kind": "age", "max_age": 62}, "Aged 62 or less on departure"),
        ({"kind": "rank", "rank_max": 9}, "Rank OR-9 or below"),
        ({"kind": "rank", "rank_min": 12, "rank_max": 12}, "Rank OF-2"),
        ({"kind": "licence", "licence_category": "C"}, "Category C driving licence"),
        ({"kind": "service_years", "min_years": 1}, "1 year of service"),
        ({"kind": "screening", "screening_kind": "misconduct"}, "Misconduct screening cleared"),
    ],
)
def test_it_describes_a_requirement_as_an_officer_would(values, text):
    assert Requirement(**values).describe() == text


def test_it_names_the_scope(db, mod):
    rotation = testing.rotation(mod["hospital"], number=4)
    position = rotation.positions.first()
    assert describe_scope(Requirement(kind="medical")) == "Every deployment"
    assert describe_scope(Requirement(kind="medical", category="ipo")) == (
        "Individual police officer"
    )
    assert describe_scope(Requirement(kind="medical", mission=rotation.mission)) == (
        "Mission UNMISS"
    )
    assert describe_scope(Requirement(kind="medical", position=position)) == (
        "Position 1. Role 1 of Level-2 Field Hospital Rotation 4"
    )


def test_it_counts_each_blocking_reason_once_per_person_most_frequent_first():
    medical = Rule("m", Requirement(kind="medical"))
    passport = Rule("p", Requirement(kind="passport", margin_months=6))
    stricter = Rule("m2", Requirement(kind="medical", margin_months=3))
    people = [
        [Reason(medical, "no medical clearance"), Reason(stricter, "…")],
        [Reason(medical, "medical clearance ends …"), Reason(passport, "no passport")],
        [Reason(medical, "no medical clearance")],
    ]

    counted = count_reasons(people)

    assert [(c.key, c.count, c.text) for c in counted] == [
        ("medical", 3, "3 people need a medical check"),
        ("passport", 1, "1 person needs a passport valid long enough"),
    ]
