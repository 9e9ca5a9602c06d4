"""The six roles of a peacekeeping department, kept as Django groups (permissions as data).

Each default permission below is offered to its role once (`ensure_roles`, after every
migrate): a role that does not exist yet is created with all of them, and one that a later
release adds reaches the existing roles too. An administrator edits the groups afterwards; a
permission removed from a role is remembered as offered and never put back.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Group names are stored in English (data an administrator may rename); pages show them
# through the catalogue, which is why they are marked here.
ADMINISTRATOR = gettext_noop("Administrator")
PERSONNEL_OFFICER = gettext_noop("Personnel officer")
PLANNER = gettext_noop("Planner")
APPROVER = gettext_noop("Approver")
VIEWER = gettext_noop("Viewer")
TRAINING_OFFICER = gettext_noop("Training officer")

ROLE_DESCRIPTIONS = {
    ADMINISTRATOR: _("Manages users, organisations and catalogues; may change every record."),
    PERSONNEL_OFFICER: _("Keeps the register of people and their documents."),
    PLANNER: _("Forms units: rotations, positions and nominations."),
    APPROVER: _("Records decisions on deployments."),
    VIEWER: _("Reads everything in their organisations, changes nothing."),
    TRAINING_OFFICER: _("Runs courses and records results and assessments."),
}

PEOPLE_RECORDS = [
    "people.person",
    "people.personlanguage",
    "people.languagetestresult",
    "people.drivinglicence",
    "people.passport",
    "people.medicalclearance",
    "people.screening",
]
CATALOGUES = ["people.rank", "people.specialty", "people.language"]
MISSION_RECORDS = ["missions.mission", "missions.location"]
UNIT_RECORDS = [
    "units.unittype",
    "units.unittypeposition",
    "units.unittypelanguagerequirement",
    "units.rotation",
    "units.position",
    "units.positionlanguagerequirement",
]
DEPLOYMENT_RECORDS = ["deployments.deployment", "deployments.transition"]
# Runs, results and assessments are kept by training officers; the course catalogue and the
# assessment rules (pass marks, waiting periods) by administrators.
TRAINING_RECORDS = ["training.courserun", "training.enrolment", "training.assessment"]
TRAINING_CATALOGUES = ["training.course", "training.assessmentrule"]
ORGANISATION_RECORDS = ["core.organisation", "core.membership"]
# Requirements are policy: administrators edit them, everyone reads them.
PLANNING_CATALOGUES = ["planning.requirement", "planning.waiver"]
# The UN's published figures: everyone reads them; administrators import the monthly reports.
STATS_RECORDS = [
    "stats.unreport",
    "stats.uncontribution",
    "stats.country",
    "stats.paritytarget",
    "stats.reimbursementrate",
]
EVERYTHING = (
    PEOPLE_RECORDS
    + CATALOGUES
    + MISSION_RECORDS
    + UNIT_RECORDS
    + DEPLOYMENT_RECORDS
    + ORGANISATION_RECORDS
    + TRAINING_RECORDS
    + TRAINING_CATALOGUES
    + PLANNING_CATALOGUES
    + STATS_RECORDS
)
ALL_ACTIONS = ("view", "add", "change", "delete")


def _perms(models: list[str], actions: tuple[str, ...]) -> list[str]:
    return [f"{m.split('.')[0]}.{a}_{m.split('.')[1]}" for m in models for a in actions]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    ADMINISTRATOR: _perms(EVERYTHING, ALL_ACTIONS)
    + [
        "auth.view_user",
        "auth.change_user",
        "stats.import_unreport",
        "core.view_accessevent",
        "core.view_job",
    ],
    PERSONNEL_OFFICER: _perms(EVERYTHING, ("view",)) + _perms(PEOPLE_RECORDS, ALL_ACTIONS[1:]),
    PLANNER: _perms(EVERYTHING, ("view",))
    + _perms(UNIT_RECORDS + MISSION_RECORDS, ALL_ACTIONS[1:])
    + ["deployments.add_deployment", "deployments.change_deployment"],
    APPROVER: _perms(EVERYTHING, ("view",))
    + ["deployments.change_deployment", "deployments.approve_deployment"],
    VIEWER: _perms(EVERYTHING, ("view",)),
    TRAINING_OFFICER: _perms(EVERYTHING, ("view",)) + _perms(TRAINING_RECORDS, ALL_ACTIONS[1:]),
}


def ensure_roles(**kwargs: Any) -> None:
    """Give each role the default permissions it has never been offered.

    A default is offered once: it is added to the group and remembered (core.RoleDefault), so
    a permission that a later release adds reaches existing installations, while one that an
    administrator removed from a role is never put back.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from core.models import RoleDefault

    # post_migrate reaches core before the apps listed after it; make their permissions now.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    by_code = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for role, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        offered = set(
            RoleDefault.objects.filter(group=group).values_list("permission_id", flat=True)
        )
        new = [by_code[c] for c in codes if c in by_code and by_code[c].pk not in offered]
        if new:
            group.permissions.add(*new)
            RoleDefault.objects.bulk_create(
                [RoleDefault(group=group, permission=p) for p in new], ignore_conflicts=True
            )


def role_names(user: Any) -> list[str]:
    """The roles `user` holds through their grants, each once, in a stable order.

    Roles are held over organisations (core.Membership), not globally: this is what a user
    holds somewhere, as the navigation bar shows it and as a per-role rule (such as which roles
    must use a second factor) asks.
    """
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_role_names", None)
    if cached is None:
        from core.models import Membership

        cached = sorted(
            set(Membership.objects.filter(user_id=user.pk).values_list("role__name", flat=True))
        )
        user._role_names = cached
    return cached
