"""Results of a course run from a spreadsheet (.xlsx or .csv): all rows or none.

Every row is read and checked before anything is written; every problem is reported at
once as "Row N, column: message" (N as the spreadsheet numbers its rows, the header being
row 1), so the officer corrects the file in one pass. A file with any error changes nothing.

The file is read by core.spreadsheets, the reader of every upload: a file too large, too wide
or built to expand (a zip bomb, a sheet declaring 16,384 columns) is refused before it is read.

Cells are read as the people import reads them (people.imports.columns): text without the
apostrophe our exports put before a leading - + = @, so a downloaded template imports back
to the same names; dates written the usual ways, or as date cells.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import spreadsheets
from core.exports import neutralise, workbook_bytes, write_rows
from core.text import fold
from people.imports import columns as people_columns
from people.imports.columns import CellError, text
from people.models import Person
from training import runs
from training.models import TRAINEE_ORDER, CourseRun, Enrolment

# Column → what it holds; the order is the template's.
COLUMNS = {
    "service_number": gettext_lazy("Service number of one of our people"),
    "foreign_name": gettext_lazy("Name of a foreign trainee (instead of a service number)"),
    "foreign_country": gettext_lazy("Foreign trainee's country"),
    "foreign_organisation": gettext_lazy("Foreign trainee's organisation"),
    "attended": gettext_lazy("yes or no (empty: yes)"),
    "score": gettext_lazy("0 to 100"),
    "certificate_number": gettext_lazy("Certificate number"),
    "certificate_issued_on": gettext_lazy(
        "Date the certificate was issued (YYYY-MM-DD or DD/MM/YYYY)"
    ),
}
RESULT_COLUMNS = ["attended", "score", "certificate_number", "certificate_issued_on"]
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
YES = {"yes", "y", "true", "1", "x", "co", "oui"}
NO = {"no", "n", "false", "0", "khong", "non"}


@dataclass
class ImportReport:
    errors: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


# --- reading the file --------------------------------------------------------------------


def limits() -> spreadsheets.Limits:
    return spreadsheets.Limits.configured(max_bytes=MAX_BYTES, max_rows=MAX_ROWS)


def read_table(upload: File) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """The header (normalised) and the non-empty rows with their spreadsheet row numbers,
    read by core.spreadsheets (which checks every limit before the work it bounds)."""
    try:
        table = spreadsheets.read_table(upload.file, upload.name or "", limits())
    except spreadsheets.FileRefused as error:
        raise ValidationError(str(error)) from error
    return [heading(cell) for cell in table.header], table.rows


def heading(cell: Any) -> str:
    """A heading as a column's key: "Certificate number" → "certificate_number"."""
    try:
        return text(cell).lower().replace(" ", "_")
    except CellError:
        return str(cell)  # a date or a yes/no is no column's name: check_header says so


# --- reading one cell (text and dates as the people import reads them) ---------------------


def yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = fold(text(value))
    if not word or word in YES:
        return True
    if word in NO:
        return False
    raise CellError(_("“%(value)s” is neither yes nor no.") % {"value": text(value)})


def number(value: Any) -> Decimal | None:
    if isinstance(value, bool | datetime.date):
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    raw = text(value).rstrip("%").replace(",", ".").strip()
    if not raw:
        return None
    try:
        parsed = Decimal(raw)
    except InvalidOperation as error:
        raise CellError(_("“%(value)s” is not a number.") % {"value": text(value)}) from error
    if not parsed.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": text(value)})
    return parsed.quantize(Decimal("0.01"))


def date(value: Any) -> datetime.date | None:
    """A date cell, an Excel serial, or text such as 2025-03-14, 14/03/2025 or 14 Mar 2025.

    Text that spells no date is refused naming the two ways the template asks for.
    """
    try:
        return people_columns.date(value)
    except CellError as error:
        if not isinstance(value, str):
            raise
        raise CellError(
            _("“%(value)s” is not a date (write YYYY-MM-DD or DD/MM/YYYY).")
            % {"value": value.strip()}
        ) from error


PARSERS = {
    "attended": yes_no,
    "score": number,
    "certificate_number": text,
    "certificate_issued_on": date,
}


# --- the import --------------------------------------------------------------------------


