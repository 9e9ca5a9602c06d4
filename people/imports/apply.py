"""Writing a checked import: every row in one transaction, with history naming the user.

Records are written in batches (`bulk_create` / `bulk_update` through django-simple-history,
so each change still gets its history entry with the user and the file's name as reason):
row by row, 10,000 people with their documents would be some 100,000 statements.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.signals import bulk_written
from core.versions import version_of
from people.imports.plan import changes_since
from people.imports.validate import CREATE, UPDATE, Plan
from people.models import DrivingLicence, MedicalClearance, Passport, Person, PersonLanguage

BATCH = 1000
DOCUMENT_MODELS: list[type[Model]] = [Passport, MedicalClearance, DrivingLicence, PersonLanguage]

Progress = Callable[[str, int, int], None]


class Conflict(Exception):
    """The register changed between the check and the write; nothing was written."""


class Stale(Conflict):
    """The register changed since the preview the user approved; nothing was written.

    `changes` says, row by row, what differs (people.imports.plan.changes_since).
    """

    def __init__(self, changes: list[str]) -> None:
        super().__init__(" ".join(changes))
        self.changes = changes


@dataclass(frozen=True)
class Result:
    created: int
    updated: int
    unchanged: int
    documents: int


def apply(
    plan: Plan,
    user: Any,
    progress: Progress | None = None,
    previewed: list[dict[str, Any]] | None = None,
) -> Result:
    """Write `plan` (checked, with no problem) as `user`, all of it or nothing.

    With `previewed` (the `basis` of the preview the user approved), nothing is written and
    `Stale` is raised when the plan would not write what that preview showed, over the same
    records: a person added or changed since, by anyone.
    """
    if plan.problems:
        raise ValueError("A plan with problems cannot be applied.")
    report = progress or (lambda phase, done, total: None)
    reason = (_("Imported from %(file)s") % {"file": plan.source})[:100]
    writer = Writer(user, reason, report, total=work(plan))
    try:
        with transaction.atomic():
            if previewed is not None:
                changes = changes_since(previewed, plan) or lock_updated(plan)
                if changes:
                    raise Stale(changes)
            writer.create(Person, [row.person for row in plan.rows if row.action == CREATE])
            updated = [row for row in plan.rows if row.action == UPDATE and row.person_fields]
            now = timezone.now()
            for row in updated:
                row.person.updated = now
            fields = {name for row in updated for name in row.person_fields}
            writer.update(
                Person, [row.person for row in updated], fields | {"search_name", "updated"}
            )
            bulk_written.send(sender=Person, fields=fields)
            for model in DOCUMENT_MODELS:
                changes = [c for row in plan.rows for c in row.documents if c.model is model]
                writer.create(model, [c.record for c in changes if c.created])
                changed = [c for c in changes if not c.created]
                writer.update(
                    model, [c.record for c in changed], {name for c in changed for name in c.fields}
                )
    except IntegrityError as error:
        raise Conflict(
            _(
                "Someone changed the register while the file was being imported; nothing was "
                "written. Check the file again."
            )
        ) from error
    return Result(plan.created, plan.updated, plan.unchanged, plan.documents)


def lock_updated(plan: Plan) -> list[str]:
    """Lock the people the plan updates until the write; those changed since the check.

    The check read them without a lock: anyone saving one of them since then would have
    their change overwritten by the import's values.
    """
    rows = {row.person.pk: row for row in plan.rows if row.action == UPDATE}
    ids = sorted(rows)
    changed = []
    for start in range(0, len(ids), BATCH):
        locked = Person.objects.select_for_update().filter(pk__in=ids[start : start + BATCH])
        now = {person.pk: version_of(person) for person in locked}
        changed += [pk for pk in ids[start : start + BATCH] if now.get(pk) != rows[pk].version]
    return [
        _(
            "Row %(row)d: %(number)s was changed by someone else since the preview; check the new "
            "preview and apply again."
        )
        % {"row": rows[pk].number, "number": rows[pk].person.service_number}
        for pk in sorted(changed, key=lambda pk: rows[pk].number)
    ]


def work(plan: Plan) -> int:
    """How many records the plan writes: the total the progress display counts up to."""
    people = sum(1 for row in plan.rows if row.action == CREATE or row.person_fields)
    return people + plan.documents


class Writer:
    def __init__(self, user: Any, reason: str, progress: Progress, total: int) -> None:
        self.user = user
        self.reason = reason
        self.progress = progress
        self.total = total
        self.done = 0

    def create(self, model: type[Model], records: list[Model]) -> None:
        for start in range(0, len(records), BATCH):
            batch = records[start : start + BATCH]
            # A document of a person created above: the person has its id only now.
            for record in batch:
                person = getattr(record, "person", None) if model is not Person else None
                if person is not None:
                    record.person_id = person.pk
            bulk_create_with_history(
                batch,
                model,
                batch_size=500,
                default_user=self.user,
                default_change_reason=self.reason,
            )
            self.advance(len(batch))

    def update(self, model: type[Model], records: list[Model], fields: set[str]) -> None:
        if not records or not fields:
            return
        for start in range(0, len(records), BATCH):
            batch = records[start : start + BATCH]
            bulk_update_with_history(
                batch,
                model,
                sorted(fields),
                batch_size=500,
                default_user=self.user,
                default_change_reason=self.reason,
            )
            self.advance(len(batch))

    def advance(self, count: int) -> None:
        self.done += count
        self.progress("write", self.done, max(self.total, self.done))
