"""The shared catalogues of the demo: organisations, ranks, specialties, languages, missions.

Everything here is get-or-create, keyed by the natural key (a rank's service and name, a
mission's code...), so the demo and the scale data can sit on top of catalogues that an
administrator has already entered, and so both commands can call it.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass
from pathlib import Path

from core.models import Organisation, OrganisationKind
from missions.models import Location, Mission, MissionKind
from people.models import Grade, Language, Rank, Service, Specialty
from planning.seed import CPTM_CODE, CPTM_TITLE
from training.models import AssessmentRule, Course, CourseKind

DATA = Path(__file__).resolve().parent / "data"

# --- Organisations -------------------------------------------------------------------------
# key: (name, short name, kind, parent key)
ORGANISATIONS: dict[str, tuple[str, str, str, str | None]] = {
    "mnd": ("Ministry of National Defence", "MND", OrganisationKind.MINISTRY, None),
    "dpko": ("Department of Peacekeeping Operations", "DPKO", OrganisationKind.DEPARTMENT, "mnd"),
    "h175": ("Military Hospital 175", "H175", OrganisationKind.UNIT, "dpko"),
    "engineers": ("Engineering Brigade", "EngBde", OrganisationKind.UNIT, "dpko"),
    "centre": (
        "Vietnam Peacekeeping Training Centre",
        "VPTC",
        OrganisationKind.CENTRE,
        "dpko",
    ),
    "mps": ("Ministry of Public Security", "MPS", OrganisationKind.MINISTRY, None),
    "police": ("Department of Peacekeeping", "DPK-MPS", OrganisationKind.DEPARTMENT, "mps"),
    "ppu": ("Police Peacekeeping Unit No. 1", "PPU1", OrganisationKind.UNIT, "police"),
}


def ensure_organisations() -> dict[str, Organisation]:
    """The demo's organisation tree; parents first so each path is known to its children."""
    made: dict[str, Organisation] = {}
    for key, (name, short, kind, parent_key) in ORGANISATIONS.items():
        parent = made[parent_key] if parent_key else None
        made[key], _created = Organisation.objects.get_or_create(
            parent=parent, name=name, defaults={"short_name": short, "kind": kind}
        )
    return made


# --- Ranks ---------------------------------------------------------------------------------
# English names of the ranks of the Viet Nam People's Army and People's Public Security.
# Professional soldiers (quân nhân chuyên nghiệp) hold their own rank ladder; the demo maps
# its lower steps to OR-6..OR-9 as the closest NATO grades. The general ranks above OF-9 share
# OF-9 because the grade scale ends there.
_ENLISTED = [
    ("Private", "Pte", Grade.OR1),
    ("Private First Class", "PFC", Grade.OR2),
    ("Corporal", "Cpl", Grade.OR3),
    ("Sergeant", "Sgt", Grade.OR4),
    ("Staff Sergeant", "SSgt", Grade.OR5),
]
_PROFESSIONAL = [
    ("Professional Second Lieutenant", "P2Lt", Grade.OR6),
    ("Professional Lieutenant", "PLt", Grade.OR7),
    ("Professional Senior Lieutenant", "PSLt", Grade.OR8),
    ("Professional Captain", "PCapt", Grade.OR9),
]
_OFFICERS = [
    ("Second Lieutenant", "2Lt", Grade.OF1),
    ("Lieutenant", "Lt", Grade.OF1),
    ("Senior Lieutenant", "SLt", Grade.OF1),
    ("Captain", "Capt", Grade.OF2),
    ("Major", "Maj", Grade.OF3),
    ("Lieutenant Colonel", "LtCol", Grade.OF4),
    ("Senior Lieutenant Colonel", "SLtCol", Grade.OF5),
    ("Colonel", "Col", Grade.OF6),
]
_GENERALS = [
    ("Major General", "MajGen", Grade.OF7),
    ("Lieutenant General", "LtGen", Grade.OF8),
    ("Colonel General", "ColGen", Grade.OF9),
    ("General", "Gen", Grade.OF9),
]
_ADMIRALS = [
    ("Rear Admiral", "RAdm", Grade.OF7),
    ("Vice Admiral", "VAdm", Grade.OF8),
    ("Admiral", "Adm", Grade.OF9),
]
RANKS: dict[str, list[tuple[str, str, int]]] = {
    Service.ARMY: _ENLISTED + _PROFESSIONAL + _OFFICERS + _GENERALS,
    Service.AIR_FORCE: _ENLISTED + _PROFESSIONAL + _OFFICERS + _GENERALS,
    Service.NAVY: _ENLISTED + _PROFESSIONAL + _OFFICERS + _ADMIRALS,
    Service.POLICE: _ENLISTED + _OFFICERS + _GENERALS,
}


def ensure_ranks() -> dict[str, dict[int, list[Rank]]]:
    """Ranks by service, then by grade (several ranks share OF-1)."""
    by_service: dict[str, dict[int, list[Rank]]] = {}
    existing = {(r.service, r.name): r for r in Rank.objects.all()}
    missing = [
        Rank(service=service, name=name, abbreviation=abbreviation, grade=grade)
        for service, ladder in RANKS.items()
        for name, abbreviation, grade in ladder
        if (service, name) not in existing
    ]
    for rank in missing:
        rank.save()  # a few dozen rows: ordinary saves keep their audit history
        existing[(rank.service, rank.name)] = rank
    for rank in existing.values():
        by_service.setdefault(rank.service, {}).setdefault(rank.grade, []).append(rank)
    for grades in by_service.values():
        for ranks in grades.values():
            ranks.sort(key=lambda r: r.pk)
    return by_service


