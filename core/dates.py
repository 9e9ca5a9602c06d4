"""Date arithmetic every app counts with: months of validity, completed years, typing slips.

Kept here, below every domain app, so that readiness, training, the planner and the demo
count the same way without importing one another (docs/architecture.md: apps import only
downward).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


def whole_years(start: datetime.date, day: datetime.date) -> int:
    """Completed years from `start` to `day`, as an age is counted."""
    return day.year - start.year - ((day.month, day.day) < (start.month, start.day))


def not_in_future(errors: dict[str, str], field: str, value: datetime.date | None) -> None:
    """Record an error on `field` when `value` lies after today: such a date is a typing slip."""
    if value and value > datetime.date.today():
        errors[field] = _("This date is in the future.")
