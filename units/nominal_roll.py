"""A rotation's nominal roll in the form the UN asks for, as Excel and as PDF.

One row per position filled by a live or repatriated deployment (the holder the rotation page
shows: a live deployment before an earlier holder who came home), in position order. The
passport is the person's latest one valid on the rotation's departure; the arrival date is
the recorded arrival in the mission, else the rotation's departure. A holder from an
organisation outside the user's scope keeps the row (the position is filled) but shows no
personal data, exactly as on the rotation page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import workbook_bytes, write_rows
from deployments.models import Deployment
from people.models import Passport
from units.models import Rotation
from units.queries import SERVING_STATES, Strength, holders, strength

HEADINGS = [
    gettext_lazy("No."),
    gettext_lazy("Name (Latin letters)"),
    gettext_lazy("Rank"),
    gettext_lazy("Service number"),
    gettext_lazy("Sex"),
    gettext_lazy("Date of birth"),
    gettext_lazy("Nationality"),
    gettext_lazy("Passport number"),
    gettext_lazy("Passport expiry"),
    gettext_lazy("Position"),
    gettext_lazy("Specialty"),
    gettext_lazy("Arrival date"),
]


@dataclass(frozen=True)
class RollRow:
    number: int  # the position's number in the rotation
    position: str
    visible: bool
    latin_name: str = ""
    rank: str = ""
    service_number: str = ""
    sex: str = ""
    date_of_birth: datetime.date | None = None
    nationality: str = ""
    passport_number: str = ""
    passport_expires: datetime.date | None = None
    specialty: str = ""
    arrival: datetime.date | None = None

    def values(self) -> list[Any]:
        """The row as the roll's columns read it."""
        if not self.visible:
            hidden = _("Filled from an organisation outside your access")
            return [self.number, hidden, "", "", "", None, "", "", None, self.position, "", None]
        return [
            self.number,
            self.latin_name,
            self.rank,
            self.service_number,
            self.sex,
            self.date_of_birth,
            self.nationality,
            self.passport_number,
            self.passport_expires,
            self.position,
            self.specialty,
            self.arrival,
        ]


@dataclass(frozen=True)
class NominalRoll:
    rotation: Rotation
    rows: list[RollRow]
    figures: Strength
    printed: datetime.date

    @property
    def filename(self) -> str:
        return slugify(f"nominal-roll-{self.rotation.mission.code}-{self.rotation}")

    def header_lines(self) -> list[str]:
        """The rotation as the roll's heading states it: mission, unit, dates, strength."""
        rotation, figures = self.rotation, self.figures
        mission = f"{rotation.mission.code} — {rotation.mission.name}"
        if rotation.location_id:
            mission += f", {rotation.location.name}"
        share = f" ({figures.women_share}%)" if figures.women_share is not None else ""
        return [
            _("Mission: %(mission)s") % {"mission": mission},
            _("Unit: %(unit)s (%(category)s), %(organisation)s")
            % {
                "unit": rotation.unit_type.name,
                "category": rotation.unit_type.get_category_display(),
                "organisation": rotation.organisation.name,
            },
            _("Departure: %(departure)s · Return: %(return)s")
            % {
                "departure": rotation.starts_on.isoformat(),
                "return": rotation.ends_on.isoformat(),
            },
            _("Strength: %(filled)d of %(target)d · Women: %(women)d%(share)s")
            % {
                "filled": figures.filled,
                "target": figures.target,
                "women": figures.women,
                "share": share,
            },
        ]


def nominal_roll(rotation: Rotation, user: Any) -> NominalRoll:
    """The roll of `rotation` as `user` may read it: three queries whatever its size."""
    departure = rotation.starts_on
    # The latest passport valid on the day the rotation leaves.
    valid = (
        Passport.objects.filter(person=OuterRef("person"), expires_on__gte=departure)
        .filter(Q(issued_on__isnull=True) | Q(issued_on__lte=departure))
        .order_by("-expires_on", "-pk")
    )
    deployments = (
        Deployment.objects.filter(position__rotation=rotation, state__in=SERVING_STATES)
        .select_related("person__rank", "person__specialty", "position")
        .annotate(
            passport_number=Subquery(valid.values("number")[:1]),
            passport_expires=Subquery(valid.values("expires_on")[:1]),
        )
        .order_by("position__number", "-starts_on", "-pk")
    )
    # The holder and who may be named are decided as on the rotation page (units.queries).
    rows = [row(d, d.visible, departure) for d in holders(deployments, user).values()]
    rows.sort(key=lambda r: r.number)
    return NominalRoll(rotation, rows, strength(rotation), timezone.localdate())


def row(deployment: Deployment, visible: bool, departure: datetime.date) -> RollRow:
    position = deployment.position
    if not visible:
        return RollRow(position.number, position.role, False)
    person = deployment.person
    return RollRow(
        number=position.number,
        position=position.role,
        visible=True,
        latin_name=person.latin_name,
        rank=person.rank.name if person.rank_id else "",
        service_number=person.service_number,
        sex=person.sex,
        date_of_birth=person.date_of_birth,
        nationality=person.nationality,
        passport_number=deployment.passport_number or "",
        passport_expires=deployment.passport_expires,
        specialty=person.specialty.name if person.specialty_id else "",
        arrival=deployment.arrived_on or departure,
    )


# --- the two formats -----------------------------------------------------------------------

TABLE_ROW = 7  # the headings' row in the Excel roll, below the heading block


def roll_xlsx(roll: NominalRoll) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = _("Nominal roll")[:31]
    title = _("Nominal roll: %(rotation)s") % {"rotation": roll.rotation}
    lines = [[title], *[[line] for line in roll.header_lines()]]
    lines.append([_("Printed on %(date)s") % {"date": roll.printed.isoformat()}])
    write_rows(sheet, lines)
    sheet["A1"].font = Font(bold=True, size=14)
    write_rows(sheet, [[str(h) for h in HEADINGS]], start_row=TABLE_ROW)
    for cell in sheet[TABLE_ROW]:
        cell.font = Font(bold=True)
    end = write_rows(sheet, [r.values() for r in roll.rows], start_row=TABLE_ROW + 1)
    last_column = get_column_letter(len(HEADINGS))
    sheet.auto_filter.ref = f"A{TABLE_ROW}:{last_column}{max(end - 1, TABLE_ROW)}"
    sheet.freeze_panes = f"A{TABLE_ROW + 1}"
    widths = [6, 30, 18, 16, 6, 13, 14, 16, 14, 30, 22, 13]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = f"{TABLE_ROW}:{TABLE_ROW}"
    return workbook_bytes(book)


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def roll_pdf(roll: NominalRoll) -> bytes:
    """The roll on A4 landscape pages, the heading on the first, column titles on every one."""
    from core.pdf import html_to_pdf

    html = render_to_string(
        "units/nominal_roll_pdf.html",
        {
            "roll": roll,
            "headings": HEADINGS,
            "rows": [[as_text(value) for value in r.values()] for r in roll.rows],
            "lines": roll.header_lines(),
        },
    )
    return html_to_pdf(html)
