"""The UN's published minimums, written once as requirements by a data migration.

Each says where it comes from. Administrators edit them afterwards; the migration never runs
again, so it never overwrites their edits.
"""

from __future__ import annotations

from typing import Any

CPTM_CODE = "UN-CPTM"
CPTM_TITLE = "UN Core Pre-deployment Training"

UNPOL = (
    "UN Police Division, minimum requirements for individual police officers; SOP on the "
    "Assessment for Mission Service (DPO/DOS 2019.19)"
)
UNMO = (
    "Selection Standards and Training Guidelines for United Nations Military Observers "
    "(DPKO, 2002), paras. 23-25"
)

REQUIREMENTS: list[dict[str, Any]] = [
    # Individual police officers.
    {
        "category": "ipo",
        "kind": "age",
        "min_age": 25,
        "max_age": 62,
        "source": f"{UNPOL}: aged 25 to 62.",
    },
    {
        "category": "ipo",
        "kind": "service_years",
        "min_years": 5,
        "source": f"{UNPOL}: five years of professional police experience, excluding training.",
    },
    {
        "category": "ipo",
        "kind": "assessment",
        "assessment_kind": "language",
        "source": f"{UNPOL}: language test (reading, listening, writing, interview), passing "
        "score 60%, kept on the language assessment rule.",
    },
    {
        "category": "ipo",
        "kind": "licence",
        "licence_category": "B",
        "licence_held_months": 12,
        "source": f"{UNPOL}: a valid national driving licence held for at least one year. "
        "Category B (cars and light four-wheel drives): department reading — verify.",
    },
    {
        "category": "ipo",
        "kind": "assessment",
        "assessment_kind": "driving",
        "source": f"{UNPOL}: mandatory driving test by the selection team.",
    },
    {
        "category": "ipo",
        "kind": "assessment",
        "assessment_kind": "firearms",
        "source": f"{UNPOL}: mandatory firearms test.",
    },
    # Military observers and other experts on mission.
    {
        "category": "expert",
        "kind": "rank",
        "rank_min": 11,
        "source": f"{UNMO}: a serving officer (captain or major as a rule); OF-1 or above.",
    },
    {
        "category": "expert",
        "kind": "service_years",
        "min_years": 5,
        "source": f"{UNMO}: at least five years of regular military service as an officer "
        "(counted here from the service start).",
    },
    {
        "category": "expert",
        "kind": "age",
        "min_age": 25,
        "source": f"{UNMO}: not less than 25 years of age.",
    },
    # Every deployment.
    {
        "kind": "passport",
        "margin_months": 6,
        "source": "Department brief (issue 3): a passport valid six months beyond the end of "
        "the deployment, as the UN asks of travellers on its missions.",
    },
    {
        "kind": "medical",
        "source": "UN Medical Support Manual for United Nations Field Missions: medical "
        "clearance before deployment; kept valid through the deployment's end.",
    },
    {
        "kind": "screening",
        "screening_kind": "human_rights",
        "source": "UN Policy on Human Rights Screening of United Nations Personnel (2012).",
    },
    {
        "kind": "screening",
        "screening_kind": "misconduct",
        "source": "UN screening for prior misconduct in UN service (Member State certification "
        "before deployment).",
    },
    {
        "kind": "course",
        "course": CPTM_CODE,
        "source": "UN Core Pre-deployment Training Materials (DPO Integrated Training Service): "
        "required of every peacekeeper before deployment.",
    },
]


def seed(apps: Any, schema_editor: Any = None) -> None:
    """Create the default requirements, and the core pre-deployment course if missing."""
    Requirement = apps.get_model("planning", "Requirement")
    Course = apps.get_model("training", "Course")
    course, _created = Course.objects.get_or_create(
        code=CPTM_CODE, defaults={"title": CPTM_TITLE, "kind": "cptm"}
    )
    for entry in REQUIREMENTS:
        values = dict(entry)
        if values.get("course") == CPTM_CODE:
            values["course"] = course
        Requirement.objects.create(**values)


def unseed(apps: Any, schema_editor: Any = None) -> None:
    Requirement = apps.get_model("planning", "Requirement")
    Requirement.objects.filter(source__in=[entry["source"] for entry in REQUIREMENTS]).delete()
