"""The rotation planner on generated pools, against the greedy baseline in the same run.

Three cases, fixed seed, from the issue:
  S  one 63-position Level-2 field hospital, 2,000 candidates;
  M  an engineering company (184), a field hospital (63) and a formed police unit (140)
     departing together, 20,000 candidates;
  L  30 rotations, 6,000 positions (15 engineering companies, 10 formed police units and 5
     double-size engineering groups, in three departure waves), 100,000 candidates.
Each case runs in its own process, so that its peak memory is its own. The whole run is timed:
loading the pool, eligibility (the readiness engine), solving and explanations (planner.run).
Figures: wall time, peak memory (maximum resident set), objective against the greedy baseline
("fill positions in order with the best eligible candidate"), the certified optimality gap,
and the women share achieved against each rotation's target, by planner and by greedy.

Usage (from the project root):
    .venv/bin/python bench/planner.py                  # SQLite, bench/bench.sqlite3.planner
    DB_ENGINE=postgres DB_PASSWORD=... .venv/bin/python bench/planner.py
                                                       # database blueberet_bench_planner
The pool is generated once (about a minute) and reused.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import random
import resource
import subprocess
import sys
import time

from common import ROOT, configure, cptm_run, ensure_postgres_database, migrate

configure(ROOT / "bench" / "bench.sqlite3.planner", "blueberet_bench_planner")

SEED = 2024
PEOPLE = 100_000
TODAY = datetime.date(2026, 11, 1)
DAY = datetime.timedelta(days=1)
MINISTRY = "Planner Bench Ministry"
S_START = datetime.date(2027, 3, 1)
M_START = datetime.date(2027, 6, 15)
L_WAVES = [datetime.date(2027, 2, 1), datetime.date(2027, 6, 1), datetime.date(2027, 10, 1)]
WOMEN_SHARE = {"l2-field-hospital": 15, "engineering-company": 10, "formed-police-unit": 20}


# --- generation -------------------------------------------------------------------------------


def _l_plan() -> list[tuple[str, int]]:
    """(unit type code, wave) of L's 30 rotations: 6,000 positions."""
    kinds = (
        ["engineering-company"] * 15 + ["formed-police-unit"] * 10 + ["bench-engineer-group"] * 5
    )
    return [(kind, index % 3) for index, kind in enumerate(kinds)]


# Who each organisation's people are: the S unit staffs hospitals, the M corps the three units
# of M, the rest of the ministry the units of L; specialties drawn in proportion to the
# positions that ask for them.
MIXES = {
    "S": {"l2-field-hospital": 1},
    "M": {"l2-field-hospital": 1, "engineering-company": 1, "formed-police-unit": 1},
    "L": {"engineering-company": 15, "formed-police-unit": 10, "bench-engineer-group": 5},
}


def _demand(tables: dict, mix: dict[str, int]) -> dict[str, list]:
    """Specialty → (table row, how many positions ask for it) over a mix of unit types."""
    demand: dict[str, list] = {}
    for code, times in mix.items():
        for row in tables[code].rows:
            demand.setdefault(row.specialty, []).append((row, row.count * times))
    return demand


