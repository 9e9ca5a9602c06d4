"""The downloadable import template: the headings, one example row and notes on every column."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.exports import neutralise, workbook_bytes, write_rows
from core.models import Organisation
from people.imports.columns import NEEDED_FOR_NEW, REQUIRED_KEYS, TEMPLATE_COLUMNS, Column
from people.imports.readers import DATA_SHEET, column_letter
from people.models import Language, MedicalResult, PassportKind, Rank, Service, Sex, Specialty


def example_row(user: Any) -> list[Any]:
    """The example values, with one of the user's own organisations."""
    organisation = Organisation.objects.restrict(user, "view").order_by("path").last()
    values = []
    for col in TEMPLATE_COLUMNS:
        value = col.example
        if col.key == "organisation" and organisation is not None:
            value = str(organisation)
        values.append(value)
    return values


def requirement(col: Column) -> str:
    if col.key in REQUIRED_KEYS:
        return _("always")
    if col.key in NEEDED_FOR_NEW:
        return _("new person")
    return ""


def xlsx_template(user: Any) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    write_rows(sheet, [[c.label for c in TEMPLATE_COLUMNS], example_row(user)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, col in enumerate(TEMPLATE_COLUMNS):
        sheet.column_dimensions[column_letter(index)].width = max(14, len(col.label) + 4)
    sheet.freeze_panes = "A2"

    notes = book.create_sheet(_("Notes"))
    rows: list[list[Any]] = [
        [_("Fill in the “%(sheet)s” sheet, one person per row.") % {"sheet": DATA_SHEET}],
        [
            _(
                "A person already recorded (same organisation and service number) is updated; "
                "documents in the row are added, or updated when they match."
            )
        ],
        [
            _(
                "Dates: 2024-03-01, 01/03/2024 (day first) or 1 Mar 2024. An empty cell clears "
                "an optional value (a required one is kept); a column left out of the file "
                "changes nothing. Nothing is ever deleted."
            )
        ],
        [],
        [_("Column"), _("Required"), _("What it holds")],
        *[[c.label, requirement(c), str(c.help)] for c in TEMPLATE_COLUMNS],
        [],
        [_("Values"), "", ""],
        [_("Sex"), "", ", ".join(str(label) for label in Sex.labels)],
        [_("Service"), "", ", ".join(str(label) for label in Service.labels)],
        [_("Passport type"), "", ", ".join(str(label) for label in PassportKind.labels)],
        [_("Medical result"), "", ", ".join(str(label) for label in MedicalResult.labels)],
        [_("Language levels"), "", "A1, A2, B1, B2, C1, C2"],
        [],
        [_("Your organisations"), _("Short name"), _("Name")],
        *[
            ["", o.short_name, o.name]
            for o in Organisation.objects.restrict(user, "view").order_by("path")
        ],
        [],
        [_("Ranks"), _("Service"), _("Name")],
        *[
            ["", r.get_service_display(), r.name]
            for r in Rank.objects.restrict(user, "view").order_by("service", "grade")
        ],
        [],
        [_("Specialties"), _("Code"), _("Name")],
        *[["", s.code, s.name] for s in Specialty.objects.restrict(user, "view")],
        [],
        [_("Languages"), _("Code"), _("Name")],
        *[["", lang.code, lang.name] for lang in Language.objects.restrict(user, "view")],
    ]
    write_rows(notes, rows)
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 16
    notes.column_dimensions["C"].width = 80
    return workbook_bytes(book)


def csv_template(user: Any) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.label for c in TEMPLATE_COLUMNS])
    writer.writerow(
        [
            v.isoformat() if isinstance(v, datetime.date) else neutralise(v)
            for v in example_row(user)
        ]
    )
    # With the byte-order mark Excel opens the file as UTF-8, diacritics intact.
    return out.getvalue().encode("utf-8-sig")
