"""What a checked import would do: per row, create, update or leave a person, and the problems.

Made by `people.imports.validate`, shown by the preview, written by `people.imports.apply`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model
from django.utils.translation import gettext as _

from people.models import Person

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass
class Problem:
    row: int | None  # None: the file or its heading
    column: str
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return _("Row %(row)d, %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row:
            return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        if self.column:
            return f"{self.column}: {self.message}"
        return self.message


@dataclass
class DocumentChange:
    record: Model
    created: bool
    fields: list[str]  # model fields changed on an existing record
    labels: list[str] = field(default_factory=list)  # the columns of those fields

    @property
    def model(self) -> type[Model]:
        return type(self.record)


@dataclass
class RowPlan:
    number: int
    person: Person
    action: str  # CREATE, UPDATE or UNCHANGED
    person_fields: list[str]  # the person's model fields this row changes
    changes: list[str]  # what the preview lists for the row
    documents: list[DocumentChange]


@dataclass
class Plan:
    source: str
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count(CREATE)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def documents(self) -> int:
        return sum(len(row.documents) for row in self.rows)


def describe(change: DocumentChange) -> str:
    if change.created:
        return _("%(thing)s added") % {"thing": change.record}
    return _("%(thing)s changed (%(fields)s)") % {
        "thing": change.record,
        "fields": ", ".join(change.labels),
    }
