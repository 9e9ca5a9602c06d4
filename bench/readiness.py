"""Readiness engine against a straightforward per-person Python loop, in the same run.

Two cases, with a fixed seed:
  1. 100,000 people against one position (an individual police post: the UN's police minimums
     plus every deployment's papers, screenings and core training: 11 requirements);
  2. a 63-position Level-2 field hospital rotation (rank ranges and languages per position)
     against a 10,000-person pool.
The baseline loads each person with their documents (prefetched, 2,000 at a time) and checks
each requirement in Python (planning.reference). Both must give the same answer; the script
says so, or exits with an error.

Usage (from the project root):
    .venv/bin/python bench/readiness.py                      # SQLite, bench/bench.sqlite3.readiness
    DB_ENGINE=postgres DB_PASSWORD=... .venv/bin/python bench/readiness.py
                                                             # database blueberet_bench_readiness
The pool is generated once (about a minute) and reused. The SQLite file's name falls under the
`bench/bench.sqlite3*` line of .gitignore on purpose.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time

from common import ROOT, configure, cptm_run, ensure_postgres_database, migrate

configure(ROOT / "bench" / "bench.sqlite3.readiness", "blueberet_bench_readiness")

TODAY = datetime.date(2026, 11, 1)  # fixed, so that the same seed gives the same pool
START, END = datetime.date(2027, 1, 15), datetime.date(2027, 12, 31)
ORGANISATION = "Readiness Bench Ministry"
UNITS = 10
DAY = datetime.timedelta(days=1)


# --- the pool ---------------------------------------------------------------------------------


def generate(people: int, seed: int) -> None:
    """People with passports, medicals, screenings, certificates, assessments, languages and
    licences, in bulk (no audit history: benchmark data is not a record).
    """
    from django.db import transaction
    from django.utils import timezone

    from core.dates import add_months
    from core.models import Organisation, OrganisationKind
    from demo.scale import (
        ASSESSMENT_FIELDS,
        ENROLMENT_FIELDS,
        LANGUAGE_FIELDS,
        LICENCE_FIELDS,
        MEDICAL_FIELDS,
        PASSPORT_FIELDS,
        SCREENING_FIELDS,
        insert_people,
        insert_rows,
        person_row,
    )
    from people.models import (
        DrivingLicence,
        Language,
        MedicalClearance,
        Passport,
        PersonLanguage,
        Rank,
        Screening,
    )
    from planning.seed import CPTM_CODE
    from training.models import Assessment, Course, Enrolment

    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        ministry = Organisation.objects.create(name=ORGANISATION, kind=OrganisationKind.MINISTRY)
        units = [
            Organisation.objects.create(name=f"Bench unit {n}", parent=ministry)
            for n in range(UNITS)
        ]
        ranks = {
            grade: Rank.objects.get_or_create(
                service="police", name=f"Bench grade {grade}", defaults={"grade": grade}
            )[0].pk
            for grade in (5, 9, 11, 12, 13, 15)
        }
        english = Language.objects.get_or_create(code="en", defaults={"name": "English"})[0]
        french = Language.objects.get_or_create(code="fr", defaults={"name": "French"})[0]
        course = Course.objects.get(code=CPTM_CODE)
        course.validity_months = 36  # so that certificates lapse, and the boundary matters
        course.save()
        runs = [
            cptm_run(ministry, TODAY - rng.randint(30, 1500) * DAY, TODAY, capacity=5000)
            for _ in range(30)
        ]
        person_rows = []
        for index in range(people):
            born = TODAY - rng.randint(22 * 365, 64 * 365) * DAY
            start = None if rng.random() < 0.02 else born + rng.randint(18 * 365, 23 * 365) * DAY
            # Keyword arguments are evaluated in the order written: the seed's draws for sex
            # come before those for rank.
            person_rows.append(
                person_row(
                    organisation=units[index % UNITS].pk,
                    service_number=f"RB{index:07d}",
                    full_name=f"Bench Person {index:06d}",
                    latin_name=f"Bench Person {index:06d}",
                    search_name=f"bench person {index:06d}",
                    sex="F" if rng.random() < 0.2 else "M",
                    date_of_birth=born,
                    nationality="Viet Nam",
                    service="police",
                    rank=None if rng.random() < 0.03 else rng.choice(list(ranks.values())),
                    specialty=None,
                    service_start=min(start, TODAY) if start else None,
                    created=now,
                    updated=now,
                )
            )
        ids = insert_people(person_rows)
        passports, medicals, screenings, enrolments = [], [], [], []
        assessments, languages, licences = [], [], []
        for pk in ids:
            for n in range(rng.choice([0, 1, 1, 1, 2])):
                passports.append(
                    (pk, f"RB{pk:08d}{n}", "official", TODAY - 2000 * DAY,
                     END + rng.randint(-400, 900) * DAY)
                )  # fmt: skip
            for n in range(rng.choice([0, 1, 1, 2])):
                medicals.append(
                    (pk, TODAY - (400 - 200 * n) * DAY,
                     rng.choices(["fit", "restricted", "unfit"], [85, 10, 5])[0],
                     END + rng.randint(-200, 300) * DAY, "", "")
                )  # fmt: skip
            for kind in ("human_rights", "misconduct"):
                for n in range(rng.choice([0, 1, 1, 1, 2])):
                    status = rng.choices(["cleared", "pending", "not_cleared"], [90, 7, 3])[0]
                    screenings.append(
                        (pk, kind, status, TODAY - (500 - 100 * n) * DAY, "Board", "")
                    )
            if rng.random() < 0.85:
                issued = TODAY - rng.randint(0, 1400) * DAY
                score = rng.randint(40, 100)
                passed = score >= course.pass_mark
                expires = add_months(issued, 36) - DAY if passed else None
                enrolments.append(
                    (rng.choice(runs), pk, "", "", "", True, score, passed,
                     f"C{pk}" if passed else "", issued if passed else None, expires)
                )  # fmt: skip
            for kind in ("language", "driving", "firearms"):
                if rng.random() < 0.8:
                    passed = rng.random() < 0.8
                    assessments.append(
                        (pk, kind, english.pk if kind == "language" else None,
                         TODAY - rng.randint(10, 700) * DAY, "un", "", 70 if passed else 45,
                         passed, None if rng.random() < 0.7 else END + rng.randint(-90, 400) * DAY,
                         "")
                    )  # fmt: skip
            languages.append((pk, english.pk, rng.randint(1, 6)))
            if rng.random() < 0.3:
                languages.append((pk, french.pk, rng.randint(1, 6)))
            if rng.random() < 0.9:
                licences.append(
                    (pk, rng.choice(["B", "B", "C"]), "", START - rng.randint(100, 5000) * DAY,
                     None if rng.random() < 0.5 else END + rng.randint(-100, 2000) * DAY)
                )  # fmt: skip
        insert_rows(Passport, PASSPORT_FIELDS, passports)
        insert_rows(MedicalClearance, MEDICAL_FIELDS, medicals)
        insert_rows(Screening, SCREENING_FIELDS, screenings)
        insert_rows(Enrolment, ENROLMENT_FIELDS, enrolments)
        insert_rows(Assessment, ASSESSMENT_FIELDS, assessments)
        insert_rows(PersonLanguage, LANGUAGE_FIELDS, languages)
        insert_rows(DrivingLicence, LICENCE_FIELDS, licences)


def positions(ministry: object) -> tuple:
    """The individual police post and the 63-position hospital rotation (made once)."""
    from core import testing
    from core.models import Organisation
    from people.models import Language
    from units.models import Position, Rotation, UnitType
    from units.services import generate_positions

    unit = Organisation.objects.get(parent=ministry, name="Bench unit 0")
    mission = testing.mission()
    english = Language.objects.get(code="en")
    post_type, created = UnitType.objects.get_or_create(
        code="bench-ipo",
        defaults={"name": "Bench police post", "category": "ipo", "is_individual_post": True},
    )
    if created:
        post_type.positions.create(order=1, role="Police adviser", count=1)
    hospital, created = UnitType.objects.get_or_create(
        code="bench-l2", defaults={"name": "Bench field hospital", "category": "troops"}
    )
    if created:
        # A table of 63 with rank ranges and languages that vary, as a real one does.
        table = [
            ("Director", 1, 13, 15, 4),
            ("Surgeon", 8, 11, 13, 3),
            ("Physician", 10, 11, 13, 3),
            ("Nurse", 20, 5, 11, None),
            ("Medic", 14, 5, 9, None),
            ("Logistician", 10, 9, 12, 2),
        ]
        for order, (role, count, low, high, level) in enumerate(table):
            row = hospital.positions.create(
                order=order, role=role, count=count, rank_min=low, rank_max=high
            )
            if level:
                row.languages.create(language=english, level=level)
    rotations = {}
    for code, number, kind in (("post", 1, post_type), ("hospital", 1, hospital)):
        rotation, made = Rotation.objects.get_or_create(
            unit_type=kind,
            mission=mission,
            number=number,
            defaults={
                "organisation": unit,
                "planned_departure": START,
                "planned_return": END,
                "target_strength": kind.establishment,
            },
        )
        if made:
            generate_positions(rotation)
        rotations[code] = rotation
    post = Position.objects.select_related("rotation__unit_type").get(rotation=rotations["post"])
    table = list(
        Position.objects.select_related("rotation__unit_type").filter(
            rotation=rotations["hospital"]
        )
    )
    return post, table


# --- timing -----------------------------------------------------------------------------------


def timed(call, repeat: int = 1) -> tuple[float, float, float, object]:
    """(first, median) wall seconds and median CPU seconds of this process over `repeat`
    calls, and the last result. CPU time stays stable when other work shares the machine's two
    cores; on SQLite it includes the database's work, on PostgreSQL not the server's.
    """
    times, cpu, result = [], [], None
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        result = call()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    return times[0], statistics.median(times), statistics.median(cpu), result


def report(label: str, engine: tuple, baseline: tuple, same: bool, note: str) -> None:
    first, median, cpu, _ = engine
    loop = baseline[1]
    print(f"\n{label}")
    print(f"  engine    first {first:7.3f} s   median {median:7.3f} s   (CPU {cpu:.3f} s)")
    print(f"  baseline  one run {loop:6.2f} s   (CPU {baseline[2]:.2f} s; per-person Python loop)")
    print(f"  speed-up  {loop / median:7.1f} x (baseline / engine median)")
    print(f"  same answer: {'yes' if same else 'NO'}   {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # The people are generated once, with the database; later runs measure the same ones.
    made_once = "applies only when the database is first made: later runs reuse its people"
    parser.add_argument(
        "--people",
        type=int,
        default=100_000,
        help=f"people to generate, a tenth of them the pool of case 2 (default %(default)s); "
        f"{made_once}",
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--seed", type=int, default=7, help=f"the pool's seed (default %(default)s); {made_once}"
    )
    args = parser.parse_args()

    ensure_postgres_database()
    import django

    django.setup()
    from django.apps import apps

    from core.models import Organisation
    from people.models import Person
    from planning import readiness
    from planning.models import Requirement
    from planning.reference import reference_ready_by_position, reference_unmet
    from planning.rules import rules_for, rules_for_positions
    from planning.seed import seed

    migrate()
    if not Requirement.objects.exists():
        seed(apps)
    ministry = Organisation.objects.filter(name=ORGANISATION).first()
    if ministry is None:
        started = time.perf_counter()
        generate(args.people, args.seed)
        ministry = Organisation.objects.get(name=ORGANISATION)
        print(f"generated {args.people:,} people in {time.perf_counter() - started:.0f} s")
    everyone = Person.objects.filter(organisation__parent=ministry)
    pool = Person.objects.filter(organisation__parent=ministry, organisation__name="Bench unit 0")
    post, hospital = positions(ministry)
    print(f"people: {everyone.count():,}; pool: {pool.count():,}; period {START} – {END}")
    print(f"load average before the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

    # 1. Everyone against one position.
    rules = rules_for(post)
    engine = timed(lambda: readiness.unmet(everyone, post, START, END), args.repeat)
    baseline = timed(lambda: reference_unmet(everyone, rules, START, END))
    same = {k: [r.key for r in v] for k, v in engine[3].items()} == {
        k: [r.key for r in v] for k, v in baseline[3].items()
    }
    total = everyone.count()
    report(
        f"1. {total:,} people against one position ({len(rules)} requirements)",
        engine,
        baseline,
        same,
        f"ready: {total - len(engine[3]):,}",
    )
    ok = same

    # 2. A 63-position rotation against the pool.
    by_position = rules_for_positions(hospital)
    engine = timed(lambda: readiness.ready_by_position(pool, hospital, START, END), args.repeat)
    baseline = timed(lambda: reference_ready_by_position(pool, by_position, START, END))
    same = engine[3] == baseline[3]
    pairs = sum(len(ids) for ids in engine[3].values())
    distinct = len({rule.signature for rules in by_position.values() for rule in rules})
    report(
        f"2. {len(hospital)}-position rotation against {pool.count():,} people "
        f"({distinct} distinct requirements)",
        engine,
        baseline,
        same,
        f"ready (position, person) pairs: {pairs:,}",
    )
    ok = ok and same
    if not ok:
        sys.exit("The engine and the per-person loop disagree.")


if __name__ == "__main__":
    main()