def generate() -> None:
    """Catalogues, unit types, 100,000 people with papers and history, S/M/L rotations."""
    from django.db import transaction
    from django.utils import timezone

    from core.models import Organisation, OrganisationKind
    from demo.catalogues import ensure_languages, ensure_specialties
    from demo.scale import (
        DEPLOYMENT_FIELDS,
        ENROLMENT_FIELDS,
        LANGUAGE_FIELDS,
        MEDICAL_FIELDS,
        PASSPORT_FIELDS,
        SCREENING_FIELDS,
        insert_people,
        insert_rows,
        person_row,
    )
    from demo.units_tables import ENGINEERING_COMPANY, TABLES, Table, ensure_unit_types
    from deployments.models import Deployment
    from people.models import MedicalClearance, Passport, PersonLanguage, Rank, Screening
    from training.models import Enrolment
    from units.models import Position, Rotation, UnitType
    from units.services import generate_positions

    rng = random.Random(SEED)
    now = timezone.now()
    group = Table(
        "bench-engineer-group",
        "Bench engineering group",
        ENGINEERING_COMPANY.category,
        ENGINEERING_COMPANY.services,
        [dataclasses.replace(r, count=r.count * 2) for r in ENGINEERING_COMPANY.rows],
    )
    tables = {**TABLES, group.code: group}
    with transaction.atomic():
        specialties = ensure_specialties()
        languages = ensure_languages()
        kinds = ensure_unit_types(specialties, languages, tables.values())
        ministry = Organisation.objects.create(name=MINISTRY, kind=OrganisationKind.MINISTRY)
        corps = Organisation.objects.create(name="Planner Bench Corps (M)", parent=ministry)
        unit = Organisation.objects.create(name="Planner Bench Unit (S)", parent=corps)
        ranks = {}
        for service in ("army", "police"):
            for grade in (*range(1, 10), *range(11, 20)):
                ranks[(service, grade)] = Rank.objects.get_or_create(
                    service=service,
                    name=f"Bench {service} grade {grade}",
                    defaults={"grade": grade},
                )[0].pk
        demands = {case: _demand(tables, mix) for case, mix in MIXES.items()}
        person_rows = []
        facts = []
        for index in range(PEOPLE):
            case = "S" if index < 2_000 else "M" if index < 20_000 else "L"
            organisation = {"S": unit, "M": corps, "L": ministry}[case]
            demand = demands[case]
            names = list(demand)
            code = rng.choices(names, [sum(n for _row, n in demand[s]) for s in names])[0]
            rows = demand[code]
            row = rng.choices([r for r, _n in rows], [n for _r, n in rows])[0]
            low, high = row.rank_min or 1, row.rank_max or 19
            grade = min(19, max(1, rng.randint(low, high) + rng.choice([-1, 0, 0, 0, 1])))
            grade = 11 if grade == 10 else grade
            female = rng.random() < min(0.7, max(0.01, 0.1 * row.women_weight))
            service = "police" if code == "police-officer" else "army"
            born = datetime.date(1967, 1, 1) + rng.randint(0, 33 * 365) * DAY
            started = born + rng.randint(18 * 365, 23 * 365) * DAY
            person_rows.append(
                person_row(
                    organisation=organisation.pk,
                    service_number=f"PB{index:07d}",
                    full_name=f"Bench Planner {index:06d}",
                    latin_name=f"Bench Planner {index:06d}",
                    search_name=f"bench planner {index:06d}",
                    sex="F" if female else "M",
                    date_of_birth=born,
                    nationality="Viet Nam",
                    service=service,
                    rank=ranks[(service, grade)],
                    specialty=specialties[code].pk,
                    service_start=min(started, TODAY),
                    created=now,
                    updated=now,
                )
            )
            facts.append(grade)
        ids = insert_people(person_rows)
        # Capacity is a small integer field: not 100,000, and the enrolments bypass it anyway.
        run = cptm_run(ministry, TODAY - 900 * DAY, TODAY - 890 * DAY, capacity=30_000)
        english = languages["en"].pk
        passports, medicals, screenings, enrolments, skills = [], [], [], [], []
        for pk, grade in zip(ids, facts, strict=True):
            if rng.random() < 0.95:
                passports.append((pk, f"PB{pk:09d}", "official", TODAY - 1500 * DAY,
                                  TODAY + rng.randint(100, 2500) * DAY))  # fmt: skip
            if rng.random() < 0.93:
                medicals.append((pk, TODAY - rng.randint(10, 300) * DAY,
                                 "fit" if rng.random() < 0.92 else "unfit",
                                 TODAY + rng.randint(200, 1300) * DAY, "", ""))  # fmt: skip
            for kind in ("human_rights", "misconduct"):
                if rng.random() < 0.95:
                    status = "cleared" if rng.random() < 0.95 else "pending"
                    screenings.append((pk, kind, status, TODAY - 200 * DAY, "Board", ""))
            if rng.random() < 0.88:
                issued = TODAY - rng.randint(30, 1000) * DAY
                enrolments.append((run, pk, "", "", "", True, 85, True, f"PB{pk}", issued, None))
            if rng.random() < (0.92 if grade >= 11 else 0.45):
                level = rng.randint(2, 6) if grade >= 11 else rng.randint(1, 4)
                skills.append((pk, english, level))
        insert_rows(Passport, PASSPORT_FIELDS, passports)
        insert_rows(MedicalClearance, MEDICAL_FIELDS, medicals)
        insert_rows(Screening, SCREENING_FIELDS, screenings)
        insert_rows(Enrolment, ENROLMENT_FIELDS, enrolments)
        insert_rows(PersonLanguage, LANGUAGE_FIELDS, skills)

        from missions.models import Mission

        mission = Mission.objects.get_or_create(
            code="UNISFA",
            defaults={
                "name": "UN Interim Security Force for Abyei",
                "host_country": "Sudan",
                "started_on": datetime.date(2011, 6, 27),
            },  # fmt: skip
        )[0]
        past_kind = UnitType.objects.create(code="bench-past", name="Bench past", category="troops")
        past = Rotation.objects.create(
            organisation=ministry, unit_type=past_kind, mission=mission, number=900,
            planned_departure=TODAY - 3000 * DAY, planned_return=TODAY - 2700 * DAY,
            target_strength=1, name="Bench history",
        )  # fmt: skip
        history_position = Position.objects.create(rotation=past, number=1, role="History")
        history = []
        for pk in ids:
            draw = rng.random()
            if draw < 0.25:  # served years ago
                back = TODAY - rng.randint(400, 3000) * DAY
            elif draw < 0.30:  # back recently: inside the rest period
                back = TODAY - rng.randint(30, 200) * DAY
            else:
                continue
            history.append((pk, history_position.pk, "repatriated", back - 365 * DAY, back,
                            back - 360 * DAY, back, "", now, now))  # fmt: skip
        insert_rows(Deployment, DEPLOYMENT_FIELDS, history)

        def rotation(code: str, number: int, start: datetime.date, organisation: object) -> None:
            kind = kinds[code]
            made = Rotation.objects.create(
                organisation=organisation, unit_type=kind, mission=mission, number=number,
                planned_departure=start, planned_return=start + 365 * DAY,
                target_strength=sum(r.count for r in tables[code].rows),
                target_women_share=WOMEN_SHARE.get(code, 10), status="planning",
                name=f"Bench {code} {number}",
            )  # fmt: skip
            generate_positions(made)

        rotation("l2-field-hospital", 101, S_START, unit)
        for number, code in enumerate(
            ["engineering-company", "l2-field-hospital", "formed-police-unit"], start=201
        ):
            rotation(code, number, M_START, corps)
        for number, (code, wave) in enumerate(_l_plan(), start=301):
            rotation(code, number, L_WAVES[wave], ministry)