# --- Specialties and languages -------------------------------------------------------------
SPECIALTIES = [
    ("surgeon", "Surgeon"),
    ("anaesthetist", "Anaesthetist"),
    ("internist", "Internist"),
    ("medical-officer", "Medical officer (general practitioner)"),
    ("dentist", "Dentist"),
    ("nurse", "Nurse"),
    ("pharmacist", "Pharmacist"),
    ("medical-technician", "Medical technician"),
    ("laboratory-technician", "Laboratory technician"),
    ("radiographer", "Radiographer (X-ray)"),
    ("engineer", "Military engineer (sapper)"),
    ("construction-engineer", "Construction engineer"),
    ("electrician", "Electrician"),
    ("water-technician", "Water supply technician"),
    ("heavy-equipment-operator", "Heavy equipment operator"),
    ("driver", "Driver"),
    ("mechanic", "Mechanic"),
    ("staff-officer", "Staff officer"),
    ("political-officer", "Political officer"),
    ("military-observer", "Military observer"),
    ("liaison-officer", "Liaison officer"),
    ("police-officer", "Police officer"),
    ("interpreter", "Interpreter"),
    ("logistics", "Logistics"),
    ("communications", "Communications"),
    ("cook", "Cook"),
    ("force-protection", "Force protection"),
]
LANGUAGES = [("en", "English"), ("fr", "French"), ("vi", "Vietnamese"), ("ar", "Arabic")]


def ensure_specialties() -> dict[str, Specialty]:
    made = {}
    for code, name in SPECIALTIES:
        made[code], _created = Specialty.objects.get_or_create(code=code, defaults={"name": name})
    return made


def ensure_languages() -> dict[str, Language]:
    made = {}
    for code, name in LANGUAGES:
        made[code], _created = Language.objects.get_or_create(code=code, defaults={"name": name})
    return made


# --- Missions ------------------------------------------------------------------------------
# (location, is headquarters); missions not listed get their headquarters city only.
LOCATIONS: dict[str, list[tuple[str, bool]]] = {
    "UNMISS": [("Juba", True), ("Bentiu", False), ("Malakal", False)],
    "UNISFA": [("Abyei", True)],
    "MINUSCA": [("Bangui", True)],
    "MONUSCO": [("Kinshasa", True)],
    "MINUSMA": [("Bamako", True)],
    "UNIFIL": [("Naqoura", True)],
    "MINURSO": [("Laayoune", True)],
    "UNFICYP": [("Nicosia", True)],
    "UNDOF": [("Camp Faouar", True)],
    "UNTSO": [("Jerusalem", True)],
    "UNMOGIP": [("Islamabad", True)],
    "UNMIK": [("Pristina", True)],
    "DPO-HQ": [("New York", True)],
}
HEADQUARTERS_POSTINGS = {"DPO-HQ"}
MEDAL_QUALIFYING_DAYS = 90


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def parse_date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


@dataclass
class MissionCatalogue:
    missions: dict[str, Mission]
    locations: dict[tuple[str, str], Location]

    def headquarters(self, code: str) -> Location:
        return next(
            loc
            for (mission, _name), loc in self.locations.items()
            if mission == code and loc.is_headquarters
        )


def ensure_missions(languages: dict[str, Language]) -> MissionCatalogue:
    by_name = {language.name: language for language in languages.values()}
    missions: dict[str, Mission] = {}
    locations: dict[tuple[str, str], Location] = {}
    for row in read_csv("missions.csv"):
        code = row["code"]
        kind = MissionKind.HEADQUARTERS if code in HEADQUARTERS_POSTINGS else MissionKind.MISSION
        missions[code], _created = Mission.objects.get_or_create(
            code=code,
            defaults={
                "name": row["name"],
                "kind": kind,
                "host_country": row["host"],
                "started_on": parse_date(row["started"]),
                "ended_on": parse_date(row["ended"]),
                "working_language": by_name.get(row["working_language"]),
                "medal_qualifying_days": MEDAL_QUALIFYING_DAYS,
                "notes": row["notes"],
            },
        )
        for name, is_headquarters in LOCATIONS.get(code, []):
            locations[(code, name)], _created = Location.objects.get_or_create(
                mission=missions[code], name=name, defaults={"is_headquarters": is_headquarters}
            )
    return MissionCatalogue(missions, locations)


# --- Training ------------------------------------------------------------------------------
def ensure_cptm_course() -> Course:
    """The UN's core pre-deployment course that every deployment requires (seeded by
    planning's data migration; made again here only if an administrator removed it)."""
    course, _created = Course.objects.get_or_create(
        code=CPTM_CODE, defaults={"title": CPTM_TITLE, "kind": CourseKind.CORE_PREDEPLOYMENT}
    )
    return course


def assessment_rules() -> dict[str, AssessmentRule]:
    """The pass marks and waiting periods by kind of assessment (seeded by training)."""
    return {rule.kind: rule for rule in AssessmentRule.objects.all()}
