"""Scale data: a large invented organisation to measure pages and queries against.

Fixed seed, INSERTs in batches with `executemany` (no model instances: the ORM's per-row work
was five sixths of the time) and no audit history (it would double every insert, and nobody
reads the history of benchmark data). Each run adds a new organisation tree
"Scale Test Ministry N" beside whatever exists, so it never collides with earlier data.

Deployments are laid out in "waves" of about thirteen months from 1990 to today: every
rotation of a wave starts and ends inside it, and a person serves at most once per wave, so
no person is ever in two deployments that overlap.
"""

from __future__ import annotations

import datetime
import functools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from core.models import Organisation, OrganisationKind
from core.text import fold, latin_form
from demo import catalogues
from demo.people_gen import AGES, SERVICE_NUMBER_PREFIX, PeopleFactory, years_before
from demo.units_tables import TABLES, Table, ensure_unit_types
from deployments.models import Deployment, State
from people.models import (
    CEFRLevel,
    MedicalClearance,
    MedicalResult,
    Passport,
    PassportKind,
    Person,
    PersonLanguage,
)
from units.models import Position, Rotation, RotationStatus

DAY = datetime.timedelta(days=1)
FIRST_WAVE = datetime.date(1990, 1, 1)
WAVE = datetime.timedelta(days=395)  # a rotation of up to 385 days fits inside with room
BATCH = 5000
DEPARTMENTS, UNITS_PER_DEPARTMENT = 10, 10
INDIVIDUAL_SHARE = 0.1  # share of deployments that are individual posts
UNIT_TABLES = ["l2-field-hospital", "engineering-company", "formed-police-unit"]
POST_TABLES = ["staff-officer", "military-observer", "liaison-officer", "individual-police-officer"]


# Columns written by the raw inserts: the ORM's per-row bookkeeping would be most of the time.
PERSON_FIELDS = [
    "organisation", "service_number", "full_name", "latin_name", "search_name", "sex",
    "date_of_birth", "nationality", "service", "rank", "specialty", "service_start", "email",
    "phone", "notes", "created", "updated",
]  # fmt: skip
_PERSON_FIELD_SET = frozenset(PERSON_FIELDS)
PASSPORT_FIELDS = ["person", "number", "kind", "issued_on", "expires_on"]
MEDICAL_FIELDS = ["person", "examined_on", "result", "valid_until", "examiner", "notes"]
LANGUAGE_FIELDS = ["person", "language", "level"]
# Not written by generate_scale_data; the benchmarks' generated pools write them too.
SCREENING_FIELDS = ["person", "kind", "status", "screened_on", "screened_by", "notes"]
ENROLMENT_FIELDS = [
    "run", "person", "foreign_name", "foreign_country", "foreign_organisation", "attended",
    "score", "passed", "certificate_number", "certificate_issued_on", "certificate_expires_on",
]  # fmt: skip
ASSESSMENT_FIELDS = [
    "person", "kind", "language", "assessed_on", "assessor_kind", "assessor_name", "score",
    "passed", "valid_until", "notes",
]  # fmt: skip
LICENCE_FIELDS = ["person", "category", "number", "issued_on", "expires_on"]
POSITION_FIELDS = ["rotation", "number", "role", "specialty", "rank_min", "rank_max", "notes"]
DEPLOYMENT_FIELDS = [
    "person", "position", "state", "starts_on", "ends_on", "arrived_on", "returned_on",
    "withdrawal_reason", "created", "updated",
]  # fmt: skip