def users() -> dict[str, object]:
    """A planner scoped to each case's organisation."""
    from django.contrib.auth.models import Group, User

    from core.models import Membership, Organisation
    from core.roles import PLANNER, ensure_roles

    ensure_roles()
    scopes = {"S": "Planner Bench Unit (S)", "M": "Planner Bench Corps (M)", "L": MINISTRY}
    found = {}
    for case, name in scopes.items():
        user, created = User.objects.get_or_create(username=f"bench-planner-{case.lower()}")
        if created:
            Membership.objects.create(
                user=user,
                organisation=Organisation.objects.get(name=name),
                role=Group.objects.get(name=PLANNER),
            )
        found[case] = user
    return found


# --- one case -------------------------------------------------------------------------------


def run_case(case: str, time_limit: float) -> dict:
    """Plan one case in this process; its figures as a dict (printed as JSON by --run)."""
    from people.models import Person
    from planning.planner.run import plan
    from units.models import Rotation

    user = users()[case]
    numbers = {"S": [101], "M": [201, 202, 203], "L": list(range(301, 331))}[case]
    started = time.perf_counter()
    rotations = list(
        Rotation.objects.filter(number__in=numbers, name__startswith="Bench ").order_by("number")
    )
    proposal = plan(rotations, Person.objects.restrict(user, "view"), time_limit=time_limit)
    wall = time.perf_counter() - started
    f = proposal["figures"]
    women = [r["women"] for r in proposal["rotations"]]
    open_positions = f["open_positions"]
    return {
        "case": case,
        "rotations": len(rotations),
        "positions": open_positions,
        "pool": f["pool"],
        "eligible_pairs": f["eligible_pairs"],
        "classes": f["classes"],
        "wall": wall,
        "seconds": f["seconds"],
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "objective": f["objective"],
        "greedy": f["greedy_objective"],
        "bound": f["bound"],
        "gap_percent": f["gap_percent"],
        "proven": f["proven"],
        "method": f["method"],
        "filled": f["filled"],
        "greedy_filled": f["greedy_filled"],
        "women_needed": sum(w["needed"] for w in women),
        "women_achieved": sum(w["achieved"] for w in women),
        "women_short": sum(w["short"] for w in women),
        "greedy_women_short": f["greedy_women_short"],
        "rotations_short": sum(1 for w in women if w["short"]),
        "rotations_binding": sum(1 for w in women if w["needed"] > w["existing"]),
    }


