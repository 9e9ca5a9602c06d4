"""Checking a people import before anything is written: every row, every problem at once.

`check(path, name, user)` reads the file and returns a `Plan`: for each row whether the
person is created, updated (and which fields) or unchanged, with the documents the row adds
or changes; and every problem as "Row N, column: message". Nothing is written here: the
dry run shows the plan, and `people.imports.apply` writes a plan that has no problem.

The model rules run on every record (`full_clean`), so a file is held to what the person
form holds a person to. Names are looked up in a handful of queries for the whole file (the
organisations in the user's scope, ranks, specialties, languages, the people and documents
already recorded), never once per row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from core.models import Organisation
from core.text import fold
from core.versions import version_of
from people.imports import columns as cols
from people.imports.columns import BY_KEY, Column
from people.imports.documents import DocumentPlanning, Row, blank
from people.imports.plan import (
    CREATE,
    UNCHANGED,
    UPDATE,
    Plan,
    Problem,
    RowPlan,
    describe,
)
from people.imports.readers import FileError, Sheet, column_letter, is_empty, read_file
from people.models import (
    DrivingLicence,
    Language,
    MedicalClearance,
    Passport,
    Person,
    PersonLanguage,
    Rank,
    Specialty,
)

CHUNK = 500  # ids or numbers per IN (...) query: well under every database's limit
PROGRESS_EVERY = 250
# The person's fields an import may change, in the order the preview names them.
PERSON_FIELDS = [c.field for c in cols.COLUMNS if c.group == cols.PERSON and c.field] + [
    "rank",
    "specialty",
]
PERSON_FIELD_COLUMNS = {
    **{c.field: c for c in cols.COLUMNS if c.group == cols.PERSON and c.field},
    "rank": BY_KEY["rank"],
    "specialty": BY_KEY["specialty"],
    "organisation": BY_KEY["organisation"],
}
GRADE_SUFFIX = re.compile(r"\s*\((?:OR|OF|WO)-?\d+\)$", re.IGNORECASE)

Progress = Callable[[str, int, int], None]


def check(path: Path, name: str, user: Any, progress: Progress | None = None) -> Plan:
    """The plan of importing the file at `path` (uploaded as `name`) as `user`; no writes."""
    return Checker(user, progress).check(path, name)


class Checker(DocumentPlanning):
    def __init__(self, user: Any, progress: Progress | None = None) -> None:
        self.user = user
        self.progress = progress or (lambda phase, done, total: None)
        self.plan = Plan(source="")
        self.present: set[str] = set()
        self.rows_with_problems: set[int] = set()

    # --- the whole file ------------------------------------------------------------------

    def check(self, path: Path, name: str) -> Plan:
        self.plan.source = name
        self.progress("read", 0, 0)
        try:
            sheet = read_file(path, name, lambda done, total: self.progress("read", done, total))
        except FileError as error:
            self.problem(None, "", str(error))
            return self.plan
        self.plan.notices.extend(sheet.notices)
        layout = self.read_heading(sheet)
        if self.plan.problems:
            return self.plan
        if not sheet.rows:
            self.problem(None, "", _("The file has a heading but no rows."))
            return self.plan
        rows = self.read_cells(sheet, layout)
        self.load_catalogues()
        self.find_organisations(rows)
        self.load_existing(rows)
        total = len(rows)
        for done, row in enumerate(rows, start=1):
            if row.organisation is not None and row.has("service_number"):
                self.plan_row(row)
            if done % PROGRESS_EVERY == 0 or done == total:
                self.progress("check", done, total)
        self.plan.problems.sort(key=lambda p: p.row or 0)
        return self.plan

    def problem(self, row: int | None, column: Column | str, message: str) -> None:
        label = column.label if isinstance(column, Column) else column
        self.plan.problems.append(Problem(row, label, str(message)))
        if row is not None:
            self.rows_with_problems.add(row)

    def read_heading(self, sheet: Sheet) -> dict[int, Column]:
        """Which column of the file holds what; unknown and repeated headings are problems."""
        layout: dict[int, Column] = {}
        seen: dict[str, int] = {}
        for index, heading in enumerate(sheet.header):
            letter = column_letter(index)
            if is_empty(heading):
                if any(index < len(v) and not is_empty(v[index]) for _n, v in sheet.rows):
                    self.problem(
                        None,
                        _("Column %(letter)s") % {"letter": letter},
                        _("It holds values but has no heading."),
                    )
                continue
            found = cols.find_column(heading)
            if found is None:
                known = ", ".join(c.label for c in cols.TEMPLATE_COLUMNS)
                self.problem(
                    None,
                    _("Column %(letter)s “%(heading)s”") % {"letter": letter, "heading": heading},
                    _("Unknown column. The columns are: %(known)s.") % {"known": known},
                )
                continue
            if found.key in seen:
                self.problem(
                    None,
                    _("Column %(letter)s “%(heading)s”") % {"letter": letter, "heading": heading},
                    _("Column %(other)s has the same heading.")
                    % {"other": column_letter(seen[found.key])},
                )
                continue
            seen[found.key] = index
            if found.group != cols.IGNORED:
                layout[index] = found
        for key in cols.REQUIRED_KEYS:
            if key not in seen:
                self.problem(
                    None,
                    "",
                    _("The file has no “%(column)s” column; every row needs one.")
                    % {"column": BY_KEY[key].label},
                )
        self.present = {c.key for c in layout.values()}
        return layout

    def read_cells(self, sheet: Sheet, layout: dict[int, Column]) -> list[Row]:
        rows = []
        for number, values in sheet.rows:
            row = Row(number, {})
            for index, col in layout.items():
                raw = values[index] if index < len(values) else None
                try:
                    row.cells[col.key] = col.read(raw)
                except cols.CellError as error:
                    row.cells[col.key] = None
                    row.bad.add(col.key)
                    self.problem(number, col, str(error))
            rows.append(row)
        return rows

    # --- what the database already holds --------------------------------------------------

    def load_catalogues(self) -> None:
        user = self.user
        self.organisations_by_name: dict[str, list[Organisation]] = {}
        self.organisations_by_short: dict[str, list[Organisation]] = {}
        for organisation in Organisation.objects.restrict(user, "view"):
            self.organisations_by_name.setdefault(fold(organisation.name), []).append(organisation)
            if organisation.short_name:
                self.organisations_by_short.setdefault(fold(organisation.short_name), []).append(
                    organisation
                )
        self.ranks: dict[tuple[str, str], Rank] = {}
        self.rank_services: dict[str, set[str]] = {}
        for rank in Rank.objects.restrict(user, "view"):
            for word in filter(None, (rank.name, rank.abbreviation)):
                self.ranks.setdefault((rank.service, fold(word)), rank)
                self.rank_services.setdefault(fold(word), set()).add(rank.get_service_display())
        self.specialties: dict[str, list[Specialty]] = {}
        for specialty in Specialty.objects.restrict(user, "view"):
            self.specialties.setdefault(fold(specialty.code), []).append(specialty)
            if fold(specialty.name) != fold(specialty.code):
                self.specialties.setdefault(fold(specialty.name), []).append(specialty)
        self.languages: dict[str, Language] = {}
        for language in Language.objects.restrict(user, "view"):
            self.languages[fold(language.code)] = language
            self.languages.setdefault(fold(language.name), language)
        self.may = {
            perm: user.has_perm(f"people.{perm}")
            for perm in [
                f"{action}_{model._meta.model_name}"
                for model in (Person, Passport, MedicalClearance, DrivingLicence, PersonLanguage)
                for action in ("add", "change")
            ]
        }

    def find_organisations(self, rows: list[Row]) -> None:
        """Each row's organisation, and problems for a person twice in the file."""
        first_row: dict[tuple[int, str], int] = {}
        for row in rows:
            if "organisation" in row.bad:
                continue
            name = row.cells.get("organisation", "")
            if not name:
                self.problem(row.number, BY_KEY["organisation"], _("Required."))
                continue
            row.organisation = self.find_organisation(row, name)
            if "service_number" in row.bad:
                continue
            number = row.cells.get("service_number", "")
            if not number:
                self.problem(row.number, BY_KEY["service_number"], _("Required."))
                continue
            if row.organisation is None:
                continue
            key = (row.organisation.pk, number)
            if key in first_row:
                self.problem(
                    row.number,
                    BY_KEY["service_number"],
                    _("“%(number)s” of %(organisation)s is also on row %(row)d.")
                    % {"number": number, "organisation": row.organisation, "row": first_row[key]},
                )
                row.organisation = None  # planned once, from its first row
                continue
            first_row[key] = row.number

    def find_organisation(self, row: Row, name: str) -> Organisation | None:
        key = fold(name)
        by_short = self.organisations_by_short.get(key, [])
        by_name = self.organisations_by_name.get(key, [])
        for candidates in (by_short, by_name):
            if len(candidates) == 1:
                return candidates[0]
        if by_short or by_name:
            self.problem(
                row.number,
                BY_KEY["organisation"],
                _("Several of your organisations are called “%(name)s”; write the full name.")
                % {"name": name},
            )
        else:
            self.problem(
                row.number,
                BY_KEY["organisation"],
                _("“%(name)s” is not one of your organisations.") % {"name": name},
            )
        return None

    def load_existing(self, rows: list[Row]) -> None:
        """The people the file names that are already recorded, and their documents."""
        wanted = [r for r in rows if r.organisation is not None and r.has("service_number")]
        numbers = sorted({r.cells["service_number"] for r in wanted})
        organisation_ids = sorted({r.organisation.pk for r in wanted})
        self.existing: dict[tuple[int, str], Person] = {}
        for chunk in chunks(numbers):
            found = Person.objects.filter(
                organisation_id__in=organisation_ids, service_number__in=chunk
            ).select_related("rank", "specialty")
            for person in found:
                self.existing[(person.organisation_id, person.service_number)] = person
        ids = sorted(person.pk for person in self.existing.values())
        self.changeable: set[int] = set()
        for chunk in chunks(ids):
            self.changeable.update(
                Person.objects.restrict(self.user, "change")
                .filter(pk__in=chunk)
                .values_list("pk", flat=True)
            )
        self.passports: dict[str, Passport] = {}
        if "passport_number" in self.present:
            passport_numbers = sorted(
                {r.cells["passport_number"] for r in rows if r.has("passport_number")}
            )
            for chunk in chunks(passport_numbers):
                for passport in Passport.objects.filter(number__in=chunk):
                    self.passports[passport.number] = passport
        self.medicals: dict[tuple[int, Any], MedicalClearance] = {}
        self.licences: dict[tuple[int, str, Any], DrivingLicence] = {}
        self.skills: dict[tuple[int, int], PersonLanguage] = {}
        for chunk in chunks(ids):
            if self.present & {"medical_examined"}:
                for medical in MedicalClearance.objects.filter(person_id__in=chunk):
                    self.medicals[(medical.person_id, medical.examined_on)] = medical
            if self.present & {"licence_category"}:
                for licence in DrivingLicence.objects.filter(person_id__in=chunk):
                    key = (licence.person_id, licence.category.upper(), licence.issued_on)
                    self.licences[key] = licence
            if "languages" in self.present:
                for skill in PersonLanguage.objects.filter(person_id__in=chunk):
                    self.skills[(skill.person_id, skill.language_id)] = skill
        self.passport_rows: dict[str, int] = {}

    # --- one row ------------------------------------------------------------------------

    def plan_row(self, row: Row) -> None:
        existing = self.existing.get((row.organisation.pk, row.cells["service_number"]))
        if existing is None:
            person = Person(
                organisation=row.organisation, service_number=row.cells["service_number"]
            )
            before: dict[str, Any] = {}
        else:
            person = existing
            before = {name: field_value(person, name) for name in PERSON_FIELDS}
        # Taken before the row's values are set: the version of the person as stored.
        version = None if existing is None else version_of(existing)
        skip = self.fill_person(row, person, existing is None)
        self.validate(row, person, PERSON_FIELD_COLUMNS, skip, exclude_related=True)
        changed = [
            name for name in PERSON_FIELDS if existing and before[name] != field_value(person, name)
        ]
        documents = [
            change
            for change in (
                self.plan_passport(row, person),
                self.plan_medical(row, person),
                self.plan_licence(row, person),
                *self.plan_languages(row, person),
            )
            if change is not None
        ]
        if existing is None:
            action = CREATE
            if not self.may["add_person"]:
                self.problem(row.number, "", _("You may not add people."))
        elif changed or documents:
            action = UPDATE
            if existing.pk not in self.changeable:
                self.problem(
                    row.number,
                    BY_KEY["service_number"],
                    _("“%(number)s” is a person you may not change.")
                    % {"number": person.service_number},
                )
        else:
            action = UNCHANGED
        for change in documents:
            verb = "add" if change.created else "change"
            if not self.may[f"{verb}_{change.model._meta.model_name}"]:
                message = (
                    _("You may not add %(things)s.")
                    if change.created
                    else _("You may not change %(things)s.")
                )
                things = change.model._meta.verbose_name_plural
                self.problem(row.number, "", message % {"things": things})
        if row.number in self.rows_with_problems:
            return
        labels = [PERSON_FIELD_COLUMNS[name].label for name in changed]
        labels += [describe(change) for change in documents]
        self.plan.rows.append(
            RowPlan(row.number, person, action, changed, labels, documents, version)
        )

    def fill_person(self, row: Row, person: Person, new: bool) -> set[str]:
        """Set the person's fields from the row; the fields already found wrong are returned."""
        skip = {BY_KEY[key].field or key for key in row.bad}
        for key in cols.NEEDED_FOR_NEW:
            col = BY_KEY[key]
            if key in row.bad:
                continue
            if key not in self.present:
                if new:
                    self.problem(
                        row.number, col, _("Needed to add a person; the file has no such column.")
                    )
                    skip.add(col.field)
            elif blank(row.cells[key]):
                # A person keeps what cannot be emptied; only a new one must have it.
                if new:
                    self.problem(row.number, col, _("Needed to add a person."))
                skip.add(col.field)
        for col in cols.COLUMNS:
            if col.group != cols.PERSON or not col.field or col.key not in self.present:
                continue
            if col.field in skip or col.key == "service_number":
                continue
            setattr(person, col.field, row.cells[col.key])
        if "rank" in self.present and "rank" not in row.bad:
            person.rank = self.find_rank(row, person) if row.has("rank") else None
            if row.has("rank") and person.rank is None:
                skip.add("rank")
        if "specialty" in self.present and "specialty" not in row.bad:
            person.specialty = self.find_specialty(row) if row.has("specialty") else None
            if row.has("specialty") and person.specialty is None:
                skip.add("specialty")
        # What Person.save derives, done here so the preview compares what would be stored.
        person.fill_derived()
        return skip

    def find_rank(self, row: Row, person: Person) -> Rank | None:
        name = GRADE_SUFFIX.sub("", row.cells["rank"]).strip()
        if not person.service:
            return None  # the service's own problem is already reported
        rank = self.ranks.get((person.service, fold(name)))
        if rank is None:
            elsewhere = self.rank_services.get(fold(name))
            service = person.get_service_display()
            if elsewhere:
                message = _("“%(rank)s” is no rank of the %(service)s but of the %(other)s.") % {
                    "rank": name,
                    "service": service,
                    "other": ", ".join(sorted(elsewhere)),
                }
            else:
                message = _("“%(rank)s” is no rank of the %(service)s.") % {
                    "rank": name,
                    "service": service,
                }
            self.problem(row.number, BY_KEY["rank"], message)
        return rank

    def find_specialty(self, row: Row) -> Specialty | None:
        name = row.cells["specialty"]
        found = self.specialties.get(fold(name), [])
        if len(found) == 1:
            return found[0]
        if found:
            message = _("Several specialties are called “%(name)s”; write its code.")
        else:
            message = _("“%(name)s” is no known specialty.")
        self.problem(row.number, BY_KEY["specialty"], message % {"name": name})
        return None

    def validate(
        self,
        row: Row,
        record: Model,
        columns: dict[str, Column],
        skip: Iterable[str],
        exclude_related: bool = False,
        title: str = "",
    ) -> bool:
        """Run the model's own rules on `record`; each broken one is a problem on its column.

        Related records were found in the catalogues loaded for the file, so their fields are
        left out (Django would ask the database whether each still exists, once per row), and
        so are the unique checks, made for the whole file at once.
        """
        exclude = set(skip)
        if exclude_related:
            exclude |= {f.name for f in record._meta.concrete_fields if f.is_relation}
        try:
            record.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                col = columns.get(name)
                label = col.label if col else title
                if name == NON_FIELD_ERRORS:
                    label = title
                for message in messages:
                    self.problem(row.number, label, message)
            return False
        return True


def field_value(record: Model, name: str) -> Any:
    """A field's stored value (the id for a relation), as the database would compare it."""
    return getattr(record, record._meta.get_field(name).attname)


def chunks(values: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