def insert_rows(model: type, fields: list[str], rows: list[tuple]) -> None:
    """INSERT many rows with `executemany`: portable SQL, no model instances."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def person_row(**values: object) -> tuple:
    """One Person row in PERSON_FIELDS order, from its values by field name; email, phone and
    notes default to empty. Named rather than positional: seventeen values in a row are easy
    to shift by one.
    """
    row = {"email": "", "phone": "", "notes": "", **values}
    if row.keys() != _PERSON_FIELD_SET:
        missing, unknown = _PERSON_FIELD_SET - row.keys(), row.keys() - _PERSON_FIELD_SET
        raise TypeError(f"person_row: missing {sorted(missing)}, unknown {sorted(unknown)}")
    return tuple(row[name] for name in PERSON_FIELDS)


def insert_people(rows: list[tuple]) -> list[int]:
    """Insert Person rows (PERSON_FIELDS order); their ids, in the same order.

    The ids are read back by organisation and service number, unique together, one batch at a
    time (a few thousand values in each query, within every database's limit).
    """
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        insert_rows(Person, PERSON_FIELDS, batch)
        keys = [(row[0], row[1]) for row in batch]  # (organisation, service number)
        found = {
            (organisation, number): pk
            for pk, organisation, number in Person.objects.filter(
                organisation__in={organisation for organisation, _number in keys},
                service_number__in=[number for _organisation, number in keys],
            ).values_list("pk", "organisation", "service_number")
        }
        ids.extend(found[key] for key in keys)
    return ids


class ScaleError(ValueError):
    """The numbers asked for cannot be laid out (more deployments than waves can hold)."""


@dataclass
class Profile:
    table: Table
    specialty: str
    service: str
    grade: int | None


@functools.cache
def _names(full_name: str) -> tuple[str, str]:
    latin = latin_form(full_name)
    return latin, fold(f"{full_name} {latin}")[:420]


def wave_count(today: datetime.date) -> int:
    return (today - FIRST_WAVE).days // WAVE.days + 1


class ScaleGenerator:
    def __init__(
        self, people: int, deployments: int, seed: int, today: datetime.date,
        say: Callable[[str], None],
    ) -> None:  # fmt: skip
        self.people, self.deployments = people, deployments
        self.rng = random.Random(seed)
        self.today = today
        self.say = say
        self.waves = wave_count(today)
        if deployments > people * self.waves:
            raise ScaleError(
                f"{deployments} deployments need at least {-(-deployments // self.waves)} "
                f"people: each serves at most once in each of the {self.waves} waves since 1990."
            )

    # --- catalogues and organisation -----------------------------------------------------
    def _catalogues(self) -> None:
        self.ranks = catalogues.ensure_ranks()
        self.specialties = catalogues.ensure_specialties()
        self.languages = catalogues.ensure_languages()
        self.missions = catalogues.ensure_missions(self.languages)
        self.unit_types = ensure_unit_types(self.specialties, self.languages)
        # No signature name: the demo's one Nguyễn Thị Hương stays the only one.
        self.factory = PeopleFactory(
            self.rng, self.ranks, self.specialties, {}, self.today, signature=False
        )

    def _organisation(self) -> None:
        run = Organisation.objects.filter(name__startswith="Scale Test Ministry").count() + 1
        self.label = run
        ministry = Organisation.objects.create(
            name=f"Scale Test Ministry {run}",
            short_name=f"STM{run}",
            kind=OrganisationKind.MINISTRY,
        )
        self.ministry = ministry
        self.departments, self.units = [], []
        for d in range(1, DEPARTMENTS + 1):
            department = Organisation.objects.create(
                name=f"Department {d}", parent=ministry, kind=OrganisationKind.DEPARTMENT
            )
            self.departments.append(department)
            for u in range(1, UNITS_PER_DEPARTMENT + 1):
                self.units.append(
                    Organisation.objects.create(
                        name=f"Unit {d}.{u}", parent=department, kind=OrganisationKind.UNIT
                    )
                )

    # --- people and their documents ------------------------------------------------------
    def _profile(self) -> Profile:
        rng = self.rng
        code = rng.choices(UNIT_TABLES + POST_TABLES, [30, 40, 15, 6, 4, 2, 3])[0]
        table = TABLES[code]
        row = rng.choices(table.rows, [r.count for r in table.rows])[0]
        service = rng.choice(table.services)
        grade = self.factory.pick_grade(service, row.rank_min, row.rank_max)
        return Profile(table, row.specialty, service, grade)

    def _person(self, index: int, career_start: datetime.date) -> tuple:
        """One Person row, in PERSON_FIELDS order."""
        rng = self.rng
        profile = self._profile()
        sex = "F" if rng.random() < 0.15 else "M"
        full_name = self.factory.name(sex)
        latin, search = _names(full_name)
        low, _high = AGES.get(profile.grade or 13, (30, 50))
        service_start = career_start - rng.randint(400, 3000) * DAY
        born = years_before(service_start, rng.uniform(18, 23))
        born = min(born, years_before(career_start, low))
        ranks = self.ranks.get(profile.service, {}).get(profile.grade) or [None]
        rank = rng.choice(ranks)
        return person_row(
            organisation=self.units[index % len(self.units)].pk,
            service_number=f"{SERVICE_NUMBER_PREFIX[profile.service]}{index + 1:08d}",
            full_name=full_name,
            latin_name=latin,
            search_name=search,
            sex=sex,
            date_of_birth=born,
            nationality=self.nationality,
            service=profile.service,
            rank=rank.pk if rank else None,
            specialty=self.specialties[profile.specialty].pk,
            service_start=min(service_start, self.today - 30 * DAY),
            created=self.now,
            updated=self.now,
        )

    def _documents(self, person_id: int) -> tuple[tuple, tuple, tuple]:
        rng, today = self.rng, self.today
        issued = today - rng.randint(20, 1950) * DAY
        examined = today - rng.randint(1, 480) * DAY
        self._passports += 1
        fit = MedicalResult.FIT if rng.random() < 0.93 else MedicalResult.FIT_WITH_RESTRICTIONS
        level = rng.choice([CEFRLevel.A2, CEFRLevel.B1, CEFRLevel.B1, CEFRLevel.B2, CEFRLevel.C1])
        return (
            (person_id, f"S{self.label:03d}{self._passports:08d}", PassportKind.OFFICIAL,
             issued, issued + 1826 * DAY),
            (person_id, examined, fit, examined + 364 * DAY, "Military Hospital 175", ""),
            (person_id, self.languages["en"].pk, int(level)),
        )  # fmt: skip

    def _people(self) -> list[list[int]]:
        """Insert the people; return, for each wave, the ids of those who serve in it."""
        rng = self.rng
        base, extra = divmod(self.deployments, self.people)
        lucky = set(rng.sample(range(self.people), extra))
        by_wave: list[list[int]] = [[] for _wave in range(self.waves)]
        self._passports = 0
        for start in range(0, self.people, BATCH):
            indexes = range(start, min(start + BATCH, self.people))
            tours, people = [], []
            for index in indexes:
                count = base + (index in lucky)
                # A career window of consecutive waves that holds all their tours.
                length = min(self.waves, max(count, rng.randint(8, 30)))
                first = rng.randint(0, self.waves - length)
                tours.append(sorted(rng.sample(range(first, first + length), count)))
                people.append(self._person(index, FIRST_WAVE + first * WAVE))
            documents: list[list[tuple]] = [[], [], []]
            for person_id, waves in zip(insert_people(people), tours, strict=True):
                for wave in waves:
                    by_wave[wave].append(person_id)
                for kind, row in enumerate(self._documents(person_id)):
                    documents[kind].append(row)
            insert_rows(Passport, PASSPORT_FIELDS, documents[0])
            insert_rows(MedicalClearance, MEDICAL_FIELDS, documents[1])
            insert_rows(PersonLanguage, LANGUAGE_FIELDS, documents[2])
            self.say(f"people {indexes.stop:,}/{self.people:,}")
        return by_wave

    # --- rotations, positions and deployments --------------------------------------------
    def _rotation(
        self, code: str, mission: str, start: datetime.date, end: datetime.date
    ) -> Rotation:
        table = TABLES[code]
        key = (code, mission)
        self.numbers[key] = self.numbers.get(key, 0) + 1
        status = RotationStatus.RETURNED if end <= self.today else RotationStatus.DEPLOYED
        owners = self.departments if table.is_individual_post else self.units
        return Rotation(
            organisation=self.rng.choice(owners),
            unit_type=self.unit_types[code],
            mission=self.missions.missions[mission],
            location=self.headquarters[mission],
            number=self.numbers[key],
            name=f"{table.name} {mission} Rotation {self.numbers[key]}",
            planned_departure=start,
            planned_return=end,
            actual_departure=start,
            actual_return=end if status == RotationStatus.RETURNED else None,
            target_strength=table.strength,
            status=status,
        )

    def _wave(self, wave: int, people: list[int]) -> int:
        rng, today = self.rng, self.today
        if not people:
            return 0  # nobody serves in this wave: no rotations either
        rng.shuffle(people)
        wave_start = FIRST_WAVE + wave * WAVE
        individual = round(len(people) * INDIVIDUAL_SHARE)
        plans: list[tuple[Rotation, Table]] = []
        capacity = 0
        unit_missions = [m for m in self.mission_codes if m != "DPO-HQ"]
        while capacity < len(people):
            start = wave_start + rng.randint(0, 20) * DAY
            end = start + rng.randint(300, 365) * DAY
            if capacity < individual:
                code, mission = rng.choice(POST_TABLES), rng.choice(self.mission_codes)
            else:
                code, mission = rng.choice(UNIT_TABLES), rng.choice(unit_missions)
            table = TABLES[code]
            plans.append((self._rotation(code, mission, start, end), table))
            capacity += table.strength
        rotations = Rotation.objects.bulk_create([r for r, _t in plans], batch_size=1000)
        positions: list[tuple] = []
        for rotation, table in plans:
            number = 0
            for row in table.rows:
                for _copy in range(row.count):
                    number += 1
                    positions.append(
                        (rotation.pk, number, row.role, self.specialties[row.specialty].pk,
                         row.rank_min, row.rank_max, "")
                    )  # fmt: skip
        insert_rows(Position, POSITION_FIELDS, positions)
        # Read the new positions' ids back, in the order they were inserted.
        wanted = {rotation.pk: rotation for rotation in rotations}
        ids = {
            (rotation_id, number): pk
            for pk, rotation_id, number in Position.objects.filter(
                rotation_id__gte=min(wanted), rotation_id__lte=max(wanted)
            ).values_list("pk", "rotation_id", "number")
            if rotation_id in wanted
        }
        deployments = []
        for person_id, position in zip(people, positions, strict=False):
            rotation = wanted[position[0]]
            start, end = rotation.planned_departure, rotation.planned_return
            withdrawn = rng.random() < 0.01
            if withdrawn:
                state = State.WITHDRAWN
            elif end <= today:
                state = State.REPATRIATED
            elif start <= today:
                state = State.DEPLOYED
            else:
                state = State.APPROVED
            deployments.append(
                (
                    person_id,
                    ids[(position[0], position[1])],
                    state,
                    start,
                    end,
                    None if withdrawn or start > today else start + 2 * DAY,
                    end if state == State.REPATRIATED else None,
                    "Replaced before departure." if withdrawn else "",
                    self.now,
                    self.now,
                )
            )
        insert_rows(Deployment, DEPLOYMENT_FIELDS, deployments)
        self.made_rotations += len(rotations)
        self.made_positions += len(positions)
        return len(deployments)

    def run(self) -> dict[str, int | float]:
        started = time.perf_counter()
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.nationality = settings.BLUEBERET_COUNTRY
        with transaction.atomic():
            self._catalogues()
            self.headquarters = {
                code: self.missions.headquarters(code) for code in self.missions.missions
            }
            self._organisation()
            by_wave = self._people()
            self.mission_codes = sorted(self.missions.missions)
            self.numbers = {
                (row["unit_type__code"], row["mission__code"]): row["top"]
                for row in Rotation.objects.values("unit_type__code", "mission__code").annotate(
                    top=Max("number")
                )
            }
            self.made_rotations = self.made_positions = 0
            made = 0
            for wave, people in enumerate(by_wave):
                made += self._wave(wave, people)
                self.say(
                    f"deployments {made:,}/{self.deployments:,} (wave {wave + 1}/{self.waves})"
                )
        return {
            "organisation": self.ministry.pk,
            "people": self.people,
            "rotations": self.made_rotations,
            "positions": self.made_positions,
            "deployments": made,
            "seconds": round(time.perf_counter() - started, 1),
        }
