"""A record's version, and refusing a save made over a version the user never saw.

One definition serves the REST API (its ETag) and the pages (the `_version` their edit forms
carry): a digest of every stored value of the record. Any change by any path (a page, the
API, a command, the admin) gives a new version, so the API and the pages agree on it.

An edit page puts the version it was loaded from in its form. The save, inside its
transaction and with the rows locked, compares it with the version stored now; over a newer
one nothing is written and the page comes back with the user's input kept, what the other
person changed (from django-simple-history) and the new version, so that saving again applies
the user's input over the other change knowingly. The version is only a concurrency token:
who may change what is enforced by the views' scoping, never by it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

# The names of the hidden fields an edit form carries (core/templates/core/_version.html).
VERSION_FIELD = "_version"
LOADED_FIELD = "_loaded_at"

CHANGED, ADDED, REMOVED = "changed", "added", "removed"


def stored_form(field: models.Field, value: Any) -> Any:
    """The value as the database gives it back, so a digest is the same before and after."""
    if value is None:
        return None
    if isinstance(field, models.DecimalField):
        return str(Decimal(value).quantize(Decimal(1).scaleb(-field.decimal_places)))
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def version_of(instance: Model) -> str:
    """A digest of every stored value of the record (and its many-to-many ids).

    Translations and related records' names do not go in, only the record's own columns, so
    the version changes exactly when the record does.
    """
    meta = instance._meta
    values: list[Any] = [meta.label]
    for column in meta.concrete_fields:
        values.append([column.attname, stored_form(column, getattr(instance, column.attname))])
    for relation in meta.many_to_many:
        values.append([relation.name, sorted(o.pk for o in getattr(instance, relation.name).all())])
    return hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()[:32]


def version_of_all(records: Sequence[Model]) -> str:
    """One version for a page that edits several records at once (a position with its
    language rows, a results grid). A page of one record carries that record's own version,
    the one the API's ETag gives."""
    if len(records) == 1:
        return version_of(records[0])
    parts = sorted([r._meta.label, r.pk, version_of(r)] for r in records)
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]


def lock(instance: Model) -> Model:
    """The record as stored now, its row locked until the transaction ends (call inside one).

    The base manager, with no scoping and no joins: the view already checked that the user
    may change the record, and a join would lock the related rows too on PostgreSQL.
    """
    return type(instance)._base_manager.select_for_update().get(pk=instance.pk)


@dataclass(frozen=True)
class Token:
    """What an edit form carries: the version it shows and when it was loaded.

    `loaded_at` only serves to explain a conflict (which history came after); the refusal
    itself rests on the version alone.
    """

    version: str
    loaded_at: datetime.datetime | None

    @classmethod
    def of(cls, records: Sequence[Model]) -> Token:
        return cls(version_of_all(records), timezone.now())

    @classmethod
    def posted(cls, data: Mapping[str, Any]) -> Token:
        """The token a submitted form carried; an empty version when it carried none."""
        version = str(data.get(VERSION_FIELD) or "").strip()
        try:
            loaded_at = parse_datetime(str(data.get(LOADED_FIELD) or ""))
        except ValueError:  # a well-formed but impossible date
            loaded_at = None
        if loaded_at is not None and timezone.is_naive(loaded_at):
            loaded_at = None
        return cls(version, loaded_at)

    @property
    def loaded_text(self) -> str:
        return self.loaded_at.isoformat() if self.loaded_at else ""

    def fields(self) -> dict[str, str]:
        """The hidden fields of a form loaded at this version, as posted."""
        return {VERSION_FIELD: self.version, LOADED_FIELD: self.loaded_text}


@dataclass(frozen=True)
class FieldChange:
    field: models.Field
    then: Any  # the stored value (the id of a relation) when the user loaded the page
    now: Any  # the stored value now


@dataclass
class RecordChange:
    """One record changed, added or removed by someone else since the page was loaded."""

    key: tuple[str, Any]  # (model label, pk): which record
    label: str
    kind: str  # CHANGED, ADDED or REMOVED
    fields: list[FieldChange] = field(default_factory=list)
    by: list[Any] = field(default_factory=list)  # users; None where history names nobody
    at: datetime.datetime | None = None


@dataclass
class Conflict:
    """A save refused: the version stored now, and what changed since the form was loaded."""

    token: Token  # the form shown again carries this one: saving again applies over it
    changes: list[RecordChange]
    missing: bool = False  # the form carried no version at all


