"""Unit types with their tables of positions, in the shapes Viet Nam actually deploys.

Each row also carries what the demo needs to staff it believably (not stored): how likely a
woman holds the post, for the rotations' women counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from people.models import CEFRLevel, Grade, Language, Service, Specialty
from units.models import Category, UnitType, UnitTypeLanguageRequirement, UnitTypePosition

B1, B2, C1 = CEFRLevel.B1, CEFRLevel.B2, CEFRLevel.C1
G = Grade


@dataclass(frozen=True)
class Row:
    role: str
    specialty: str
    count: int
    rank_min: int | None
    rank_max: int | None
    english: int | None = None
    women_weight: float = 1.0  # relative chance that a woman holds this post
    notes: str = ""


@dataclass(frozen=True)
class Table:
    code: str
    name: str
    category: str
    services: tuple[str, ...]  # services that staff it, the first one most often
    rows: list[Row] = field(default_factory=list)
    is_individual_post: bool = False
    description: str = ""

    @property
    def strength(self) -> int:
        return sum(row.count for row in self.rows)


FIELD_HOSPITAL = Table(
    "l2-field-hospital",
    "Level-2 Field Hospital",
    Category.TROOPS,
    (Service.ARMY,),
    [
        Row("Hospital director", "medical-officer", 1, G.OF4, G.OF6, B2, 0.5),
        Row("Deputy director (political)", "political-officer", 1, G.OF3, G.OF5, B1, 0.3),
        Row("Deputy director (medical)", "medical-officer", 1, G.OF3, G.OF5, B2, 0.8),
        Row("Chief of staff", "staff-officer", 1, G.OF2, G.OF4, B2, 0.5),
        Row("Chief surgeon", "surgeon", 1, G.OF3, G.OF5, B2, 0.3),
        Row("Surgeon", "surgeon", 3, G.OF2, G.OF4, B1, 0.5),
        Row("Anaesthetist", "anaesthetist", 2, G.OF2, G.OF4, B1, 1.0),
        Row("Internist", "internist", 2, G.OF2, G.OF4, B1, 1.5),
        Row("Emergency medical officer", "medical-officer", 3, G.OF1, G.OF3, B1, 1.5),
        Row("Dentist", "dentist", 1, G.OF1, G.OF3, B1, 2.0),
        Row("Pharmacist", "pharmacist", 1, G.OF1, G.OF3, B1, 3.0),
        Row("Head nurse", "nurse", 1, G.OR7, G.OF2, B1, 3.0),
        Row("Nurse", "nurse", 16, G.OR5, G.OF1, None, 3.0),
        Row("Operating theatre nurse", "nurse", 4, G.OR5, G.OF1, None, 3.0),
        Row("Anaesthetic nurse", "nurse", 2, G.OR5, G.OF1, None, 2.5),
        Row("Laboratory technician", "laboratory-technician", 2, G.OR5, G.OF1, None, 2.5),
        Row("X-ray technician", "radiographer", 2, G.OR5, G.OF1, None, 1.5),
        Row("Medical equipment technician", "medical-technician", 1, G.OR5, G.OF1, None, 0.5),
        Row("Preventive medicine technician", "medical-technician", 1, G.OR5, G.OF1, None, 1.5),
        Row("Interpreter", "interpreter", 2, G.OF1, G.OF3, C1, 3.0),
        Row("Logistics officer", "logistics", 2, G.OF1, G.OF3, B1, 1.0),
        Row("Storekeeper", "logistics", 1, G.OR4, G.OR9, None, 1.0),
        Row("Medical records clerk", "staff-officer", 1, G.OR5, G.OF1, None, 2.5),
        Row("Communications technician", "communications", 2, G.OR4, G.OF1, None, 0.5),
        Row("Ambulance driver", "driver", 4, G.OR3, G.OR8, None, 0.05),
        Row("Mechanic and electrician", "mechanic", 2, G.OR3, G.OR8, None, 0.05),
        Row("Cook", "cook", 3, G.OR3, G.OR8, None, 1.0),
    ],
    description="Level-2 hospital of a formed military unit: surgery, resuscitation, "
    "dental care, laboratory and X-ray for up to 200 staff of the mission.",
)

ENGINEERING_COMPANY = Table(
    "engineering-company",
    "Engineering Company",
    Category.TROOPS,
    (Service.ARMY,),
    [
        Row("Company commander", "engineer", 1, G.OF3, G.OF4, B2, 0.1),
        Row("Deputy commander (political)", "political-officer", 1, G.OF3, G.OF4, B1, 0.2),
        Row("Deputy commander (technical)", "construction-engineer", 1, G.OF2, G.OF4, B1, 0.2),
        Row("Chief of staff", "staff-officer", 1, G.OF2, G.OF4, B2, 0.3),
        Row("Staff officer", "staff-officer", 4, G.OF1, G.OF3, B1, 1.5),
        Row("Interpreter", "interpreter", 4, G.OF1, G.OF3, C1, 3.0),
        Row("Platoon leader", "engineer", 3, G.OF1, G.OF2, B1, 0.1),
        Row("Construction engineer", "construction-engineer", 6, G.OF1, G.OF3, B1, 1.0),
        Row("Surveyor", "construction-engineer", 2, G.OR6, G.OF2, None, 0.5),
        Row("Heavy equipment operator", "heavy-equipment-operator", 40, G.OR3, G.OR9, None, 0.02),
        Row("Sapper", "engineer", 46, G.OR2, G.OR8, None, 0.05),
        Row("Electrician", "electrician", 4, G.OR3, G.OR9, None, 0.2),
        Row("Water supply technician", "water-technician", 4, G.OR3, G.OR9, None, 0.5),
        Row("Driver", "driver", 24, G.OR3, G.OR9, None, 0.05),
        Row("Mechanic", "mechanic", 12, G.OR3, G.OR9, None, 0.05),
        Row("Medical officer", "medical-officer", 2, G.OF1, G.OF3, B1, 3.0),
        Row("Nurse", "nurse", 4, G.OR5, G.OF1, None, 6.0),
        Row("Logistics", "logistics", 6, G.OR4, G.OF2, None, 2.0),
        Row("Communications", "communications", 6, G.OR4, G.OF2, None, 1.5),
        Row("Cook", "cook", 8, G.OR3, G.OR8, None, 2.0),
        Row("Force protection", "force-protection", 5, G.OR2, G.OR6, None, 0.05),
    ],
    description="Horizontal and vertical engineering: roads, airstrips, camps, water supply.",
)

FORMED_POLICE_UNIT = Table(
    "formed-police-unit",
    "Formed Police Unit",
    Category.FORMED_POLICE,
    (Service.POLICE,),
    [
        Row("Unit commander", "police-officer", 1, G.OF4, G.OF5, B2, 0.3),
        Row("Deputy commander", "police-officer", 2, G.OF3, G.OF4, B2, 0.5),
        Row("Operations and staff officer", "staff-officer", 6, G.OF1, G.OF3, B1, 1.5),
        Row("Platoon commander", "police-officer", 4, G.OF1, G.OF2, B1, 0.5),
        Row("Section leader", "police-officer", 12, G.OR5, G.OF1, None, 0.5),
        Row("Police officer (public order)", "police-officer", 84, G.OR3, G.OF2, None, 1.0),
        Row("Medical officer", "medical-officer", 1, G.OF1, G.OF3, B1, 3.0),
        Row("Nurse", "nurse", 2, G.OR5, G.OF1, None, 4.0),
        Row("Interpreter", "interpreter", 3, G.OF1, G.OF3, C1, 3.0),
        Row("Logistics", "logistics", 6, G.OR4, G.OF2, None, 1.5),
        Row("Communications", "communications", 4, G.OR4, G.OF2, None, 1.0),
        Row("Driver", "driver", 8, G.OR3, G.OF1, None, 0.1),
        Row("Mechanic", "mechanic", 3, G.OR3, G.OF1, None, 0.1),
        Row("Cook", "cook", 4, G.OR3, G.OF1, None, 1.5),
    ],
    description="Public order and protection of UN staff; at least 120 officers (UN standard).",
)

_OFFICERS = (Service.ARMY, Service.ARMY, Service.ARMY, Service.NAVY, Service.AIR_FORCE)
STAFF_OFFICER = Table(
    "staff-officer",
    "Staff Officer",
    Category.STAFF_OFFICER,
    _OFFICERS,
    [Row("Staff officer", "staff-officer", 1, G.OF2, G.OF4, B2)],
    is_individual_post=True,
)
MILITARY_OBSERVER = Table(
    "military-observer",
    "Military Observer",
    Category.EXPERT_ON_MISSION,
    _OFFICERS,
    [Row("Military observer", "military-observer", 1, G.OF2, G.OF4, B2)],
    is_individual_post=True,
)
LIAISON_OFFICER = Table(
    "liaison-officer",
    "Liaison Officer",
    Category.EXPERT_ON_MISSION,
    _OFFICERS,
    [Row("Liaison officer", "liaison-officer", 1, G.OF2, G.OF4, B2)],
    is_individual_post=True,
)
INDIVIDUAL_POLICE = Table(
    "individual-police-officer",
    "Individual Police Officer",
    Category.INDIVIDUAL_POLICE,
    (Service.POLICE,),
    [
        Row(
            "Individual police officer",
            "police-officer",
            1,
            G.OF1,
            G.OF4,
            B1,
            notes="UN Assessment for Mission Service: language, driving, firearms",
        )
    ],
    is_individual_post=True,
)

TABLES: dict[str, Table] = {
    t.code: t
    for t in (
        FIELD_HOSPITAL,
        ENGINEERING_COMPANY,
        FORMED_POLICE_UNIT,
        STAFF_OFFICER,
        MILITARY_OBSERVER,
        LIAISON_OFFICER,
        INDIVIDUAL_POLICE,
    )
}


def ensure_unit_types(
    specialties: dict[str, Specialty],
    languages: dict[str, Language],
    tables: Iterable[Table] | None = None,
) -> dict[str, UnitType]:
    """Create each unit type (the demo's TABLES unless `tables` is given) with its table;
    a unit type that exists keeps its own table."""
    made: dict[str, UnitType] = {}
    for table in TABLES.values() if tables is None else tables:
        unit_type, created = UnitType.objects.get_or_create(
            code=table.code,
            defaults={
                "name": table.name,
                "category": table.category,
                "is_individual_post": table.is_individual_post,
                "description": table.description,
            },
        )
        made[table.code] = unit_type
        if not created:
            continue
        for order, row in enumerate(table.rows, start=1):
            position = UnitTypePosition.objects.create(
                unit_type=unit_type,
                order=order * 10,
                role=row.role,
                specialty=specialties[row.specialty],
                count=row.count,
                rank_min=row.rank_min,
                rank_max=row.rank_max,
                notes=row.notes,
            )
            if row.english:
                UnitTypeLanguageRequirement.objects.create(
                    position=position, language=languages["en"], level=row.english
                )
    return made


def row_for(unit_code: str, role: str) -> Row | None:
    """The demo's row for a position, by its unit type and role (None if edited since)."""
    table = TABLES.get(unit_code)
    if table is None:
        return None
    return next((row for row in table.rows if row.role == role), None)
