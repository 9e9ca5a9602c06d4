"""The starting course catalogue and assessment rules, written once by a data migration.

Each entry says where it comes from. Where we could not confirm a figure from a UN source
(a certificate's validity, a driving or firearms pass mark, a waiting period) the value is a
department setting, marked "verify", for an administrator to confirm or correct: an invented
figure presented as the UN's would be worse than none.
"""

from __future__ import annotations

from typing import Any

# The UN's materials, delivered by the national centre: code, title, kind, provider, hours,
# validity in months (None: never lapses), prerequisites (codes), description.
CPTM_SOURCE = (
    "Source: the UN's Core Pre-deployment Training Materials (CPTM), Department of Peace "
    "Operations, Integrated Training Service."
)
NO_VALIDITY = (
    "The UN sets no validity for this certificate that we could confirm; it is left empty "
    "(never lapses) until the department decides one."
)
DEPARTMENT_SETTING = "Pass mark and prerequisites: department setting — verify."

COURSES: list[dict[str, Any]] = [
    {
        "code": "UN-CPTM",
        "title": "UN Core Pre-deployment Training Materials (CPTM)",
        "kind": "cptm",
        "provider": "Viet Nam Department of Peacekeeping Operations (UN CPTM)",
        "description": f"{CPTM_SOURCE} Required of every peacekeeper before deployment. "
        f"{NO_VALIDITY}",
    },
    {
        "code": "UN-SOC",
        "title": "UN Staff Officer course",
        "kind": "staff_officer",
        "provider": "Viet Nam Department of Peacekeeping Operations",
        "prerequisites": ["UN-CPTM"],
        "description": "Built on the UN's Specialised Training Materials for staff officers. "
        f"{NO_VALIDITY} {DEPARTMENT_SETTING}",
    },
    {
        "code": "UN-MEM",
        "title": "UN Military Observer course (Military Experts on Mission)",
        "kind": "observer",
        "provider": "Viet Nam Department of Peacekeeping Operations",
        "prerequisites": ["UN-CPTM"],
        "description": "Built on the UN's Specialised Training Materials for military experts "
        f"on mission. {NO_VALIDITY} {DEPARTMENT_SETTING}",
    },
    {
        "code": "FPU-PDT",
        "title": "Formed police unit pre-deployment training",
        "kind": "fpu",
        "provider": "Ministry of Public Security",
        "prerequisites": ["UN-CPTM"],
        "description": "Built on the UN's Specialised Training Materials for formed police "
        f"units. {NO_VALIDITY} {DEPARTMENT_SETTING}",
    },
    {
        "code": "EN-PK",
        "title": "English for peacekeepers",
        "kind": "language",
        "provider": "Viet Nam Department of Peacekeeping Operations",
        "description": "Prepares for the language part of the UN's Assessment for Mission "
        f"Service (pass mark 60%). {NO_VALIDITY}",
    },
    {
        "code": "IHL",
        "title": "International humanitarian law",
        "kind": "ihl",
        "provider": "Viet Nam Department of Peacekeeping Operations",
        "description": f"{NO_VALIDITY} {DEPARTMENT_SETTING}",
    },
    {
        "code": "POC",
        "title": "Protection of civilians",
        "kind": "specialised",
        "provider": "Viet Nam Department of Peacekeeping Operations",
        "prerequisites": ["UN-CPTM"],
        "description": "Built on the UN's training materials on the protection of civilians. "
        f"{NO_VALIDITY} {DEPARTMENT_SETTING}",
    },
    {
        "code": "TOT",
        "title": "Instructor course (training of trainers)",
        "kind": "instructor",
        "provider": "Viet Nam Department of Peacekeeping Operations",
        "prerequisites": ["UN-CPTM"],
        "description": f"{NO_VALIDITY} {DEPARTMENT_SETTING}",
    },
]

AMS = "UN Assessment for Mission Service SOP (DPO/DOS 2019.19)"
ASSESSMENT_RULES: list[dict[str, Any]] = [
    {
        "kind": "language",
        "pass_mark": 60,
        "retake_wait_days": 180,
        "validity_months": None,
        "source": f"Pass mark 60%: {AMS}. Retake after 180 days and validity: "
        "department setting — verify.",
    },
    {
        "kind": "driving",
        "pass_mark": 60,
        "retake_wait_days": 180,
        "validity_months": None,
        "source": f"A pass also needs the vision test ({AMS}). Pass mark, retake after 180 days "
        "and validity: department setting — verify.",
    },
    {
        "kind": "firearms",
        "pass_mark": 70,
        "retake_wait_days": 180,
        "validity_months": None,
        "source": "Pass mark 70%, retake after 180 days and validity: department setting — "
        f"verify against the {AMS}.",
    },
]


def seed(apps: Any, schema_editor: Any = None) -> None:
    """Create the courses and rules that do not exist yet; never overwrite an edited one."""
    Course = apps.get_model("training", "Course")
    AssessmentRule = apps.get_model("training", "AssessmentRule")
    made = {}
    for entry in COURSES:
        values = {k: v for k, v in entry.items() if k not in ("code", "prerequisites")}
        course, created = Course.objects.get_or_create(code=entry["code"], defaults=values)
        if created:
            made[course.code] = course
    for entry in COURSES:
        course = made.get(entry["code"])
        if course is not None and entry.get("prerequisites"):
            course.prerequisites.set(Course.objects.filter(code__in=entry["prerequisites"]))
    for entry in ASSESSMENT_RULES:
        values = {k: v for k, v in entry.items() if k != "kind"}
        AssessmentRule.objects.get_or_create(kind=entry["kind"], defaults=values)