def check_header(header: list[str]) -> list[str]:
    errors = []
    seen: set[str] = set()
    for name in header:
        if not name:
            continue  # a blank heading (spreadsheets often carry empty columns) is no column
        if name not in COLUMNS:
            errors.append(
                _("Column “%(name)s”: unknown column; the columns are %(known)s.")
                % {"name": name, "known": ", ".join(COLUMNS)}
            )
        elif name in seen:
            errors.append(_("Column “%(name)s”: appears twice.") % {"name": name})
        seen.add(name)
    if not seen & {"service_number", "foreign_name"}:
        errors.append(_("The file needs a service_number or a foreign_name column."))
    return errors


class RunImport:
    """One import into one run: finds each row's trainee, checks it, then writes all."""

    def __init__(self, run: CourseRun, user: Any) -> None:
        self.run = run
        self.user = user
        self.enrolled = list(run.enrolments.select_related("person", "run__course").order_by("pk"))
        self.errors: list[str] = []
        self.seen: dict[Any, int] = {}
        self.certificates: dict[str, int] = {}  # certificate number: the row that gave it

    def error(self, row: int, column: str | None, message: str) -> None:
        if column:
            self.errors.append(
                _("Row %(row)d, %(column)s: %(message)s")
                % {"row": row, "column": column, "message": message}
            )
        else:
            self.errors.append(_("Row %(row)d: %(message)s") % {"row": row, "message": message})

    def cell_text(self, row: int, values: dict[str, Any], column: str) -> str | None:
        """The text of the row's `column` ("" if absent); None, the error noted, if unreadable."""
        try:
            return text(values.get(column))
        except CellError as error:
            self.error(row, column, str(error))
            return None

    def people_by_number(self, numbers: set[str]) -> dict[str, list[Person]]:
        found: dict[str, list[Person]] = {}
        for person in Person.objects.restrict(self.user, "view").filter(service_number__in=numbers):
            found.setdefault(person.service_number, []).append(person)
        return found

    def trainee(
        self, row: int, values: dict[str, Any], people: dict[str, list[Person]]
    ) -> Enrolment | None:
        """The row's enrolment: one already on the run, or a new one (not saved)."""
        number = self.cell_text(row, values, "service_number")
        name = self.cell_text(row, values, "foreign_name")
        if number is None or name is None:
            return None
        if number and name:
            self.error(row, "foreign_name", _("Give a service number or a foreign name, not both."))
            return None
        if not number and not name:
            self.error(row, "service_number", _("Give a service number or a foreign name."))
            return None
        if number:
            on_run = [e for e in self.enrolled if e.person_id and e.person.service_number == number]
            candidates = people.get(number, [])
            if len(on_run) == 1:
                enrolment = on_run[0]
            elif len(on_run) > 1 or len(candidates) > 1:
                self.error(
                    row,
                    "service_number",
                    _("More than one person has service number %(number)s.") % {"number": number},
                )
                return None
            elif not candidates:
                self.error(
                    row,
                    "service_number",
                    _("No one in your organisations has service number %(number)s.")
                    % {"number": number},
                )
                return None
            else:
                enrolment = Enrolment(run=self.run, person=candidates[0])
            key: Any = ("person", enrolment.person_id)
        else:
            folded = fold(name)
            matches = [
                e for e in self.enrolled if not e.person_id and fold(e.foreign_name) == folded
            ]
            enrolment = matches[0] if matches else Enrolment(run=self.run, foreign_name=name)
            for column in ("foreign_country", "foreign_organisation"):
                if column in values:
                    value = self.cell_text(row, values, column)
                    if value is None:
                        return None
                    setattr(enrolment, column, value)
            key = ("foreign", folded)
        if key in self.seen:
            self.error(
                row,
                "service_number" if number else "foreign_name",
                _("This trainee is already on row %(row)d.") % {"row": self.seen[key]},
            )
            return None
        self.seen[key] = row
        return enrolment

    def apply_results(self, row: int, enrolment: Enrolment, values: dict[str, Any]) -> bool:
        clean = True
        for column in RESULT_COLUMNS:
            if column not in values:
                continue
            try:
                setattr(enrolment, column, PARSERS[column](values[column]))
            except CellError as error:
                self.error(row, column, str(error))
                clean = False
        if not clean:
            return False
        number = enrolment.certificate_number
        if number and number in self.certificates:
            message = _("Also given on row %(row)d.") % {"row": self.certificates[number]}
            self.error(row, "certificate_number", message)
            return False
        if number:
            self.certificates[number] = row
        try:
            enrolment.clean_fields(exclude=["run", "person"])
            enrolment.clean()
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                for message in messages:
                    self.error(row, None if column == "__all__" else column, message)
            return False
        return True

    def run_import(self, header: list[str], body: list[tuple[int, list[Any]]]) -> ImportReport:
        self.errors = check_header(header)
        if self.errors:
            return ImportReport(errors=self.errors)
        rows = [(n, dict(zip(header, cells, strict=False))) for n, cells in body]
        numbers = {service_number(values) for _n, values in rows} - {""}
        people = self.people_by_number(numbers)
        checked: list[Enrolment] = []
        for row, values in rows:
            enrolment = self.trainee(row, values, people)
            if enrolment is not None and self.apply_results(row, enrolment, values):
                checked.append(enrolment)
        new = [e for e in checked if e.pk is None]
        self.check_new(new, rows)
        if self.errors:
            return ImportReport(errors=self.errors)
        with transaction.atomic():
            # Locks the run so a concurrent enrolment cannot overfill it between check and save.
            runs.lock_run(self.run.pk)
            try:
                runs.check_capacity(self.run, len(new))
            except ValidationError as error:
                return ImportReport(errors=error.messages)
            for enrolment in checked:
                # The audit history names the importer, in a worker too (no request there).
                enrolment._history_user = self.user
                enrolment.save()
        return ImportReport(created=len(new), updated=len(checked) - len(new))

    def check_new(self, new: list[Enrolment], rows: list[tuple[int, dict]]) -> None:
        if not new:
            return
        try:
            runs.check_capacity(self.run, len(new))
        except ValidationError as error:
            self.errors.extend(error.messages)
        newcomers = [e.person for e in new if e.person_id]
        missing = runs.missing_prerequisites(self.run.course, newcomers, self.run.starts_on)
        for enrolment in new:
            lacking = missing.get(enrolment.person_id)
            if lacking:
                row = self.seen[("person", enrolment.person_id)]
                self.error(
                    row, "service_number", runs.prerequisite_message(enrolment.person, lacking)
                )


