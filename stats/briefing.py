"""The one-month PDF briefing for leadership (issue 5): our figures and the UN's, on A4.

Everything is read through the user's scope: our deployments through
`Deployment.objects.restrict`, the UN reports through `UNReport.objects.restrict`, so a
ministry's briefing counts only its own people and shows no UN figures to someone who may
not see them.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from stats import national, tallies
from stats.models import UNReport
from stats.ranking import RankRow, own_row, ranking

TOP = 10


@dataclass
class Briefing:
    month: datetime.date
    as_of: datetime.date
    deployed_total: int
    deployed_women: int
    # (mission, men, women, total), by mission code.
    by_mission: list[tuple[str, int, int, int]]
    women: list[national.ShareRow]
    dispatched: list[national.YearRow]
    report: UNReport | None = None
    top: list[RankRow] = field(default_factory=list)
    own: RankRow | None = None

    @property
    def filename(self) -> str:
        return f"briefing_{self.month:%Y-%m}"


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def briefing(user: Any, month: datetime.date, today: datetime.date) -> Briefing:
    """The figures of `month` as of its last day (today, for the running month)."""
    month = month.replace(day=1)
    as_of = min(month_end(month), today)
    deployed = national.deployed_now(user, as_of)
    scope = tallies.current_for(user)
    missions: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in deployed:
        missions[row.mission][0] += row.men
        missions[row.mission][1] += row.women
    result = Briefing(
        month=month,
        as_of=as_of,
        deployed_total=sum(row.total for row in deployed),
        deployed_women=sum(row.women for row in deployed),
        by_mission=[(code, m, w, m + w) for code, (m, w) in sorted(missions.items())],
        women=[row for row in national.women_share(user, scope) if row.year == month.year],
        # Years after the briefing's month did not exist yet for its reader.
        dispatched=[
            row for row in national.dispatched_per_year(user, scope) if row.year <= month.year
        ],
    )
    result.report = UNReport.objects.restrict(user, "view").filter(month=month).first()
    if result.report:
        rows = ranking(month)
        result.top = rows[:TOP]
        result.own = own_row(rows)
    return result


def briefing_pdf(data: Briefing) -> bytes:
    """The briefing on A4 portrait pages."""
    from core.pdf import html_to_pdf

    html = render_to_string(
        "stats/briefing_pdf.html",
        {
            "b": data,
            "own_country": settings.BLUEBERET_COUNTRY,
            "own_in_top": data.own is not None and data.own in data.top,
        },
    )
    return html_to_pdf(html)
