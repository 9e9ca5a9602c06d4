"""The documents a row of the people import carries: passport, medical, licence, languages.

A mixin of `people.imports.validate.Checker`, kept apart so that each file reads on its own:
it uses the checker's `present` columns, `problem` and `validate`, and the records loaded for
the file (`passports`, `medicals`, `licences`, `skills`, `languages`, `passport_rows`).
Each document is matched to the one already recorded (a passport by its number, a medical
clearance by its examination date, a licence by category and issue date, a language by the
language), changed where the row differs, or added.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from core.models import Organisation
from core.text import fold
from people.imports import columns as cols
from people.imports.columns import BY_KEY, Column
from people.imports.plan import DocumentChange
from people.models import (
    DrivingLicence,
    MedicalClearance,
    Passport,
    PassportKind,
    Person,
    PersonLanguage,
)


@dataclass
class Row:
    number: int
    cells: dict[str, Any]  # column key → value read from the cell
    bad: set[str] = field(default_factory=set)  # keys of cells that could not be read
    organisation: Organisation | None = None

    def has(self, key: str) -> bool:
        return key in self.cells and key not in self.bad and not blank(self.cells[key])


def blank(value: Any) -> bool:
    return value is None or value == "" or value == []


class DocumentPlanning:
    # Set by the checker before any row is planned (see the module's docstring).
    present: set[str]
    languages: dict[str, Any]
    passports: dict[str, Passport]
    passport_rows: dict[str, int]
    medicals: dict[tuple[int, Any], MedicalClearance]
    licences: dict[tuple[int, str, Any], DrivingLicence]
    skills: dict[tuple[int, int], PersonLanguage]

    def group_cells(self, row: Row, group: str) -> list[Column] | None:
        """The group's columns in the file, None when the row leaves them all empty or bad."""
        present = [c for c in cols.COLUMNS if c.group == group and c.key in self.present]
        if not present or any(c.key in row.bad for c in present):
            return None
        if all(blank(row.cells[c.key]) for c in present):
            return None
        return present

    def require(self, row: Row, group: str, keys: Iterable[str]) -> bool:
        missing = [BY_KEY[k] for k in keys if not row.has(k)]
        for col in missing:
            self.problem(
                row.number,
                col,
                _("Needed with the other %(document)s columns.")
                % {"document": str(cols.GROUP_TITLES[group]).lower()},
            )
        return not missing

    def plan_document(
        self, row: Row, group: str, record: Model, created: bool
    ) -> DocumentChange | None:
        present = [c for c in cols.COLUMNS if c.group == group and c.key in self.present]
        before = {c.field: getattr(record, c.field) for c in present}
        for col in present:
            value = row.cells[col.key]
            if blank(value) and (col.key == "passport_type"):
                continue  # an empty type keeps the passport's type (Official when new)
            setattr(record, col.field, value)
        columns = {c.field: c for c in present}
        if not self.validate(
            row, record, columns, (), exclude_related=True, title=str(cols.GROUP_TITLES[group])
        ):
            return None
        changed = [c for c in present if before[c.field] != getattr(record, c.field)]
        if created:
            return DocumentChange(record, True, [])
        if changed:
            return DocumentChange(
                record, False, [c.field for c in changed], [c.label for c in changed]
            )
        return None

    def plan_passport(self, row: Row, person: Person) -> DocumentChange | None:
        if self.group_cells(row, cols.PASSPORT) is None:
            return None
        if not self.require(row, cols.PASSPORT, ("passport_number", "passport_expires")):
            return None
        number = row.cells["passport_number"]
        other_row = self.passport_rows.setdefault(number, row.number)
        if other_row != row.number:
            self.problem(
                row.number,
                BY_KEY["passport_number"],
                _("Passport “%(number)s” is also on row %(row)d.")
                % {"number": number, "row": other_row},
            )
            return None
        passport = self.passports.get(number)
        if passport is not None and passport.person_id != person.pk:
            self.problem(
                row.number,
                BY_KEY["passport_number"],
                _("Passport “%(number)s” is recorded for another person.") % {"number": number},
            )
            return None
        created = passport is None
        if created:
            passport = Passport(person=person, number=number, kind=PassportKind.OFFICIAL)
        return self.plan_document(row, cols.PASSPORT, passport, created)

    def plan_medical(self, row: Row, person: Person) -> DocumentChange | None:
        if self.group_cells(row, cols.MEDICAL) is None:
            return None
        keys = ("medical_examined", "medical_result", "medical_valid_until")
        if not self.require(row, cols.MEDICAL, keys):
            return None
        medical = self.medicals.get((person.pk, row.cells["medical_examined"]))
        created = medical is None
        if created:
            medical = MedicalClearance(person=person)
        return self.plan_document(row, cols.MEDICAL, medical, created)

    def plan_licence(self, row: Row, person: Person) -> DocumentChange | None:
        if self.group_cells(row, cols.LICENCE) is None:
            return None
        if not self.require(row, cols.LICENCE, ("licence_category", "licence_issued")):
            return None
        key = (person.pk, row.cells["licence_category"], row.cells["licence_issued"])
        licence = self.licences.get(key)
        created = licence is None
        if created:
            licence = DrivingLicence(person=person)
        return self.plan_document(row, cols.LICENCE, licence, created)

    def plan_languages(self, row: Row, person: Person) -> list[DocumentChange]:
        if not row.has("languages"):
            return []
        col = BY_KEY["languages"]
        changes = []
        seen: set[int] = set()
        for name, level in row.cells["languages"]:
            language = self.languages.get(fold(name))
            if language is None:
                self.problem(
                    row.number, col, _("“%(name)s” is no known language.") % {"name": name}
                )
                continue
            if language.pk in seen:
                self.problem(
                    row.number, col, _("%(language)s is named twice.") % {"language": language}
                )
                continue
            seen.add(language.pk)
            skill = self.skills.get((person.pk, language.pk))
            if skill is None:
                skill = PersonLanguage(person=person, language=language, level=level)
                changes.append(DocumentChange(skill, True, []))
            elif skill.level != level:
                skill.level = level
                changes.append(DocumentChange(skill, False, ["level"], [col.label]))
        return changes