def report(row: dict) -> None:
    s = row["seconds"]
    state = "proven optimal" if row["proven"] else f"gap {row['gap_percent']:.4f} %"
    share = 100 * row["women_achieved"] / max(1, row["filled"])
    target = 100 * row["women_needed"] / max(1, row["positions"])
    print(f"\n{row['case']}: {row['rotations']} rotation(s), {row['positions']:,} open positions, "
          f"{row['pool']:,} candidates, {row['eligible_pairs']:,} eligible (person, position) "
          f"pairs in {row['classes']} classes")  # fmt: skip
    print(f"  whole run  {row['wall']:7.2f} s   (pool {s['pool']:.2f}, eligibility "
          f"{s['eligibility']:.2f}, solve {s['solve']:.2f}, explanations {s['explain']:.2f})   "
          f"peak memory {row['peak_mb']:,.0f} MB")  # fmt: skip
    print(f"  objective  planner {row['objective']:,}  greedy {row['greedy']:,}  "
          f"bound {row['bound']:,}  ({state}, {row['method']})")  # fmt: skip
    print(f"  filled     planner {row['filled']:,}  greedy {row['greedy_filled']:,}")
    print(f"  women      needed {row['women_needed']}, achieved {row['women_achieved']} "
          f"({share:.1f} % of those proposed; target {target:.1f} %); short: planner "
          f"{row['women_short']}, greedy {row['greedy_women_short']}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="SML")
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--run", help=argparse.SUPPRESS)  # one case, in a child process
    args = parser.parse_args()
    ensure_postgres_database()
    import django

    django.setup()
    if args.run:
        print(json.dumps(run_case(args.run, args.time_limit)))
        return
    from django.db import connection

    from core.models import Organisation

    migrate()
    if not Organisation.objects.filter(name=MINISTRY).exists():
        started = time.perf_counter()
        generate()
        print(f"generated {PEOPLE:,} people in {time.perf_counter() - started:.0f} s")
    users()
    connection.close()
    failures = []
    for case in args.cases:
        child = subprocess.run(
            [sys.executable, __file__, "--run", case, "--time-limit", str(args.time_limit)],
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode:
            sys.exit(f"case {case} failed:\n{child.stderr}")
        row = json.loads(child.stdout.strip().splitlines()[-1])
        report(row)
        if row["objective"] < row["greedy"]:
            failures.append(f"{case}: the planner scored below greedy")
    if failures:
        sys.exit("\n".join(failures))


if __name__ == "__main__":
    main()
