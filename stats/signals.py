"""Keeping the tallies honest: what changes a national figure marks its tallies stale.

A deployment that reached its mission (before or after the change) touches its person's
organisation; a person changing organisation or sex touches both organisations. A change of
a mission's qualifying days, a unit type's category or where a rotation or post belongs can
touch any organisation, and is rare: it marks every tally stale. Bulk writes send
core.signals.bulk_written or recount themselves.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save

from core.models import Organisation
from core.signals import bulk_written
from deployments.models import Deployment
from missions.models import Mission
from people.models import Person
from stats import tallies
from stats.models import TallyState
from units.models import Position, Rotation, UnitType

# Fields whose change can move counts between any organisations' tallies.
STRUCTURE = {
    Mission: ["medal_qualifying_days"],
    UnitType: ["category"],
    Rotation: ["mission_id", "unit_type_id"],
    Position: ["rotation_id"],
}


def organisation_created(sender: Any, instance: Organisation, created: bool, **kwargs: Any) -> None:
    if created:
        tallies.ensure_states([instance.pk])


def deployment_saving(sender: Any, instance: Deployment, **kwargs: Any) -> None:
    instance._tally_before = (
        Deployment.objects.filter(pk=instance.pk).values_list("state", "person_id").first()
        if instance.pk
        else None
    )


def deployment_saved(sender: Any, instance: Deployment, **kwargs: Any) -> None:
    # Only a deployment that reached its mission, before or after, is in the figures: a
    # nomination or a planner's accepted proposal leaves the tallies as they are.
    before = getattr(instance, "_tally_before", None)
    people = set()
    if instance.state in tallies.DISPATCHED_STATES:
        people.add(instance.person_id)
    if before and before[0] in tallies.DISPATCHED_STATES:
        people.add(before[1])
    if people:
        TallyState.objects.filter(organisation__people__in=people).update(current=False)


def deployment_deleted(sender: Any, instance: Deployment, **kwargs: Any) -> None:
    if instance.state in tallies.DISPATCHED_STATES:
        TallyState.objects.filter(organisation__people=instance.person_id).update(current=False)


def person_saving(sender: Any, instance: Person, **kwargs: Any) -> None:
    if instance.pk is None:
        instance._tally_before = None
        return
    instance._tally_before = (
        Person.objects.filter(pk=instance.pk).values_list("organisation_id", "sex").first()
    )


def person_saved(sender: Any, instance: Person, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_tally_before", None)
    if before and before != (instance.organisation_id, instance.sex):
        tallies.mark_stale([before[0], instance.organisation_id])


def person_deleted(sender: Any, instance: Person, **kwargs: Any) -> None:
    tallies.mark_stale([instance.organisation_id])


def people_written_in_bulk(sender: Any, fields: set[str], **kwargs: Any) -> None:
    # Which organisations people left is no longer known: every tally is recounted.
    if {"organisation", "organisation_id", "sex"} & set(fields):
        tallies.mark_all_stale()


def structure_saving(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is None:
        return
    fields = STRUCTURE[sender]
    before = sender.objects.filter(pk=instance.pk).values_list(*fields).first()
    if before is not None and before != tuple(getattr(instance, name) for name in fields):
        tallies.mark_all_stale()


def connect() -> None:
    post_save.connect(organisation_created, sender=Organisation, dispatch_uid="tally-organisation")
    pre_save.connect(deployment_saving, sender=Deployment, dispatch_uid="tally-deployment-saving")
    post_save.connect(deployment_saved, sender=Deployment, dispatch_uid="tally-deployment-saved")
    post_delete.connect(deployment_deleted, sender=Deployment, dispatch_uid="tally-deployment-del")
    pre_save.connect(person_saving, sender=Person, dispatch_uid="tally-person-saving")
    post_save.connect(person_saved, sender=Person, dispatch_uid="tally-person-saved")
    post_delete.connect(person_deleted, sender=Person, dispatch_uid="tally-person-deleted")
    bulk_written.connect(people_written_in_bulk, sender=Person, dispatch_uid="tally-bulk")
    for model in STRUCTURE:
        pre_save.connect(structure_saving, sender=model, dispatch_uid=f"tally-{model.__name__}")
