"""The shared date arithmetic: what a validity, an age or a typed date comes to."""

from __future__ import annotations

import datetime

from core.dates import add_months, not_in_future, whole_years

D = datetime.date


def test_months_are_added_to_the_last_day_of_a_shorter_month():
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)


def test_months_cross_years_both_ways():
    assert add_months(D(2025, 12, 15), 1) == D(2026, 1, 15)
    assert add_months(D(2025, 1, 15), -1) == D(2024, 12, 15)
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert add_months(D(2025, 3, 31), -1) == D(2025, 2, 28)


def test_a_year_counts_only_once_its_anniversary_is_reached():
    born = D(1990, 6, 15)
    assert whole_years(born, D(2025, 6, 14)) == 34
    assert whole_years(born, D(2025, 6, 15)) == 35
    assert whole_years(D(2000, 2, 29), D(2025, 2, 28)) == 24
    assert whole_years(D(2000, 2, 29), D(2025, 3, 1)) == 25


def test_a_date_after_today_is_recorded_as_a_slip_and_today_is_not():
    errors: dict[str, str] = {}
    today = datetime.date.today()

    not_in_future(errors, "issued_on", today)
    not_in_future(errors, "tested_on", None)
    assert errors == {}

    not_in_future(errors, "issued_on", today + datetime.timedelta(days=1))
    assert list(errors) == ["issued_on"]
    assert str(errors["issued_on"]) == "This date is in the future."