def conflict(
    posted: Token, records: Sequence[Model], history: Iterable[QuerySet]
) -> Conflict | None:
    """None if `posted` names the version of `records` (read with their rows locked).

    Otherwise the conflict, explained from `history`: querysets of the historical records
    of what the page edits, already narrowed to what the user may see.
    """
    current = Token.of(records)
    if posted.version == current.version:
        return None
    if not posted.version:
        return Conflict(current, [], missing=True)
    return Conflict(current, changes_since(records, history, posted.loaded_at))


def changes_since(
    records: Sequence[Model], history: Iterable[QuerySet], since: datetime.datetime | None
) -> list[RecordChange]:
    """Who changed which of the page's records after `since`, and each field's then and now.

    Without `since` (a form that did not say when it was loaded) the latest change of each
    history is the best explanation there is.
    """
    current = {(r._meta.label, r.pk): r for r in records}
    changes: list[RecordChange] = []
    for queryset in history:
        model = queryset.model.instance_type
        pk_name = model._meta.pk.attname
        ordered = queryset.select_related("history_user").order_by("history_date", "history_id")
        if since is None:
            latest = ordered.last()
            newer = [latest] if latest is not None else []
        else:
            newer = list(ordered.filter(history_date__gt=since))
        by_record: dict[Any, list[Any]] = {}
        for entry in newer:
            by_record.setdefault(getattr(entry, pk_name), []).append(entry)
        for pk, entries in by_record.items():
            # The record as the user loaded it: its last history before the first newer one.
            first = entries[0]
            before = (
                queryset.filter(**{pk_name: pk})
                .filter(
                    models.Q(history_date__lt=first.history_date)
                    | models.Q(history_date=first.history_date, history_id__lt=first.history_id)
                )
                .order_by("-history_date", "-history_id")
                .first()
            )
            now = current.get((model._meta.label, pk))
            change = RecordChange(
                key=(model._meta.label, pk),
                label=str(now if now is not None else entries[-1].instance),
                kind=CHANGED,
                by=list(dict.fromkeys(entry.history_user for entry in entries)),
                at=entries[-1].history_date,
            )
            if now is None:
                change.kind = REMOVED
            elif before is None or before.history_type == "-":
                change.kind = ADDED
            else:
                change.fields = field_changes(before, now, queryset.model)
            changes.append(change)
    changes.sort(key=lambda c: c.at or timezone.now())
    return changes


def field_changes(before: Any, now: Model, historical: type[Model]) -> list[FieldChange]:
    """The editable fields whose stored value differs between a historical record and now.

    Fields the history does not keep (excluded_fields) cannot be compared and are left out.
    """
    tracked = {f.attname for f in historical._meta.concrete_fields}
    found = []
    for column in now._meta.concrete_fields:
        if not column.editable or column.primary_key or column.attname not in tracked:
            continue
        then, value = getattr(before, column.attname), getattr(now, column.attname)
        if stored_form(column, then) != stored_form(column, value):
            found.append(FieldChange(column, then, value))
    return found


def keep_their_changes(found: Conflict, pairs: Iterable[tuple[forms.BaseForm, Model]]) -> None:
    """In the forms shown again after `found`, take the other person's value where the user
    left the field as loaded; what the user typed stays.

    Saving the form shown again then applies the user's own edits over the other change and
    no more: a field only the other person changed is not reverted to what the page showed
    first. `pairs` are each bound form and the record it edits.
    """
    changed = {c.key: c for c in found.changes if c.kind == CHANGED}
    for form, record in pairs:
        change = changed.get((record._meta.label, record.pk))
        if change is None or not form.is_bound:
            continue
        data = form.data.copy()
        for item in change.fields:
            field = form.fields.get(item.field.name)
            if field is None or field.disabled:
                continue
            key = form.add_prefix(item.field.name)
            posted = field.widget.value_from_datadict(form.data, form.files, key)
            if field.has_changed(item.then, posted):
                continue  # the user's own edit
            if isinstance(field, forms.BooleanField):
                data.pop(key, None)
                if item.now:
                    data[key] = "on"
            elif isinstance(item.now, datetime.date):
                data[key] = item.now.isoformat()
            else:
                data[key] = "" if item.now is None else str(item.now)
        form.data = data


def form_fields(*records: Model) -> dict[str, str]:
    """The version fields of an edit form of `records` loaded now, as a browser posts them."""
    return Token.of(records).fields()
