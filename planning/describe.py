"""Requirements and time spans in plain words, as a staff officer would say them."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import add_months
from people.models import CEFRLevel, Grade

if TYPE_CHECKING:
    from planning.models import Requirement


def number_word(number: int) -> str:
    """One to twelve in words (as in "seven months"); larger numbers as digits."""
    words = {
        1: _("one"),
        2: _("two"),
        3: _("three"),
        4: _("four"),
        5: _("five"),
        6: _("six"),
        7: _("seven"),
        8: _("eight"),
        9: _("nine"),
        10: _("ten"),
        11: _("eleven"),
        12: _("twelve"),
    }
    return words.get(number, str(number))


def whole_months(start: datetime.date, end: datetime.date) -> int:
    """Completed calendar months from `start` to `end` (end >= start)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months


def span_words(first: datetime.date, second: datetime.date) -> str:
    """The time between two days in words: days under two weeks, weeks under two months,
    then months (rounded to the nearest), then years past two years.
    """
    start, end = sorted((first, second))
    days = (end - start).days
    if days < 14:
        return ngettext("%(n)s day", "%(n)s days", days) % {"n": number_word(days)}
    months = whole_months(start, end)
    if months < 2:
        weeks = round(days / 7)
        return ngettext("%(n)s week", "%(n)s weeks", weeks) % {"n": number_word(weeks)}
    if (end - add_months(start, months)).days >= 15:
        months += 1
    if months < 24:
        return ngettext("%(n)s month", "%(n)s months", months) % {"n": number_word(months)}
    years = (months + 6) // 12  # to the nearest year, a half rounding up
    return ngettext("%(n)s year", "%(n)s years", years) % {"n": number_word(years)}


def grade_label(grade: int | None) -> str:
    return Grade(grade).label if grade else ""


def level_label(level: int | None) -> str:
    return CEFRLevel(level).label if level else ""


def rank_range_words(low: int | None, high: int | None) -> str:
    if low and high:
        if low == high:
            return grade_label(low)
        return _("%(low)s to %(high)s") % {"low": grade_label(low), "high": grade_label(high)}
    if low:
        return _("%(low)s or above") % {"low": grade_label(low)}
    return _("%(high)s or below") % {"high": grade_label(high)}


def age_range_words(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return _("%(low)s–%(high)s") % {"low": low, "high": high}
    if low is not None:
        return _("%(low)s or more") % {"low": low}
    return _("%(high)s or less") % {"high": high}


def describe_requirement(requirement: Requirement) -> str:
    """What the requirement asks, e.g. "Passport valid 6 months beyond the deployment's end"."""
    from planning.models import RequirementKind as Kind

    r = requirement
    if r.kind == Kind.COURSE:
        course = r.course if r.course_id else None
        title = course.title if course else _("a course")
        return _("Valid %(course)s certificate") % {"course": title}
    if r.kind == Kind.ASSESSMENT:
        kind = r.get_assessment_kind_display()
        if r.language_id:
            return _("%(kind)s assessment (%(language)s) passed") % {
                "kind": kind,
                "language": r.language,
            }
        return _("%(kind)s assessment passed") % {"kind": kind}
    if r.kind == Kind.LANGUAGE:
        return _("%(language)s %(level)s or above") % {
            "language": r.language if r.language_id else "?",
            "level": level_label(r.language_level),
        }
    if r.kind == Kind.LICENCE:
        if r.licence_held_months:
            return ngettext(
                "Category %(category)s driving licence held %(n)s month",
                "Category %(category)s driving licence held %(n)s months",
                r.licence_held_months,
            ) % {"category": r.licence_category, "n": r.licence_held_months}
        return _("Category %(category)s driving licence") % {"category": r.licence_category}
    if r.kind == Kind.SERVICE_YEARS:
        return ngettext("%(n)s year of service", "%(n)s years of service", r.min_years or 0) % {
            "n": r.min_years
        }
    if r.kind == Kind.AGE:
        return _("Aged %(range)s on departure") % {"range": age_range_words(r.min_age, r.max_age)}
    if r.kind == Kind.RANK:
        return _("Rank %(range)s") % {"range": rank_range_words(r.rank_min, r.rank_max)}
    if r.kind in (Kind.MEDICAL, Kind.PASSPORT):
        what = _("Medical clearance") if r.kind == Kind.MEDICAL else _("Passport")
        if r.margin_months:
            return ngettext(
                "%(what)s valid %(n)s month beyond the deployment's end",
                "%(what)s valid %(n)s months beyond the deployment's end",
                r.margin_months,
            ) % {"what": what, "n": r.margin_months}
        return _("%(what)s valid through the deployment's end") % {"what": what}
    if r.kind == Kind.SCREENING:
        return _("%(kind)s screening cleared") % {"kind": r.get_screening_kind_display()}
    return r.get_kind_display()


def describe_scope(requirement: Requirement) -> str:
    """To whom it applies: every deployment, a category, a unit type, a mission, a position."""
    r = requirement
    scope = r.scope
    if scope == "position":
        return _("Position %(position)s of %(rotation)s") % {
            "position": r.position,
            "rotation": r.position.rotation,
        }
    if scope == "unit_type":
        return _("Unit type %(unit_type)s") % {"unit_type": r.unit_type}
    if scope == "mission":
        return _("Mission %(mission)s") % {"mission": r.mission.code}
    if scope == "category":
        return str(r.get_category_display())
    return _("Every deployment")
