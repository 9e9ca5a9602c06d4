"""What a checked import would do: per row, create, update or leave a person, and the problems.

Made by `people.imports.validate`, shown by the preview, written by `people.imports.apply`.

The preview and "Apply" are two requests, and the register may change in between: someone
adds a person the preview called new, or changes one it planned to update. So the preview's
`basis` (per row: the person's version, core.versions, or None for a new one, and what the
row would do) is kept, and "Apply" checks the file again and writes only if `changes_since`
that basis finds nothing; otherwise the user sees the new preview and why.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

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
    # The person's version (core.versions) as the check read it; None for a new person.
    version: str | None = None

    def outcome(self) -> str:
        """A digest of what the row would write, in no language (the labels are translated)."""
        documents = sorted(
            [d.model._meta.label, d.created, sorted(d.fields)] for d in self.documents
        )
        what = [self.action, sorted(self.person_fields), documents]
        return hashlib.sha256(json.dumps(what).encode()).hexdigest()[:16]


@dataclass
class Plan:
    source: str
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    # Why "Apply" showed this new preview instead of writing (see `changes_since`).
    changed_since: list[str] = field(default_factory=list)

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


def basis(plan: Plan) -> list[dict[str, Any]]:
    """What the preview of `plan` rests on, row by row, to be compared when "Apply" comes."""
    return [
        {
            "row": row.number,
            "organisation": row.person.organisation_id,
            "number": row.person.service_number,
            "version": row.version,
            "outcome": row.outcome(),
        }
        for row in plan.rows
    ]


def changes_since(before: list[dict[str, Any]], plan: Plan) -> list[str]:
    """What differs between the preview's `before` and `plan`, the file checked again now.

    Empty when the plan writes exactly what the preview showed, over the same records.
    """
    earlier = {(b["organisation"], b["number"]): b for b in before}
    found = []
    for row in plan.rows:
        was = earlier.pop((row.person.organisation_id, row.person.service_number), None)
        words = {"row": row.number, "number": row.person.service_number}
        if was is None:
            message = _("Row %(row)d: %(number)s was not in the preview")
        elif was["version"] is None and row.version is not None:
            message = _("Row %(row)d: %(number)s was added by someone else since the preview")
        elif was["version"] is not None and row.version is None:
            message = _("Row %(row)d: %(number)s was deleted by someone else since the preview")
        elif was["version"] != row.version:
            message = _("Row %(row)d: %(number)s was changed by someone else since the preview")
        elif was["outcome"] != row.outcome():
            message = _(
                "Row %(row)d: the documents of %(number)s were changed by someone else since "
                "the preview"
            )
        else:
            continue
        found.append(message % words)
    for was in earlier.values():
        found.append(
            _("Row %(row)d: %(number)s is no longer part of the import")
            % {"row": was["row"], "number": was["number"]}
        )
    return [
        _("%(change)s; check the new preview and apply again.") % {"change": change}
        for change in found
    ]