def service_number(values: dict[str, Any]) -> str:
    try:
        return text(values.get("service_number"))
    except CellError:
        return ""  # RunImport.trainee reports it with its row


def import_results(run: CourseRun, upload: File, user: Any) -> ImportReport:
    """Read an uploaded results file into `run` (with its course): every row, or (with any
    error) nothing."""
    try:
        header, body = read_table(upload)
    except ValidationError as error:
        return ImportReport(errors=error.messages)
    return RunImport(run, user).run_import(header, body)


# --- the template ------------------------------------------------------------------------


def template_rows(run: CourseRun, user: Any) -> list[list[Any]]:
    """The header and one row per trainee already on the run, with what is recorded.

    Trainees from organisations outside the user's scope are left out, as the grid hides
    their names: the file would otherwise hand out their service numbers.
    """
    rows: list[list[Any]] = [list(COLUMNS)]
    mine = Person.objects.restrict(user, "view")
    trainees = run.enrolments.filter(Q(person__isnull=True) | Q(person__in=mine))
    for e in trainees.select_related("person").order_by(*TRAINEE_ORDER):
        rows.append(
            [
                e.person.service_number if e.person_id else "",
                e.foreign_name,
                e.foreign_country,
                e.foreign_organisation,
                "yes" if e.attended else "no",
                e.score,
                e.certificate_number,
                e.certificate_issued_on,
            ]
        )
    return rows


def template_xlsx(run: CourseRun, user: Any) -> bytes:
    """The template as a workbook: the results sheet, then what each column holds.

    core.exports writes the cells: text a spreadsheet would run as a formula is neutralised,
    numbers stay numbers and dates show as ISO dates.
    """
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "results"
    write_rows(sheet, template_rows(run, user))
    write_rows(book.create_sheet("columns"), [["column", "what it holds"], *COLUMNS.items()])
    return workbook_bytes(book)


def template_csv(run: CourseRun, user: Any) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in template_rows(run, user):
        writer.writerow(["" if c is None else neutralise(c) for c in row])
    return out.getvalue()
